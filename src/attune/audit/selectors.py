from __future__ import annotations

from datetime import date

from django.db.models import QuerySet

from attune.accounts.models import User
from attune.audit.models import AuditEvent


def audit_events_for_admin(
    user: User,
    *,
    action: str = "",
    actor: str = "",
    case_reference: str = "",
    since: date | None = None,
    until: date | None = None,
) -> QuerySet[AuditEvent]:
    """A service admin reads their own service's trail; nobody else reads it through the app."""
    if not user.is_authenticated or not user.is_service_admin or user.service_id is None:
        return AuditEvent.objects.none()
    events = AuditEvent.objects.filter(service_id=user.service_id or 0).select_related(
        "case", "actor"
    )
    if action:
        events = events.filter(action__startswith=action)
    if actor:
        events = events.filter(actor_label__icontains=actor)
    if case_reference:
        events = events.filter(case__reference__iexact=case_reference.strip())
    if since:
        events = events.filter(at__date__gte=since)
    if until:
        events = events.filter(at__date__lte=until)
    return events.order_by("-seq")


def audit_actions(user: User) -> list[str]:
    if not user.is_service_admin:
        return []
    return sorted(
        set(
            AuditEvent.objects.filter(service_id=user.service_id or 0).values_list(
                "action", flat=True
            )
        )
    )
