"""``GET /api/films/{film_id}/suggestions``: the analysis' state, notes and suggestions."""

from __future__ import annotations

import uuid
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from attune.accounts.models import User
from attune.analysis import selectors

router = Router(tags=["analysis"])


class SuggestionOut(Schema):
    id: uuid.UUID
    rank: int
    start: float
    end: float
    score: float
    principles: list[str]
    reason: str
    decision: str
    reject_reason: str
    moment_id: uuid.UUID | None


class SuggestionsOut(Schema):
    film_id: uuid.UUID
    status: str  # "not_started", "queued", "running", "done", "failed"
    progress: float
    notes: list[str]
    failure_reason: str
    suggestions: list[SuggestionOut]


@router.get(
    "/films/{film_id}/suggestions",
    response=SuggestionsOut,
    summary="The moment finder's suggestions for a film, best first",
)
def film_suggestions(request: HttpRequest, film_id: uuid.UUID) -> dict[str, Any]:
    user: User = request.user  # type: ignore[assignment]
    film, analysis = selectors.analysis_for_user(user, film_id)
    return {
        "film_id": film.pk,
        "status": analysis.status if analysis is not None else "not_started",
        "progress": analysis.progress if analysis is not None else 0.0,
        "notes": analysis.notes if analysis is not None else [],
        "failure_reason": analysis.failure_reason if analysis is not None else "",
        "suggestions": selectors.suggestions_for_film(film),
    }
