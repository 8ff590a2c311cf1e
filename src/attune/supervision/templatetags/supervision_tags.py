from __future__ import annotations

from typing import Any

from django import template

from attune.accounts.models import User

register = template.Library()


@register.inclusion_tag("supervision/_caseload_card.html")
def road_to_accreditation(user: User) -> dict[str, Any]:
    """A trainee's progress bars on their caseload (nothing for anyone else)."""
    from attune.supervision import selectors

    if not getattr(user, "is_authenticated", False) or not (
        user.is_trainee or selectors.supervisors_of(user)
    ):
        return {"show": False}
    return {
        "show": True,
        "user": user,
        "progress": selectors.progress_for(user),
        "overdue": selectors.supervision_overdue(user),
        "monthly_days": selectors.MONTHLY_DAYS,
    }
