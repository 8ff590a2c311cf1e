"""The shared review and progress over the API."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from django.http import HttpRequest
from ninja import Field, Router, Schema

from attune.accounts.models import User
from attune.cases.selectors import case_for_user
from attune.core.errors import PermissionDenied
from attune.moments.selectors import cycle_for_user
from attune.reviews import progress, selectors, services

router = Router(tags=["reviews"])

Score = Annotated[int, Field(ge=0, le=10)]
Text = Annotated[str, Field(max_length=services.TEXT_LIMIT)]


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


class ReflectionIn(Schema):
    moment_id: uuid.UUID
    adult_id: int
    text: Text


class ScalingIn(Schema):
    question_id: int
    score: Score


class PlanIn(Schema):
    try_: Text = Field("", alias="try", description="What to try in the next film.")
    where: Annotated[str, Field(max_length=200)] = ""
    when: Annotated[str, Field(max_length=200)] = ""
    next_film_date: date | None = None


class ReviewIn(Schema):
    held_on: date | None = None
    attendees: Text = ""
    new_noticed: Text = ""
    reflections: list[ReflectionIn] = []
    scaling: list[ScalingIn] = []
    plan: PlanIn = PlanIn()  # type: ignore[call-arg]
    complete: bool = Field(True, description="Complete the review (and so the cycle).")


class ReviewOut(Schema):
    cycle: int
    completed: bool
    reflections: int
    scaling: dict[int, int]
    next_cycle: int | None
    propose_closing: bool
    next_step: str


@router.post("/cycles/{cycle_id}/review", response=ReviewOut)
def record_review(request: HttpRequest, cycle_id: int, payload: ReviewIn) -> ReviewOut:
    user = _user(request)
    cycle, access = cycle_for_user(user, cycle_id)
    if not selectors.may_write(access, cycle.case):
        raise PermissionDenied("Only the case's guider can record the shared review.")
    outcome = services.review_record(
        actor=user,
        cycle=cycle,
        held_on=payload.held_on,
        attendees=payload.attendees,
        new_noticed=payload.new_noticed,
        reflections={(r.moment_id, r.adult_id): r.text for r in payload.reflections},
        scaling={s.question_id: s.score for s in payload.scaling},
        plan_try=payload.plan.try_,
        plan_where=payload.plan.where,
        plan_when=payload.plan.when,
        next_film_date=payload.plan.next_film_date,
        complete=payload.complete,
    )
    review = outcome.review
    if outcome.next_cycle is not None:
        step = f"Film {outcome.next_cycle.number}"
    elif outcome.propose_closing:
        step = "Every planned cycle is done: add a cycle or begin closing."
    else:
        step = "Complete the review when every helping question is re-scaled."
    return ReviewOut(
        cycle=cycle.number,
        completed=review.is_complete,
        reflections=sum(m.reflections.count() for m in review.moments.all()),
        scaling={r.question_id: r.score for r in review.rescalings.all()},
        next_cycle=outcome.next_cycle.number if outcome.next_cycle else None,
        propose_closing=outcome.propose_closing,
        next_step=step,
    )


class PointOut(Schema):
    label: str
    score: int


class SeriesOut(Schema):
    question_id: int
    question: str
    adult: str
    baseline: int
    hoped_for: int | None
    points: list[PointOut]
    change: int | None


class PrincipleCount(Schema):
    principle: str
    moments: int


class ProgressOut(Schema):
    case: str
    labels: list[str]
    series: list[SeriesOut]
    principles: list[PrincipleCount]


@router.get("/cases/{reference}/progress", response=ProgressOut)
def case_progress(request: HttpRequest, reference: str) -> ProgressOut:
    case, _ = case_for_user(_user(request), reference)
    return ProgressOut(
        case=case.reference,
        labels=progress.review_labels(case),
        series=[
            SeriesOut(
                question_id=s.question.pk,
                question=s.question.text,
                adult=s.question.adult.name,
                baseline=s.question.baseline,
                hoped_for=s.question.hoped_for,
                points=[PointOut(label=p.label, score=p.score) for p in s.points],
                change=s.change,
            )
            for s in progress.scaling_series(case)
        ],
        principles=[
            PrincipleCount(principle=name, moments=n) for name, n in progress.principle_counts(case)
        ],
    )
