"""The demo service: people in every role and cases at different stages, made through services."""

from __future__ import annotations

import tempfile
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from attune.accounts.models import Service, SupervisionLink, User
from attune.audit.services import audit_recorded_at
from attune.cases import services as cases
from attune.cases.models import Adult, AdultKind, Case, CaseState, Setting

if TYPE_CHECKING:
    from attune.films.models import Film

DEMO_PASSWORD = "attune-demo-2026"  # noqa: S105 (printed for the demo on purpose)
DEMO_SERVICE_SLUG = "demo"


@dataclass(frozen=True)
class DemoPerson:
    email: str
    full_name: str
    is_guider: bool = False
    is_trainee: bool = False
    is_supervisor: bool = False
    is_service_admin: bool = False

    @property
    def role(self) -> str:
        if self.is_service_admin:
            return "service admin"
        if self.is_supervisor:
            return "supervisor"
        return "trainee guider" if self.is_trainee else "guider"


PEOPLE = [
    DemoPerson("guider@demo.attune", "Dr Amira Clarke", is_guider=True),
    DemoPerson("trainee@demo.attune", "Tom Hughes", is_guider=True, is_trainee=True),
    DemoPerson("trainee2@demo.attune", "Grace Okoye", is_guider=True, is_trainee=True),
    DemoPerson("supervisor@demo.attune", "Dr Ruth Evans", is_supervisor=True, is_guider=True),
    DemoPerson("admin@demo.attune", "Priya Shah", is_service_admin=True),
]


def _person(service: Service, spec: DemoPerson, password: str | None) -> User:
    user = User.objects.filter(email=spec.email).first()
    if user is None:
        user = User.objects.create_user(
            spec.email,
            password or DEMO_PASSWORD,
            full_name=spec.full_name,
            service=service,
            is_guider=spec.is_guider,
            is_trainee=spec.is_trainee,
            is_supervisor=spec.is_supervisor,
            is_service_admin=spec.is_service_admin,
        )
    elif password:
        user.set_password(password)
        user.save(update_fields=["password"])
    return user


def _days(n: int) -> date:
    return timezone.localdate() + timedelta(days=n)


def _on(days: int, hour: int = 10) -> AbstractContextManager[None]:
    """Audit events recorded inside are stamped on that day of the story (`days` from today)."""
    day = _days(days)
    when = timezone.make_aware(datetime(day.year, day.month, day.day, hour, 0))
    return audit_recorded_at(min(when, timezone.now()))


def _consent(guider: User, case: Case, adult: Adult, scopes: list[str], days_ago: int) -> None:
    """Consent by typed name, as recorded at the initial meeting (filming needs it)."""
    from attune.consent.services import consent_record

    consent_record(
        actor=guider,
        case=case,
        adult=adult,
        scopes=scopes,
        method="typed",
        typed_name=adult.name,
        confirmed=True,
        signed_on=_days(-days_ago),
    )


