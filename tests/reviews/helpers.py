"""A case in cycles with an edit to review, made through the services (media-less unless a
test asks for a still's picture)."""

from __future__ import annotations

import io
from datetime import timedelta

from django.utils import timezone
from PIL import Image

from attune.cases import services as case_services
from attune.cases.models import Case, CaseState, Cycle
from attune.consent.models import Scope, SignatureMethod
from attune.consent.services import consent_record
from attune.films.models import Film
from attune.moments.models import Moment, MomentKind, Principle, Render, RenderStatus
from attune.moments.services import catalogue_ensure
from attune.reviews import services as review_services
from attune.vault.models import ObjectKind
from attune.vault.services import object_store
from tests.factories import consent_to_everything, make_ready_film


def start_cycles(case: Case, *, stills_consent: bool = True) -> Case:
    """Agreed, every adult's consent (stills too, unless told not), first film planned, in
    cycles."""
    guider = case.guider
    case = case_services.case_transition(actor=guider, case=case, to_state=CaseState.AGREED)
    if stills_consent:
        consent_to_everything(case)
    else:
        for adult in case.adults.all():
            consent_record(
                actor=guider,
                case=case,
                adult=adult,
                scopes=[Scope.FILMING, Scope.SUPERVISION],
                method=SignatureMethod.TYPED,
                typed_name=adult.name,
                confirmed=True,
            )
    case_services.cycle_update(
        actor=guider,
        case=case,
        cycle=case.cycles.get(number=1),
        planned_film_date=timezone.localdate() + timedelta(days=1),
        planned_review_date=None,
    )
    return case_services.case_transition(actor=guider, case=case, to_state=CaseState.IN_CYCLES)


def jpeg_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (32, 24), (200, 120, 90)).save(out, format="JPEG")
    return out.getvalue()


def edit_with(
    case: Case, cycle_number: int = 1, *, clips: int = 2, stills: int = 1, film: Film | None = None
) -> list[Moment]:
    """An edit of clips then stills on a media-less film, tagged with principles; each still
    has a rendered picture in the vault (so letters and the stills pack have one to use)."""
    catalogue_ensure(service=case.service)
    principles = list(Principle.objects.filter(service=case.service).order_by("position"))
    film = film or make_ready_film(case, cycle_number=cycle_number)
    moments = []
    for n in range(clips + stills):
        kind = MomentKind.CLIP if n < clips else MomentKind.STILL
        start = n * 20
        moment = Moment.objects.create(
            film=film,
            kind=kind,
            start_frame=start,
            end_frame=start + (10 if kind == MomentKind.CLIP else 1),
            edit_position=n,
            question=f"What do you see Sam doing here ({n + 1})?",
            notes="Guider's private note",
            created_by=case.guider,
        )
        moment.principles.set([principles[2], principles[n % 2]])
        if kind == MomentKind.STILL:
            jpeg = object_store(
                case=case,
                kind=ObjectKind.STILL,
                src=io.BytesIO(jpeg_bytes()),
                content_type="image/jpeg",
            )
            Render.objects.create(
                moment=moment,
                kind=kind,
                start_frame=moment.start_frame,
                end_frame=moment.end_frame,
                status=RenderStatus.READY,
                jpeg=jpeg,
                requested_by=case.guider,
            )
        moments.append(moment)
    return moments


def complete_review(
    case: Case, cycle: Cycle, *, scores: dict[int, int] | None = None, words: str = ""
) -> review_services.ReviewOutcome:
    """Complete the cycle's review: every question scored (baseline + 1 unless told)."""
    moments = list(Moment.objects.filter(film__cycle=cycle, edit_position__isnull=False))
    adult = case.adults.first()
    assert adult is not None
    scaling = scores or {q.pk: min(10, q.baseline + 1) for q in case.helping_questions.all()}
    return review_services.review_record(
        actor=case.guider,
        cycle=cycle,
        held_on=timezone.localdate(),
        attendees="Jo (mum) and the guider",
        reflections={(moments[0].pk, adult.pk): words} if words and moments else {},
        scaling=scaling,
        plan_try="Wait a little longer after Sam starts to talk.",
        plan_where="At home",
        plan_when="After school on Tuesday",
        complete=True,
    )
