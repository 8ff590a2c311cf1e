"""The shared review: recording it, completing it (which completes the cycle and proposes what
comes next), and rewording a helping question before its first re-scaling.

Audit details say what was recorded (how many reflections, the scores), never the adult's words.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils import timezone

from attune.accounts.models import User
from attune.audit.actions import AuditAction
from attune.audit.services import audit_record
from attune.cases.models import Case, CaseState, Cycle, HelpingQuestion
from attune.cases.services import require_in_order, require_not_future
from attune.core.dates import day
from attune.core.errors import PermissionDenied, ServiceError
from attune.moments import services as moment_services
from attune.moments.selectors import edit_for_cycle
from attune.reviews import selectors
from attune.reviews.models import QuestionWording, Reflection, Rescaling, Review, ReviewedMoment

TEXT_LIMIT = 5000


def _first_film_date(cycle: Cycle) -> date | None:
    """The day the cycle's first film was recorded, when the cycle has no date of its own."""
    first = cycle.films.of_family().order_by("created_at").first()
    return timezone.localdate(first.created_at) if first else None


def _require_guider(actor: User, case: Case) -> None:
    if case.guider_id != actor.pk:
        raise PermissionDenied("Only the case's guider can record the shared review.")
    if not case.is_open:
        raise ServiceError(
            f"This case is {case.get_state_display().lower()}; it can no longer change."
        )


def _text(value: str, field: str, limit: int = TEXT_LIMIT) -> str:
    value = (value or "").strip()
    if len(value) > limit:
        raise ServiceError(f"Keep this under {limit} characters.", field=field)
    return value


@dataclass(frozen=True)
class ReviewOutcome:
    review: Review
    next_cycle: Cycle | None  # the cycle proposed next, when there is one
    propose_closing: bool  # every planned cycle is done: the work can begin closing


def _clean_scaling(
    case: Case, scaling: Mapping[int, int | None], *, complete: bool
) -> dict[int, int]:
    questions = {q.pk: q for q in case.helping_questions.all()}
    unknown = set(scaling) - set(questions)
    if unknown:
        raise ServiceError("Some of those helping questions are not on this case.", field="scaling")
    cleaned: dict[int, int] = {}
    for pk, score in scaling.items():
        if score is None:
            continue
        if not isinstance(score, int) or isinstance(score, bool) or not 0 <= score <= 10:
            raise ServiceError("Scaling is a whole number from 0 to 10.", field=f"scale_{pk}")
        cleaned[pk] = score
    if complete:
        for pk, question in questions.items():
            if pk not in cleaned:
                raise ServiceError(
                    f"Re-scale “{question.text}” (0 to 10) to complete the review.",
                    field=f"scale_{pk}",
                )
    return cleaned


