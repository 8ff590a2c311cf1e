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


@register.inclusion_tag("supervision/_editor_comments.html", takes_context=True)
def editor_comments(context: dict[str, Any], film: Any) -> dict[str, Any]:
    """The editor's comments panel: threads between the guider and their supervisor, pinned to
    times in the film (nothing for anyone who may not comment)."""
    from django.urls import reverse

    from attune.supervision import selectors

    user = context["request"].user
    if not selectors.may_comment(user, film):
        return {"show": False}
    root = reverse("api:api-root")
    return {
        "show": True,
        "config": {
            "list": f"{root}films/{film.pk}/comments",
            "comment": f"{root}comments/",
            "duration": film.duration or 0,
        },
    }
