"""Permission-aware reads for the shared review. A cycle is fetched through the moments app's
selector (a 404 outside the caller's reach); here is what each page may show of it.

The presentation shows media and nothing of the analyst's workspace (no notes, reasons, tags or
review questions); the guider panel shows the review questions and principles and no media.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import reverse

from attune.cases.models import Case, CaseState, Cycle, HelpingQuestion
from attune.cases.selectors import Access
from attune.films.selectors import may_see_media
from attune.moments.models import Moment, MomentKind, RenderStatus
from attune.moments.selectors import edit_for_cycle
from attune.reviews.models import Rescaling, Review

#: Prompts for the guider, after the VIG review: from what is seen to thoughts and feelings.
PROMPTS = [
    "What do you notice here?",
    "What is {child} doing? What might {child} be thinking or feeling?",
    "What were you thinking or feeling just then?",
    "What did you do that helped?",
    "What would you like to do more of?",
]


def may_write(access: Access, case: Case) -> bool:
    return access == Access.GUIDER and case.is_open


def may_present(access: Access, case: Case) -> bool:
    """The presentation is the film's media: the guider, or a supervisor with consent."""
    return may_see_media(access, case)


def review_for_cycle(cycle: Cycle) -> Review | None:
    return (
        Review.objects.filter(cycle=cycle)
        .prefetch_related("moments__reflections", "rescalings")
        .first()
    )


def review_blockers(cycle: Cycle) -> list[str]:
    """Why a review of this cycle cannot be completed now, in plain English."""
    case = cycle.case
    reasons = []
    if case.state != CaseState.IN_CYCLES:
        reasons.append(
            f"The case is {case.get_state_display().lower()}: shared reviews are held while "
            "the work is in cycles."
        )
    if not edit_for_cycle(cycle).moments:
        reasons.append(
            f"Cycle {cycle.number} has no edit yet: choose the moments to look at together in "
            "the editor first."
        )
    if not case.helping_questions.exists():
        reasons.append("The case has no helping questions to re-scale.")
    return reasons


def _ready_render(moment: Moment) -> Any:
    for render in moment.renders.all():
        if (
            render.status == RenderStatus.READY
            and render.start_frame == moment.start_frame
            and render.end_frame == moment.end_frame
        ):
            return render
    return None


def _file_url(moment: Moment) -> str | None:
    render = _ready_render(moment)
    if render is None:
        return None
    fmt = "mp4" if moment.kind == MomentKind.CLIP else "jpeg"
    if fmt not in render.formats:
        return None
    return reverse("moments:render_file", args=[render.pk, fmt])


@dataclass(frozen=True)
class Presentation:
    items: list[dict[str, Any]]  # what the presentation page's script receives
    missing: int  # moments of the edit without a ready clip or still


def presentation_for_cycle(cycle: Cycle) -> Presentation:
    """The edit, in order, as the family sees it: the kind, the file and the length of each."""
    items = []
    missing = 0
    for position, moment in enumerate(edit_for_cycle(cycle).moments, start=1):
        url = _file_url(moment)
        if url is None:
            missing += 1
            continue
        items.append(
            {
                "position": position,
                "kind": moment.kind,
                "url": url,
                "duration": round(moment.duration, 3),
            }
        )
    return Presentation(items=items, missing=missing)


def guide_for_cycle(cycle: Cycle) -> list[dict[str, Any]]:
    """For the guider's panel: each moment's review question, principles and prompts."""
    child = cycle.case.child_name.split(" ")[0] if cycle.case.child_name else "the child"
    prompts = [p.format(child=child) for p in PROMPTS]
    return [
        {
            "position": position,
            "kind": moment.get_kind_display(),
            "question": moment.question,
            "principles": [p.name for p in moment.principles.all()],
            "behaviours": [b.name for b in moment.behaviours.all()],
            "prompts": prompts,
        }
        for position, moment in enumerate(edit_for_cycle(cycle).moments, start=1)
    ]


def question_rescaled(question: HelpingQuestion) -> bool:
    """A question re-scaled in a shared review keeps its words."""
    return Rescaling.objects.filter(question=question).exists()


def next_cycle_after(cycle: Cycle) -> Cycle | None:
    return (
        cycle.case.cycles.filter(
            number__gt=cycle.number, not_needed=False, reviewed_on__isnull=True
        )
        .order_by("number")
        .first()
    )
