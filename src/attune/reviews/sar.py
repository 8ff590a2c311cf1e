"""What the shared reviews hold about an adult, for their subject access export: their own words
about each moment, where they put their helping questions at each review, and each review's
notes and plan. Registered with retention's export (which may not import this app)."""

from __future__ import annotations

from typing import Any

from attune.retention.sar import Person, sar_section
from attune.reviews.models import Reflection, Rescaling, Review


def _when(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


@sar_section
def reviews_section(person: Person) -> dict[str, Any]:
    if person.adult is None:
        return {}
    adult = person.adult
    reflections = (
        Reflection.objects.filter(adult=adult)
        .select_related("reviewed_moment__review__cycle", "reviewed_moment__moment")
        .order_by("reviewed_moment__review__cycle__number", "reviewed_moment__position")
    )
    rescalings = (
        Rescaling.objects.filter(question__adult=adult)
        .select_related("review__cycle", "question")
        .order_by("review__cycle__number", "question_id")
    )
    reviews = Review.objects.filter(cycle__case=person.case).select_related("cycle")
    return {
        "reflections": [
            {
                "cycle": r.reviewed_moment.review.cycle.number,
                "moment": r.reviewed_moment.position + 1,
                "question_asked": r.reviewed_moment.moment.question
                if r.reviewed_moment.moment is not None
                else "",
                "your_words": r.text,
                "recorded": _when(r.created_at),
            }
            for r in reflections
        ],
        "rescalings": [
            {"cycle": s.review.cycle.number, "question": s.question.text, "score": s.score}
            for s in rescalings
        ],
        "shared_reviews": [
            {
                "cycle": r.cycle.number,
                "held_on": _when(r.held_on),
                "who_attended": r.attendees,
                "new_noticed": r.new_noticed,
                "plan": [r.plan_try, r.plan_where, r.plan_when],
            }
            for r in reviews.order_by("cycle__number")
        ],
    }
