from __future__ import annotations

from typing import Any

from django import template

from attune.cases.selectors import Access
from attune.consent import selectors

register = template.Library()


@register.inclusion_tag("consent/_case_panel.html", takes_context=True)
def consent_panel(context: dict[str, Any]) -> dict[str, Any]:
    """The consent section of the case page: each adult's consent, the media's state, when it
    will be deleted, and the receipts of what already was."""
    case = context.get("case")
    access = context.get("access")
    if case is None:
        return {}
    return {
        "case": case,
        "access": access,
        "is_guider": access == Access.GUIDER,
        "may_record": access == Access.GUIDER and case.is_open,
        "is_admin": access == Access.ADMIN,
        "summary": selectors.consent_summary(case),
        "media_state": selectors.media_state(case),
        "filming_blockers": selectors.filming_consent_blockers(case),
        "retention": selectors.retention_view(case),
        "receipts": list(selectors.receipts_for_case(case)),
    }
