"""The moment finder over the API: a film's analysis (lanes and suggestions), the guider's
decisions on suggestions, speaker relabelling and asking for the analysis again.

Accepting a suggestion makes a moment, so it lives with the moments:
``POST /api/suggestions/{id}/accept``."""

from __future__ import annotations

import uuid
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.responses import Status

from attune.accounts.requests import signed_in_user
from attune.analysis import selectors, services
from attune.analysis.models import Suggestion
from attune.films.selectors import film_for_user

router = Router(tags=["analysis"])

Speaker = Literal["adult", "child"]


class SuggestionOut(Schema):
    id: uuid.UUID
    rank: int
    start: float
    end: float
    score: float
    principles: list[str]
    reason: str
    kind: str
    confidence: float | None
    decision: str  # "open", "accepted", "rejected"
    reject_reason: str
    moment_id: uuid.UUID | None


class LanesOut(Schema):
    adult: list[list[float]] = Field(..., description="[start, end, speech index] in seconds.")
    child: list[list[float]] = Field(..., description="[start, end, speech index] in seconds.")
    smiles: list[list[float]] = Field(..., description="[start, end] in seconds.")
    distress: list[list[float]] = Field(
        default_factory=list, description="A face looks upset (crying, afraid, angry)."
    )
    facing: list[list[float]] = Field(..., description="Both faces turned to each other.")
    faces: list[list[float]] = Field(
        ..., description="[start, end, 0 for the person on the left, 1 on the right]: in view."
    )


class AnalysisOut(Schema):
    film_id: uuid.UUID
    status: str  # "not_started", "queued", "running", "done", "failed"
    progress: float
    notes: list[str]
    failure_reason: str
    relabelled: bool
    lanes: LanesOut
    suggestions: list[SuggestionOut]


class RejectIn(Schema):
    reason: Annotated[str, Field(max_length=2000)] = ""


class SpeakersIn(Schema):
    action: Literal["swap", "merge", "segment", "reset"] = Field(
        ...,
        description=(
            "swap: adult and child change places; merge: all speech to `speaker`; segment: "
            "speech number `segment` to `speaker`; reset: back to what the analysis heard."
        ),
    )
    speaker: Speaker | None = None
    segment: Annotated[int, Field(ge=0)] | None = None


@router.get(
    "/films/{film_id}/suggestions",
    response=AnalysisOut,
    summary="The moment finder's lanes and suggestions for a film, best first",
)
def film_suggestions(request: HttpRequest, film_id: uuid.UUID) -> dict[str, object]:
    film, _ = selectors.analysis_for_user(signed_in_user(request), film_id)
    return selectors.editor_payload(film)


@router.post(
    "/films/{film_id}/analysis",
    response={202: AnalysisOut},
    summary="Analyse the film again (after a failure, or to start afresh)",
)
def film_reanalyse(request: HttpRequest, film_id: uuid.UUID) -> Status:
    film, _ = film_for_user(signed_in_user(request), film_id)
    services.analysis_retry(actor=signed_in_user(request), film=film)
    return Status(202, selectors.editor_payload(film))


@router.post(
    "/films/{film_id}/speakers",
    response=AnalysisOut,
    summary="Swap or merge the speakers, or give one stretch of speech to the other speaker",
)
def film_speakers(request: HttpRequest, film_id: uuid.UUID, payload: SpeakersIn) -> Any:
    film, _ = film_for_user(signed_in_user(request), film_id)
    services.analysis_speakers(
        actor=signed_in_user(request),
        film=film,
        action=payload.action,
        speaker=payload.speaker,
        segment=payload.segment,
    )
    return selectors.editor_payload(film)


@router.post(
    "/suggestions/{suggestion_id}/reject",
    response=SuggestionOut,
    summary="Reject a suggestion, with a reason if you like",
)
def reject_suggestion(
    request: HttpRequest, suggestion_id: uuid.UUID, payload: RejectIn
) -> Suggestion:
    suggestion = selectors.suggestion_for_user(signed_in_user(request), suggestion_id)
    return services.suggestion_reject(
        actor=signed_in_user(request), suggestion=suggestion, reason=payload.reason
    )


@router.post(
    "/suggestions/{suggestion_id}/reopen",
    response=SuggestionOut,
    summary="Undo an accept or a reject (a moment made from it stays until you delete it)",
)
def reopen_suggestion(request: HttpRequest, suggestion_id: uuid.UUID) -> Suggestion:
    suggestion = selectors.suggestion_for_user(signed_in_user(request), suggestion_id)
    return services.suggestion_reopen(actor=signed_in_user(request), suggestion=suggestion)
