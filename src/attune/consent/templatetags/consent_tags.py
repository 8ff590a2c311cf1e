from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.inclusion_tag("consent/_case_panel.html", takes_context=True)
def consent_panel(context: dict[str, Any]) -> dict[str, Any]:
    """The consent section of the case page (filled in by the consent app)."""
    return {"case": context.get("case"), "access": context.get("access")}
