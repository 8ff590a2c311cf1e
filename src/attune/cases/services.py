"""Every change to a case goes through here: atomic, checked, audited in the same transaction."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from attune.accounts.models import User
from attune.audit.actions import AuditAction
from attune.audit.models import AuditEvent
from attune.audit.services import audit_record
from attune.cases.models import (
    MAX_HELPING_QUESTIONS_PER_ADULT,
    Adult,
    AdultKind,
    Case,
    CaseState,
    Cycle,
    HelpingQuestion,
    InitialMeeting,
)
from attune.core import hooks
from attune.core.errors import PermissionDenied, ServiceError, TransitionRefused

CASE_FIELDS = (
    "child_name",
    "child_date_of_birth",
    "child_age_years",
    "child_school",
    "setting",
    "referrer",
    "referral_reason",
)


def require_case_guider(
    actor: User, case: Case, *, what: str = "change it", closed: str | None = None
) -> None:
    """The one rule for changing anything of a case (its records, films, moments, suggestions):
    only its own guider, and only while the case is open. Others who can see it are read-only
    (403); ``what`` and ``closed`` word the refusal for the thing being changed."""
    if case.guider_id != actor.pk:
        raise PermissionDenied(f"Only the case's guider can {what}.")
    if not case.is_open:
        raise ServiceError(
            closed or f"This case is {case.get_state_display().lower()}; it can no longer change."
        )


# --- dates ------------------------------------------------------------------------------------------


def require_in_order(first: date | None, then: date | None, *, message: str, field: str) -> None:
    """The one date-order rule, for planned and actual dates alike: what comes `then` is not
    before what comes `first` (the same day is fine). A date not given has no order yet."""
    if first is not None and then is not None and then < first:
        raise ServiceError(message, field=field)


def require_not_future(value: date | None, *, message: str, field: str) -> None:
    """What has happened (a birth, a film recorded, a review held) cannot be after today."""
    require_in_order(value, timezone.localdate(), message=message, field=field)


def _check_case_fields(fields: dict[str, Any]) -> None:
    require_not_future(
        fields.get("child_date_of_birth"),
        message="The date of birth cannot be in the future.",
        field="child_date_of_birth",
    )


def _refuse_past_daily_case_limit(actor: User) -> None:
    """Nobody opens more than ``ATTUNE_CASES_PER_DAY`` cases in 24 hours: a stolen session or a
    runaway script should not fill a service with cases. The refusal is audited outside any
    transaction of the caller's, so it stays on record."""
    limit = settings.ATTUNE_CASES_PER_DAY
    opened = AuditEvent.objects.filter(
        action=AuditAction.CASE_CREATED,
        actor=actor,
        at__gte=timezone.now() - timedelta(hours=24),
    ).count()
    if opened >= limit:
        audit_record(actor=actor, action=AuditAction.CASE_LIMIT_REACHED, details={"limit": limit})
        raise ServiceError(
            f"You have opened {opened} cases in the last 24 hours, the most allowed. "
            "Try again tomorrow, or ask your service admin if this is real work."
        )


def case_create(*, actor: User, guider: User | None = None, **fields: Any) -> Case:
    service = actor.service
    if service is None:
        raise PermissionDenied("You do not belong to a service.")
    _refuse_past_daily_case_limit(actor)
    guider = guider or actor
    if guider.pk != actor.pk and not actor.is_service_admin:
        raise PermissionDenied("Only a service admin can open a case for another guider.")
    if not actor.is_guider and not actor.is_service_admin:
        raise PermissionDenied("Only guiders and service admins can open cases.")
    if guider.service_id != service.pk or not guider.is_guider:
        raise ServiceError("Choose a guider from your service.", field="guider")
    if not fields.get("child_name", "").strip():
        raise ServiceError("Give the child's name.", field="child_name")
    _check_case_fields(fields)
    with transaction.atomic():
        case = Case.objects.create(
            service=service,
            guider=guider,
            state_changed_at=timezone.now(),
            **{k: v for k, v in fields.items() if k in CASE_FIELDS},
        )
        Cycle.objects.bulk_create(
            Cycle(case=case, number=n) for n in range(1, settings.ATTUNE_DEFAULT_CYCLES + 1)
        )
        audit_record(actor=actor, action=AuditAction.CASE_CREATED, case=case, obj=case)
    return case


def case_update(*, actor: User, case: Case, **fields: Any) -> Case:
    require_case_guider(actor, case)
    _check_case_fields(fields)
    changed = [k for k in CASE_FIELDS if k in fields and getattr(case, k) != fields[k]]
    with transaction.atomic():
        for key in changed:
            setattr(case, key, fields[key])
        case.save()
        audit_record(
            actor=actor,
            action=AuditAction.CASE_UPDATED,
            case=case,
            obj=case,
            details={"fields": changed},
        )
    return case


def adult_add(
    *,
    actor: User,
    case: Case,
    name: str,
    kind: str,
    relationship: str,
    has_parental_responsibility: bool = False,
) -> Adult:
    require_case_guider(actor, case)
    return _adult_create(
        actor=actor,
        case=case,
        name=name,
        kind=kind,
        relationship=relationship,
        has_parental_responsibility=has_parental_responsibility,
    )


