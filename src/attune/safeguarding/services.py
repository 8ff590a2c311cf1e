"""Recording safeguarding concerns and amendments: append-only, audited, any stage of the work."""

from __future__ import annotations

from datetime import date, datetime

from django.db import transaction
from django.utils import timezone

from attune.accounts.models import User
from attune.audit.actions import AuditAction
from attune.audit.services import audit_record
from attune.cases.models import Case
from attune.cases.selectors import Access, access_for
from attune.core.errors import PermissionDenied, ServiceError
from attune.safeguarding.models import Amendment, Concern

WRITERS = {Access.GUIDER, Access.SUPERVISOR}


def _require_writer(actor: User, case: Case) -> None:
    """The people working on the case (its guider and their supervisor) record concerns; a
    service admin reads them."""
    if access_for(actor, case) not in WRITERS:
        raise PermissionDenied("Only the case's guider or their supervisor can record this.")


def _clean_informed(name: str, role: str, on: date | None) -> tuple[str, str, date | None]:
    name, role = name.strip(), role.strip()
    if any([name, role, on]) and not all([name, role, on]):
        missing = "informed_name" if not name else "informed_role" if not role else "informed_on"
        raise ServiceError(
            "Give the name, role and date of the person informed (or leave all three empty).",
            field=missing,
        )
    if on is not None and on > timezone.localdate():
        raise ServiceError("The date informed cannot be in the future.", field="informed_on")
    return name, role, on


def concern_record(
    *,
    actor: User,
    case: Case,
    seen_or_heard: str,
    happened_at: datetime,
    action_taken: str,
    informed_name: str = "",
    informed_role: str = "",
    informed_on: date | None = None,
) -> Concern:
    _require_writer(actor, case)
    if not seen_or_heard.strip():
        raise ServiceError("Write what was seen or heard.", field="seen_or_heard")
    if not action_taken.strip():
        raise ServiceError(
            "Write what action was taken (for example, who you told).", field="action_taken"
        )
    if timezone.is_naive(happened_at):
        happened_at = timezone.make_aware(happened_at)
    if happened_at > timezone.now():
        raise ServiceError("When it happened cannot be in the future.", field="happened_at")
    name, role, on = _clean_informed(informed_name, informed_role, informed_on)
    with transaction.atomic():
        concern = Concern.objects.create(
            case=case,
            seen_or_heard=seen_or_heard.strip(),
            happened_at=happened_at,
            action_taken=action_taken.strip(),
            informed_name=name,
            informed_role=role,
            informed_on=on,
            recorded_by=actor,
        )
        # The words stay out of the audit trail, which more people can read.
        audit_record(
            actor=actor,
            action=AuditAction.SAFEGUARDING_CONCERN_RECORDED,
            case=case,
            obj=concern,
            details={"informed": bool(name)},
        )
    return concern


def concern_amend(
    *,
    actor: User,
    concern: Concern,
    text: str,
    informed_name: str = "",
    informed_role: str = "",
    informed_on: date | None = None,
) -> Amendment:
    _require_writer(actor, concern.case)
    if not text.strip():
        raise ServiceError("Write what is added or corrected.", field="text")
    name, role, on = _clean_informed(informed_name, informed_role, informed_on)
    with transaction.atomic():
        amendment = Amendment.objects.create(
            concern=concern,
            text=text.strip(),
            informed_name=name,
            informed_role=role,
            informed_on=on,
            recorded_by=actor,
        )
        audit_record(
            actor=actor,
            action=AuditAction.SAFEGUARDING_AMENDED,
            case=concern.case,
            obj=amendment,
            details={"concern": str(concern.pk), "informed": bool(name)},
        )
    return amendment


def concern_viewed(*, actor: User, concern: Concern) -> None:
    audit_record(
        actor=actor, action=AuditAction.SAFEGUARDING_VIEWED, case=concern.case, obj=concern
    )
