from __future__ import annotations

from typing import Any

from django import template

from attune.safeguarding.selectors import concerns_for_case, may_record

register = template.Library()


@register.inclusion_tag("safeguarding/_case_panel.html", takes_context=True)
def safeguarding_panel(context: dict[str, Any]) -> dict[str, Any]:
    """The safeguarding section of the case page: every concern, newest first."""
    case = context.get("case")
    access = context.get("access")
    return {
        "case": case,
        "access": access,
        "concerns": list(concerns_for_case(case)) if case is not None else [],
        "may_record": may_record(access),
    }
