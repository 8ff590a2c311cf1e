"""Drafting the letter from the work: the helping questions, how the scaling moved, the
strengths seen (the principles of the chosen moments, the adult's own reflections, quoted) and
the agreed next steps. The template's placeholders are filled in; the result is plain text in
which "## " starts a heading and "• " a bullet, for the page, Word and print alike."""

from __future__ import annotations

import re

from django.utils import timezone

from attune.cases.models import Case
from attune.reviews.models import Reflection, Review
from attune.reviews.progress import principle_counts, scaling_series

DEFAULT_TEMPLATE = """{date}

Dear {adults},

Thank you for taking part in Video Interaction Guidance with me. Over {cycles} we filmed, chose short clips of the moments that were going well, and looked at them together. This letter sums up what we saw and what we agreed for the future.

## What you wanted to work on
{helping_questions}

## How things moved
{scaling_change}

## The strengths we saw
{strengths}

## In your own words
{reflections}

## Next steps: the plan
{next_steps}

With best wishes,

{guider}
{service}
"""

PLACEHOLDERS = {
    "date": "today's date",
    "adults": "the adults' names",
    "child": "the child's first name",
    "cycles": "how many cycles, in words",
    "helping_questions": "each helping question, in the adult's words",
    "scaling_change": "each question's scaling from the start to the last review",
    "strengths": "the principles the chosen moments showed most",
    "reflections": "the adult's own words from the reviews, quoted",
    "next_steps": "the plan agreed at the last review",
    "guider": "your name",
    "service": "the service's name",
}
_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def unknown_placeholders(body: str) -> list[str]:
    return sorted({name for name in _PLACEHOLDER.findall(body) if name not in PLACEHOLDERS})


def _names(names: list[str]) -> str:
    return " and ".join([", ".join(names[:-1]), names[-1]]) if len(names) > 1 else "".join(names)


def _cycles(n: int) -> str:
    words = ["no cycles", "one cycle", "two cycles", "three cycles", "four cycles", "five cycles"]
    return words[n] if n < len(words) else f"{n} cycles"


def letter_values(case: Case) -> dict[str, str]:
    adults = list(case.adults.all())
    several = len(adults) > 1
    reviews = list(
        Review.objects.filter(cycle__case=case, completed_at__isnull=False)
        .select_related("cycle")
        .order_by("cycle__number")
    )
    series = scaling_series(case)
    questions = "\n".join(
        f"• “{s.question.text}”" + (f" ({s.question.adult.name})" if several else "")
        for s in series
    )
    changes = []
    for s in series:
        path = " → ".join(str(p.score) for p in s.points)
        if s.change is None:
            changes.append(f"• “{s.question.text}”: {s.points[0].score} out of 10 at the start.")
            continue
        moved = (
            f"up {s.change}"
            if s.change > 0
            else f"down {-s.change}"
            if s.change < 0
            else "the same"
        )
        changes.append(
            f"• “{s.question.text}”: from {s.points[0].score} to {s.points[-1].score} "
            f"out of 10 ({moved}; {path})."
        )
    counts = principle_counts(case)
    if counts:
        top = [f"{name.lower()} ({n} moment{'s' if n != 1 else ''})" for name, n in counts[:3]]
        strengths = "In the clips we chose, you were most often " + _names(top) + "."
    else:
        strengths = "Write here the strengths you saw together."
    quotes = []
    for reflection in (
        Reflection.objects.filter(reviewed_moment__review__in=reviews)
        .select_related("adult", "reviewed_moment__review__cycle")
        .order_by("reviewed_moment__review__cycle__number", "reviewed_moment__position")
    ):
        cycle = reflection.reviewed_moment.review.cycle.number
        quotes.append(f"• “{reflection.text}” ({reflection.adult.name}, review {cycle})")
    for review in reviews:
        if review.new_noticed:
            quotes.append(f"• “{review.new_noticed}” (review {review.cycle.number})")
    last = reviews[-1] if reviews else None
    steps = []
    if last is not None and last.plan_try:
        steps.append(f"• {last.plan_try}")
        where_when = ", ".join(v for v in (last.plan_where, last.plan_when) if v)
        if where_when:
            steps.append(f"• Where and when: {where_when}.")
    return {
        "date": timezone.localdate().strftime("%-d %B %Y"),
        "adults": _names([a.name for a in adults]) or "…",
        "child": case.child_name.split(" ")[0] if case.child_name else "",
        "cycles": _cycles(len(reviews)),
        "helping_questions": questions or "• (no helping questions recorded)",
        "scaling_change": "\n".join(changes) or "• (no scaling recorded)",
        "strengths": strengths,
        "reflections": "\n".join(quotes) or "• (no reflections recorded yet)",
        "next_steps": "\n".join(steps) or "• Write here what you agreed to keep doing.",
        "guider": case.guider.full_name or case.guider.email,
        "service": case.service.name,
    }


def fill(body: str, values: dict[str, str]) -> str:
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), body)


def letter_draft_text(case: Case, body: str) -> str:
    return fill(body, letter_values(case))
