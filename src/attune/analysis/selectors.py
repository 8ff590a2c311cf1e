"""Permission-aware reads of analyses and suggestions (media-derived: media access rules)."""

from __future__ import annotations

import uuid

from django.db.models import Count, Q
from django.http import Http404

from attune.accounts.models import User
from attune.analysis.models import Decision, FilmAnalysis, Suggestion
from attune.core.errors import PermissionDenied
from attune.films.models import Film
from attune.films.selectors import film_for_user, may_see_media


def _media_film(user: User, film_id: uuid.UUID | str) -> Film:
    film, access = film_for_user(user, film_id)
    if not may_see_media(access, film.case):
        raise PermissionDenied("Only the guider (or a supervisor with consent) sees the analysis.")
    return film


def analysis_for_user(user: User, film_id: uuid.UUID | str) -> tuple[Film, FilmAnalysis | None]:
    film = _media_film(user, film_id)
    return film, FilmAnalysis.objects.filter(film=film).first()


def suggestions_for_film(film: Film) -> list[Suggestion]:
    return list(Suggestion.objects.filter(film=film, current=True).order_by("rank"))


def suggestion_for_user(user: User, suggestion_id: uuid.UUID | str) -> Suggestion:
    try:
        key = uuid.UUID(str(suggestion_id))
    except ValueError as exc:
        raise Http404 from exc
    suggestion = Suggestion.objects.select_related("film", "film__case").filter(pk=key).first()
    if suggestion is None:
        raise Http404("No such suggestion.")
    _media_film(user, suggestion.film_id)
    return suggestion


def suggestion_usefulness(films: list[Film] | None = None) -> dict[str, int]:
    """How many suggestions were accepted, rejected or left (for a service's reports)."""
    qs = Suggestion.objects.all() if films is None else Suggestion.objects.filter(film__in=films)
    counts = qs.aggregate(
        accepted=Count("pk", filter=Q(decision=Decision.ACCEPTED)),
        rejected=Count("pk", filter=Q(decision=Decision.REJECTED)),
        open=Count("pk", filter=Q(decision=Decision.OPEN, current=True)),
    )
    return {k: int(v or 0) for k, v in counts.items()}


def _suggestion_fields(s: Suggestion) -> dict[str, object]:
    return {
        "id": str(s.pk),
        "rank": s.rank,
        "start": s.start,
        "end": s.end,
        "score": s.score,
        "principles": list(s.principles),
        "reason": s.reason,
        "kind": s.kind,
        "decision": s.decision,
        "reject_reason": s.reject_reason,
        "moment_id": str(s.moment_id) if s.moment_id else None,
    }


def editor_payload(film: Film) -> dict[str, object]:
    """What the editor (and ``GET /api/films/{id}/suggestions``) shows for a film the user may
    see: the analysis state, its notes, the lanes and the current suggestions, best first.

    Lanes are ``[start, end]`` in seconds; speech entries carry a third item, their index in
    the analysis' speech list, which is how the guider relabels one stretch of speech."""
    analysis = FilmAnalysis.objects.filter(film=film).first()
    result = analysis.result if analysis is not None and isinstance(analysis.result, dict) else {}
    speech = result.get("speech", [])
    return {
        "film_id": str(film.pk),
        "status": analysis.status if analysis is not None else "not_started",
        "progress": analysis.progress if analysis is not None else 0.0,
        "failure_reason": analysis.failure_reason if analysis is not None else "",
        "notes": list(result.get("notes", [])),
        "relabelled": bool(analysis is not None and analysis.labels),
        "lanes": {
            "adult": [
                [s["start"], s["end"], i] for i, s in enumerate(speech) if s["speaker"] == "adult"
            ],
            "child": [
                [s["start"], s["end"], i] for i, s in enumerate(speech) if s["speaker"] == "child"
            ],
            "smiles": [[s["start"], s["end"]] for s in result.get("smiles", [])],
            "facing": [[s["start"], s["end"]] for s in result.get("facing", [])],
        },
        "suggestions": [_suggestion_fields(s) for s in suggestions_for_film(film)],
    }
