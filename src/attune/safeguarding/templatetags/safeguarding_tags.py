from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.inclusion_tag("safeguarding/_case_panel.html", takes_context=True)
def safeguarding_panel(context: dict[str, Any]) -> dict[str, Any]:
    """The safeguarding section of the case page (filled in by the safeguarding app)."""
    return {"case": context.get("case"), "access": context.get("access")}