def _adult_create(
    *,
    actor: User,
    case: Case,
    name: str,
    kind: str,
    relationship: str,
    has_parental_responsibility: bool,
) -> Adult:
    if not name.strip():
        raise ServiceError("Give the adult's name.", field="name")
    if kind not in AdultKind.values:
        raise ServiceError("Choose parent or carer, or member of staff.", field="kind")
    with transaction.atomic():
        adult = Adult.objects.create(
            case=case,
            name=name.strip(),
            kind=kind,
            relationship=relationship.strip(),
            has_parental_responsibility=has_parental_responsibility,
        )
        audit_record(actor=actor, action=AuditAction.ADULT_ADDED, case=case, obj=adult)
        case.save(update_fields=["updated_at"])
    return adult


def initial_meeting_record(*, actor: User, case: Case, met_on: date, agreed: str) -> InitialMeeting:
    require_case_guider(actor, case)
    if met_on > timezone.localdate():
        raise ServiceError("The meeting date cannot be in the future.", field="met_on")
    with transaction.atomic():
        meeting, _ = InitialMeeting.objects.update_or_create(
            case=case, defaults={"met_on": met_on, "agreed": agreed.strip()}
        )
        audit_record(
            actor=actor, action=AuditAction.INITIAL_MEETING_RECORDED, case=case, obj=meeting
        )
        case.save(update_fields=["updated_at"])
    return meeting


def helping_question_add(
    *,
    actor: User,
    case: Case,
    adult: Adult,
    text: str,
    baseline: int,
    hoped_for: int | None = None,
) -> HelpingQuestion:
    require_case_guider(actor, case)
    if adult.case_id != case.pk:
        raise ServiceError("That adult is not part of this case.", field="adult")
    if not text.strip():
        raise ServiceError("Write the helping question in the adult's own words.", field="text")
    for field, value in (("baseline", baseline), ("hoped_for", hoped_for)):
        if value is not None and not 0 <= value <= 10:
            raise ServiceError("Use a number from 0 to 10.", field=field)
    if hoped_for is not None and hoped_for < baseline:
        raise ServiceError(
            "The hoped-for point is usually at or above where they are now.", field="hoped_for"
        )
    with transaction.atomic():
        count = HelpingQuestion.objects.select_for_update().filter(adult=adult).count()
        if count >= MAX_HELPING_QUESTIONS_PER_ADULT:
            raise ServiceError(
                f"{adult.name} already has {MAX_HELPING_QUESTIONS_PER_ADULT} helping questions; "
                "VIG works best with a few.",
                field="text",
            )
        question = HelpingQuestion.objects.create(
            case=case, adult=adult, text=text.strip(), baseline=baseline, hoped_for=hoped_for
        )
        audit_record(
            actor=actor, action=AuditAction.HELPING_QUESTION_ADDED, case=case, obj=question
        )
        case.save(update_fields=["updated_at"])
    return question


def helping_question_remove(*, actor: User, case: Case, question: HelpingQuestion) -> None:
    require_case_guider(actor, case)
    with transaction.atomic():
        audit_record(
            actor=actor,
            action=AuditAction.HELPING_QUESTION_REMOVED,
            case=case,
            obj=question,
            details={"text": question.text},
        )
        question.delete()


def cycle_add(*, actor: User, case: Case) -> Cycle:
    require_case_guider(actor, case)
    with transaction.atomic():
        last = case.cycles.aggregate(n=Max("number"))["n"] or 0
        cycle = Cycle.objects.create(case=case, number=last + 1)
        audit_record(actor=actor, action=AuditAction.CYCLE_ADDED, case=case, obj=cycle)
        case.save(update_fields=["updated_at"])
    return cycle


def cycle_update(
    *,
    actor: User,
    case: Case,
    cycle: Cycle,
    planned_film_date: date | None,
    planned_review_date: date | None,
    filmed_on: date | None = None,
    reviewed_on: date | None = None,
) -> Cycle:
    require_case_guider(actor, case)
    require_in_order(
        planned_film_date,
        planned_review_date,
        message="The shared review comes after the film: choose a later date.",
        field="planned_review_date",
    )
    if reviewed_on and not filmed_on:
        raise ServiceError("Record the film before the review.", field="reviewed_on")
    require_in_order(
        filmed_on,
        reviewed_on,
        message="The shared review cannot be held before its film was recorded.",
        field="reviewed_on",
    )
    for field, value in (("filmed_on", filmed_on), ("reviewed_on", reviewed_on)):
        require_not_future(value, message="This date cannot be in the future.", field=field)
    with transaction.atomic():
        cycle.planned_film_date = planned_film_date
        cycle.planned_review_date = planned_review_date
        cycle.filmed_on = filmed_on
        cycle.reviewed_on = reviewed_on
        cycle.save()
        audit_record(
            actor=actor,
            action=AuditAction.CYCLE_UPDATED,
            case=case,
            obj=cycle,
            details={
                "planned_film_date": planned_film_date,
                "planned_review_date": planned_review_date,
                "filmed_on": filmed_on,
                "reviewed_on": reviewed_on,
            },
        )
        case.save(update_fields=["updated_at"])
    return cycle


