from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import mark_safe

from attune.reviews import progress, selectors

register = template.Library()


@register.inclusion_tag("reviews/_progress_panel.html", takes_context=True)
def progress_panel(context: dict[str, Any]) -> dict[str, Any]:
    """The case page's progress: the scaling chart and the principles seen most."""
    case = context.get("case")
    if case is None:
        return {}
    series = progress.scaling_series(case)
    labels = progress.review_labels(case)
    return {
        "case": case,
        "is_guider": context.get("is_guider"),
        "series": series,
        # One cell per column: a question added after a review has no score for it.
        "rows": [
            (s, [{p.label: p.score for p in s.points}.get(label) for label in labels])
            for s in series
        ],
        "labels": labels,
        "reviewed": len(labels) > 1,
        "chart": mark_safe(progress.scaling_chart_svg(series, labels)),  # noqa: S308 (escaped)
        "principles": progress.principle_counts(case),
    }


@register.inclusion_tag("reviews/_cycle_review.html", takes_context=True)
def cycle_review(context: dict[str, Any]) -> dict[str, Any]:
    """The cycle page's link to its shared review."""
    cycle = context.get("cycle")
    if cycle is None:
        return {}
    return {"cycle": cycle, "review": selectors.review_for_cycle(cycle)}