def _seed_cases(guider: User, trainee: User) -> None:
    # 1. Just referred.
    with _on(-2):
        cases.case_create(
            actor=guider,
            child_name="Leo Bennett",
            child_age_years=4,
            child_school="Little Acorns Nursery",
            setting=Setting.NURSERY,
            referrer="Nursery manager",
            referral_reason="Leo finds group times hard; staff want to build his confidence.",
        )

    # 2. Agreed, first film planned.
    with _on(-12):
        case = cases.case_create(
            actor=guider,
            child_name="Maya Okafor",
            child_date_of_birth=date(timezone.localdate().year - 7, 3, 14),
            child_school="Riverside Primary",
            setting=Setting.HOME,
            referrer="SENCo, Riverside Primary",
            referral_reason="Mum would like mornings to feel calmer.",
        )
        mum = cases.adult_add(
            actor=guider,
            case=case,
            name="Grace Okafor",
            kind=AdultKind.PARENT_CARER,
            relationship="mother",
            has_parental_responsibility=True,
        )

    with _on(-10):
        cases.initial_meeting_record(
            actor=guider,
            case=case,
            met_on=_days(-10),
            agreed="Film at home after school, playing a board game; three cycles, fortnightly.",
        )
        cases.helping_question_add(
            actor=guider,
            case=case,
            adult=mum,
            text="How can I help Maya tell me about her day?",
            baseline=3,
            hoped_for=7,
        )
        _consent(guider, case, mum, ["filming", "supervision", "stills"], days_ago=10)
        cases.case_transition(actor=guider, case=case, to_state=CaseState.AGREED)

    with _on(-9):
        first = case.cycles.get(number=1)
        cases.cycle_update(
            actor=guider,
            case=case,
            cycle=first,
            planned_film_date=_days(5),
            planned_review_date=_days(12),
        )

    # 3. In cycles: first cycle done, second film overdue.
    with _on(-45):
        case = cases.case_create(
            actor=guider,
            child_name="Oliver Price",
            child_age_years=9,
            child_school="St Anne's C of E Primary",
            setting=Setting.SCHOOL,
            referrer="Head teacher",
            referral_reason="Oliver's TA wants to build a warmer working relationship.",
        )
        ta = cases.adult_add(
            actor=guider,
            case=case,
            name="Sophie Lane",
            kind=AdultKind.STAFF,
            relationship="teaching assistant",
        )

    with _on(-40):
        cases.initial_meeting_record(
            actor=guider,
            case=case,
            met_on=_days(-40),
            agreed="Film in the library, reading together.",
        )
        cases.helping_question_add(
            actor=guider,
            case=case,
            adult=ta,
            text="How do I help Oliver stay with a task when he gets stuck?",
            baseline=4,
            hoped_for=8,
        )
        cases.helping_question_add(
            actor=guider,
            case=case,
            adult=ta,
            text="How can I notice what Oliver is good at?",
            baseline=5,
        )
        _consent(guider, case, ta, ["filming", "supervision", "training"], days_ago=40)
        cases.case_transition(actor=guider, case=case, to_state=CaseState.AGREED)

    with _on(-38):
        c1, c2 = case.cycles.get(number=1), case.cycles.get(number=2)
        cases.cycle_update(
            actor=guider,
            case=case,
            cycle=c1,
            planned_film_date=_days(-30),
            planned_review_date=_days(-23),
        )

    with _on(-31):
        cases.case_transition(actor=guider, case=case, to_state=CaseState.IN_CYCLES)

    with _on(-23):
        cases.cycle_update(
            actor=guider,
            case=case,
            cycle=c1,
            planned_film_date=_days(-30),
            planned_review_date=_days(-23),
            filmed_on=_days(-30),
            reviewed_on=_days(-23),
        )

    with _on(-20):
        cases.cycle_update(
            actor=guider,
            case=case,
            cycle=c2,
            planned_film_date=_days(-3),
            planned_review_date=_days(4),
        )

    # 4. The trainee's case, in cycles (seen by the supervisor).
    with _on(-16):
        case = cases.case_create(
            actor=trainee,
            child_name="Ava Whitfield",
            child_age_years=2,
            setting=Setting.HOME,
            referrer="Health visitor",
            referral_reason="Dad would like to enjoy play with Ava more.",
        )
        dad = cases.adult_add(
            actor=trainee,
            case=case,
            name="Daniel Whitfield",
            kind=AdultKind.PARENT_CARER,
            relationship="father",
            has_parental_responsibility=True,
        )

    with _on(-14):
        cases.initial_meeting_record(
            actor=trainee, case=case, met_on=_days(-14), agreed="Film floor play at home."
        )
        cases.helping_question_add(
            actor=trainee,
            case=case,
            adult=dad,
            text="How can I follow Ava's lead when we play?",
            baseline=2,
            hoped_for=6,
        )
        _consent(trainee, case, dad, ["filming", "supervision", "stills"], days_ago=14)
        cases.case_transition(actor=trainee, case=case, to_state=CaseState.AGREED)
        cases.cycle_update(
            actor=trainee,
            case=case,
            cycle=case.cycles.get(number=1),
            planned_film_date=_days(2),
            planned_review_date=_days(9),
        )
        cases.case_transition(actor=trainee, case=case, to_state=CaseState.IN_CYCLES)

    # 5–6. The second half of the work: a completed shared review; a case closing with its letter.
    from attune.demo.letters import seed_demo_letter
    from attune.demo.reviews import seed_demo_reviews

    seed_demo_reviews(guider)
    seed_demo_letter(guider)


@transaction.atomic
def seed_demo(password: str | None = None) -> tuple[Service, list[tuple[DemoPerson, User]], bool]:
    """Create the demo service once. Returns (service, people, created)."""
    service, created = Service.objects.get_or_create(
        slug=DEMO_SERVICE_SLUG, defaults={"name": "Severn Vale Educational Psychology Service"}
    )
    people = [(spec, _person(service, spec, password)) for spec in PEOPLE]
    by_email = {spec.email: user for spec, user in people}
    guider, trainee = by_email["guider@demo.attune"], by_email["trainee@demo.attune"]
    supervisor = by_email["supervisor@demo.attune"]
    SupervisionLink.objects.get_or_create(
        service=service, supervisor=supervisor, supervisee=trainee, ended_on=None
    )
    if not Case.objects.filter(service=service).exists():
        _seed_cases(guider, trainee)
    from attune.demo.supervision import seed_supervision_demo

    seed_supervision_demo(service)
    return service, people, created


def seed_demo_film() -> Film | None:
    """Give the demo's in-cycles case a generated film (a short dialogue with two photographed
    faces when espeak-ng is on the machine, otherwise a test pattern with speech-like sound).
    The worker processes and analyses it like any upload. Returns None when the film is already
    there."""
    from attune.films.models import Film
    from attune.films.services import film_import
    from attune.samples import dialogue
    from attune.samples import films as testmedia

    case = (
        Case.objects.filter(service__slug=DEMO_SERVICE_SLUG, state=CaseState.IN_CYCLES)
        .select_related("guider")
        .order_by("created_at")
        .first()
    )
    if case is None or Film.objects.filter(case=case).exists():
        return None
    with tempfile.TemporaryDirectory(prefix="attune-demo-") as tmp:
        path = Path(tmp) / "library-reading.mp4"
        if dialogue.espeak_available():
            dialogue.make_dialogue_film(
                path, seed=7, seconds=45, width=640, height=360, portraits=True
            )
        else:
            testmedia.make_film(path, seconds=30, width=640, height=360, speech_like_audio=True)
        return film_import(actor=case.guider, case=case, cycle=case.cycles.get(number=1), path=path)
