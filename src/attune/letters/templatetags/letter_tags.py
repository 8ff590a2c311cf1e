from __future__ import annotations

from typing import Any

from django import template

from attune.cases.models import CaseState
from attune.letters import selectors

register = template.Library()


@register.inclusion_tag("letters/_case_panel.html", takes_context=True)
def letter_panel(context: dict[str, Any]) -> dict[str, Any]:
    """The case page's closing letter section, once the work is in cycles."""
    case = context.get("case")
    if case is None or case.state in {CaseState.REFERRED, CaseState.AGREED}:
        return {}
    found = selectors.letter_for_case(case)
    return {"case": case, "letter": found, "version": found.current if found else None}
