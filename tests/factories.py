"""Factories for tests.

People, services and supervision links are plain rows. Anything on a case is made through
`attune.cases.services`, so every object a test sees has its audit events, just as in real use.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from attune.accounts.models import Service, SupervisionLink, User
from attune.analysis.models import AnalysisStatus, FilmAnalysis, Suggestion
from attune.cases import services as case_services
from attune.cases.models import Adult, AdultKind, Case, HelpingQuestion, InitialMeeting
from attune.films.models import Film, FilmStatus
from attune.samples.cases import Stage, case_at_stage


class ServiceFactory(DjangoModelFactory[Service]):
    class Meta:
        model = Service
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Educational Psychology Service {n}")
    slug = factory.Sequence(lambda n: f"service-{n}")


class UserFactory(DjangoModelFactory[User]):
    """A guider by default. Pass `password=...` for someone who signs in through the login page;
    without one the password is unusable, which keeps Argon2 (slow on purpose) out of most tests."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Sequence(lambda n: f"Person {n}")
    service = factory.SubFactory(ServiceFactory)
    is_guider = True

    @factory.post_generation
    def password(obj: User, create: bool, extracted: str | None, **kwargs: Any) -> None:
        if extracted:
            obj.set_password(extracted)
        else:
            obj.set_unusable_password()
        if create:
            obj.save(update_fields=["password"])


class SupervisionLinkFactory(DjangoModelFactory[SupervisionLink]):
    class Meta:
        model = SupervisionLink

    service = factory.LazyAttribute(lambda o: o.supervisee.service)
    supervisor = factory.SubFactory(UserFactory, is_supervisor=True)
    supervisee = factory.SubFactory(UserFactory)


def make_case(guider: User, **fields: Any) -> Case:
    """Open a case through the service, as the guider would."""
    fields.setdefault("child_name", "Sam Carter")
    if "child_date_of_birth" not in fields:
        fields.setdefault("child_age_years", 6)
    return case_services.case_create(actor=guider, **fields)


def add_adult(case: Case, *, name: str = "Jo Carter", **fields: Any) -> Adult:
    fields.setdefault("kind", AdultKind.PARENT_CARER)
    fields.setdefault("relationship", "mother")
    return case_services.adult_add(actor=case.guider, case=case, name=name, **fields)


def record_meeting(case: Case, *, days_ago: int = 7, agreed: str = "") -> InitialMeeting:
    return case_services.initial_meeting_record(
        actor=case.guider,
        case=case,
        met_on=timezone.localdate() - timedelta(days=days_ago),
        agreed=agreed or "Film at home after school, three cycles.",
    )


def add_question(
    case: Case,
    adult: Adult,
    *,
    text: str = "How can I help Sam tell me about school?",
    baseline: int = 3,
    hoped_for: int | None = 7,
) -> HelpingQuestion:
    return case_services.helping_question_add(
        actor=case.guider, case=case, adult=adult, text=text, baseline=baseline, hoped_for=hoped_for
    )


def make_ready_case(guider: User, **fields: Any) -> Case:
    """A referred case with one adult, the initial meeting and one helping question:
    everything the work needs before it can be marked agreed."""
    return case_at_stage(guider, Stage.READY, **fields)


def consent_to_everything(case: Case) -> None:
    """Every adult on the case signs the service's consent form for every scope (typed name)."""
    from attune.consent.models import Scope, SignatureMethod
    from attune.consent.services import consent_record

    for adult in case.adults.all():
        consent_record(
            actor=case.guider,
            case=case,
            adult=adult,
            scopes=list(Scope.values),
            method=SignatureMethod.TYPED,
            typed_name=adult.name,
            confirmed=True,
        )


def make_ready_film(case: Case, *, cycle_number: int = 1, **fields: Any) -> Film:
    """A film row as processing leaves it, without media (for pages and rules that never fetch
    the film itself). Where a test needs a playable film, see `tests/moments/conftest.py`."""
    values: dict[str, Any] = {
        "original_filename": "tea.mp4",
        "status": FilmStatus.READY,
        "upload_size": 100,
        "upload_chunk_size": 100,
        "upload_received": 100,
        "upload_expires_at": timezone.now() + timedelta(hours=1),
        "duration": 4.0,
        "fps": 25,
        "width": 160,
        "height": 96,
        "ready_at": timezone.now(),
        **fields,
    }
    return Film.objects.create(
        case=case, cycle=case.cycles.get(number=cycle_number), uploaded_by=case.guider, **values
    )


def make_suggestion(
    film: Film, *, analysis: FilmAnalysis | None = None, **fields: Any
) -> Suggestion:
    """A moment finder's suggestion on ``film``, stored directly; the finished analysis that
    proposed it is made too when the film has none."""
    if analysis is None:
        analysis, _ = FilmAnalysis.objects.get_or_create(
            film=film, defaults={"status": AnalysisStatus.DONE, "progress": 1.0}
        )
    values: dict[str, Any] = {
        "rank": Suggestion.objects.filter(film=film).count() + 1,
        "start": 0.5,
        "end": 3.0,
        "score": 0.8,
        "principles": ["Receiving initiatives"],
        "reason": "The child started talking at 00:00; you responded after 0.4 s.",
        **fields,
    }
    return Suggestion.objects.create(film=film, analysis=analysis, **values)
