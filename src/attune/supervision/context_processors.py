from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def supervision(request: HttpRequest) -> dict[str, Any]:
    """The header's notification count, and whether to show the Supervision link."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or user.service_id is None:
        return {}
    from attune.accounts.models import SupervisionLink
    from attune.supervision.selectors import unread_count

    in_supervision = (
        user.is_supervisor
        or user.is_trainee
        or SupervisionLink.objects.filter(supervisee=user, ended_on__isnull=True).exists()
    )
    return {"unread_notifications": unread_count(user), "in_supervision": in_supervision}