# --- the state machine --------------------------------------------------------------------------

TRANSITIONS: dict[str, set[CaseState]] = {
    CaseState.REFERRED: {CaseState.AGREED, CaseState.WITHDRAWN},
    CaseState.AGREED: {CaseState.IN_CYCLES, CaseState.WITHDRAWN},
    CaseState.IN_CYCLES: {CaseState.CLOSING, CaseState.WITHDRAWN},
    CaseState.CLOSING: {CaseState.CLOSED, CaseState.IN_CYCLES, CaseState.WITHDRAWN},
    CaseState.CLOSED: set(),
    CaseState.WITHDRAWN: set(),
}

TRANSITION_LABELS: dict[str, str] = {
    CaseState.AGREED: "Mark the work agreed",
    CaseState.IN_CYCLES: "Start the cycles",
    CaseState.CLOSING: "Begin closing",
    CaseState.CLOSED: "Close the case",
    CaseState.WITHDRAWN: "Record withdrawal from the work",
}


#: Steps back (from closing to the cycles) and ending the work early are offered, never urged:
#: the page shows them as secondary buttons beside the step forward.
BACK_OR_OUT = {(CaseState.CLOSING, CaseState.IN_CYCLES)}


def transition_is_forward(from_state: str, to_state: str) -> bool:
    return to_state != CaseState.WITHDRAWN and (from_state, to_state) not in BACK_OR_OUT


def transition_label(from_state: str, to_state: str) -> str:
    if (from_state, to_state) == (CaseState.CLOSING, CaseState.IN_CYCLES):
        return "Go back to the cycles"
    return TRANSITION_LABELS[to_state]


def transition_blockers(case: Case, to_state: str) -> list[str]:
    """Why `case` cannot move to `to_state` now, in plain English. Empty when it can."""
    if to_state not in TRANSITIONS.get(case.state, set()):
        labels = dict(CaseState.choices)
        return [
            f"A case that is {labels[case.state].lower()} cannot become "
            f"{labels.get(to_state, to_state).lower()}."
        ]
    reasons: list[str] = []
    adults = list(case.adults.all())
    if to_state == CaseState.AGREED:
        if not adults:
            reasons.append("Add at least one adult taking part.")
        if not InitialMeeting.objects.filter(case=case).exists():
            reasons.append("Record the initial meeting (date and what was agreed).")
        asked = set(case.helping_questions.values_list("adult_id", flat=True))
        for adult in adults:
            if adult.pk not in asked:
                reasons.append(f"Record at least one helping question for {adult.name}.")
    elif to_state == CaseState.IN_CYCLES and case.state == CaseState.AGREED:
        first = case.cycles.order_by("number").first()
        if first is None or first.planned_film_date is None:
            reasons.append("Plan the date of the first film.")
    return reasons


def case_transition(*, actor: User, case: Case, to_state: str, reason: str = "") -> Case:
    require_case_guider(actor, case)
    blockers = transition_blockers(case, to_state)
    if blockers:
        raise TransitionRefused(" ".join(blockers))
    if to_state == CaseState.WITHDRAWN and not reason.strip():
        raise TransitionRefused(
            "Say why the work is ending (for example, the family asked to stop).", field="reason"
        )
    with transaction.atomic():
        from_state = case.state
        case.state = to_state
        case.state_changed_at = timezone.now()
        if to_state in {CaseState.CLOSED, CaseState.WITHDRAWN} and reason:
            case.closure_reason = reason.strip()
        case.save()
        if to_state == CaseState.CLOSING:
            # The work can stop after any cycle: cycles never filmed are no longer needed.
            case.cycles.filter(filmed_on__isnull=True).update(not_needed=True)
        elif from_state == CaseState.CLOSING and to_state == CaseState.IN_CYCLES:
            case.cycles.filter(not_needed=True).update(not_needed=False)
        audit_record(
            actor=actor,
            action=AuditAction.CASE_STATE_CHANGED,
            case=case,
            obj=case,
            details={"from": from_state, "to": to_state, "reason": reason.strip()},
        )
        # Retention plans the deletion of the media on closing and starts its countdown on
        # closure.
        hooks.case_state_changed.send(sender=Case, actor=actor, case=case, from_state=from_state)
    return case


def case_viewed(*, actor: User, case: Case, page: str) -> None:
    """Reads of case pages are audited too."""
    audit_record(
        actor=actor, action=AuditAction.CASE_VIEWED, case=case, obj=case, details={"page": page}
    )


def case_create_with_adults(
    *, actor: User, guider: User | None, adults: list[dict[str, Any]], **fields: Any
) -> Case:
    """Open a case and add its adults in one transaction (used by the API)."""
    if actor.service is not None:
        _refuse_past_daily_case_limit(actor)
    with transaction.atomic():
        case = case_create(actor=actor, guider=guider, **fields)
        for adult in adults:
            _adult_create(actor=actor, case=case, **adult)
    return case