def review_record(
    *,
    actor: User,
    cycle: Cycle,
    held_on: date | None,
    attendees: str = "",
    new_noticed: str = "",
    reflections: Mapping[tuple[uuid.UUID | str, int], str] | None = None,
    scaling: Mapping[int, int | None] | None = None,
    plan_try: str = "",
    plan_where: str = "",
    plan_when: str = "",
    next_film_date: date | None = None,
    complete: bool = False,
) -> ReviewOutcome:
    """Save what was said in the shared review; with ``complete`` the cycle is done too.

    ``reflections`` maps (moment id, adult id) to the adult's words about that moment of the
    edit; ``scaling`` maps helping question ids to 0–10 (every question, to complete).
    """
    case = cycle.case
    _require_guider(actor, case)
    blockers = selectors.review_blockers(cycle)
    if blockers:
        raise ServiceError(" ".join(blockers))
    require_not_future(held_on, message="The review date cannot be in the future.", field="held_on")
    if complete and held_on is None:
        raise ServiceError("Give the date of the shared review.", field="held_on")
    filmed = cycle.filmed_on or _first_film_date(cycle)
    require_in_order(
        filmed,
        held_on,
        message=(
            f"The shared review cannot be held before its film was recorded ({day(filmed)})."
            if filmed
            else ""
        ),
        field="held_on",
    )
    require_in_order(
        held_on,
        next_film_date,
        message="The next film comes after this review.",
        field="next_film_date",
    )
    # A completed review stays whole: a later save cannot drop a question's re-scaling.
    whole = complete or Review.objects.filter(cycle=cycle, completed_at__isnull=False).exists()
    scores = _clean_scaling(case, scaling or {}, complete=whole)
    edit = edit_for_cycle(cycle).moments
    positions = {str(m.pk): i for i, m in enumerate(edit)}
    adults = set(case.adults.values_list("pk", flat=True))
    words: dict[tuple[int, int], str] = {}
    for (moment_id, adult_id), text in (reflections or {}).items():
        if str(moment_id) not in positions or adult_id not in adults:
            raise ServiceError("Reflections are about this cycle's edit.", field="reflections")
        text = _text(text, f"reflection_{moment_id}_{adult_id}")
        if text:
            words[(positions[str(moment_id)], adult_id)] = text
    with transaction.atomic():
        cycle = Cycle.objects.select_for_update().get(pk=cycle.pk)
        review, _ = Review.objects.get_or_create(cycle=cycle)
        was_complete = review.is_complete
        review.held_on = held_on
        review.attendees = _text(attendees, "attendees")
        review.new_noticed = _text(new_noticed, "new_noticed")
        review.plan_try = _text(plan_try, "plan_try")
        review.plan_where = _text(plan_where, "plan_where", 200)
        review.plan_when = _text(plan_when, "plan_when", 200)
        if complete and not was_complete:
            review.completed_at = timezone.now()
            review.completed_by = actor
        review.save()
        # The edit as it stands now is what was reviewed.
        review.moments.all().delete()
        for position, moment in enumerate(edit):
            reviewed = ReviewedMoment.objects.create(
                review=review,
                moment=moment,
                position=position,
                kind=moment.kind,
                principles=[p.name for p in moment.principles.all()],
            )
            for (at, adult_id), text in words.items():
                if at == position:
                    Reflection.objects.create(
                        reviewed_moment=reviewed, adult_id=adult_id, text=text
                    )
        review.rescalings.exclude(question_id__in=scores).delete()
        for question_id, score in scores.items():
            Rescaling.objects.update_or_create(
                review=review, question_id=question_id, defaults={"score": score}
            )
        next_cycle = selectors.next_cycle_after(cycle)
        if review.is_complete:
            cycle.reviewed_on = held_on
            if cycle.filmed_on is None:
                cycle.filmed_on = _first_film_date(cycle) or held_on
            cycle.save()
            if next_cycle is not None and next_film_date is not None:
                next_cycle.planned_film_date = next_film_date
                next_cycle.save(update_fields=["planned_film_date", "updated_at"])
        audit_record(
            actor=actor,
            action=AuditAction.REVIEW_COMPLETED
            if complete and not was_complete
            else AuditAction.REVIEW_SAVED,
            case=case,
            obj=review,
            details={
                "cycle": cycle.number,
                "reflections": len(words),
                "scaling": {str(k): v for k, v in scores.items()},
                "plan": bool(review.plan_try),
            },
        )
        case.save(update_fields=["updated_at"])
    return ReviewOutcome(
        review=review,
        next_cycle=next_cycle if review.is_complete else None,
        propose_closing=review.is_complete and next_cycle is None,
    )


def review_clips_prepare(*, actor: User, cycle: Cycle) -> int:
    """Ask for every clip and still of the edit that is not rendered yet. How many were asked."""
    _require_guider(actor, cycle.case)
    asked = 0
    with transaction.atomic():
        for moment in edit_for_cycle(cycle).moments:
            if selectors._ready_render(moment) is None:
                moment_services.moment_render(actor=actor, moment=moment)
                asked += 1
    return asked


def presentation_opened(*, actor: User, cycle: Cycle) -> None:
    """Opening the presentation is audited; each clip fetched is audited as a render viewing."""
    audit_record(
        actor=actor, action=AuditAction.PRESENTATION_VIEWED, case=cycle.case, obj=cycle, details={}
    )


def helping_question_reword(
    *, actor: User, case: Case, question: HelpingQuestion, text: str
) -> HelpingQuestion:
    """Change a helping question's words before its first re-scaling; the old words are kept."""
    _require_guider(actor, case)
    text = _text(text, "text")
    if not text:
        raise ServiceError("Write the helping question in the adult's own words.", field="text")
    if question.case_id != case.pk:
        raise ServiceError("That question is not on this case.", field="text")
    if case.state not in {CaseState.REFERRED, CaseState.AGREED, CaseState.IN_CYCLES}:
        raise ServiceError("Helping questions are reworded while the work goes on.")
    with transaction.atomic():
        question = HelpingQuestion.objects.select_for_update().get(pk=question.pk)
        if Rescaling.objects.filter(question=question).exists():
            raise ServiceError(
                "This question has been re-scaled in a shared review: its words stay, so the "
                "scaling compares like with like. Add a new question instead.",
                field="text",
            )
        if text == question.text:
            return question
        QuestionWording.objects.create(question=question, text=question.text, replaced_by=actor)
        question.text = text
        question.save(update_fields=["text", "updated_at"])
        audit_record(
            actor=actor,
            action=AuditAction.HELPING_QUESTION_REWORDED,
            case=case,
            obj=question,
            details={"wordings_kept": question.old_wordings.count()},
        )
    return question
