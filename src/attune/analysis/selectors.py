"""Permission-aware reads of analyses and suggestions (media-derived: media access rules)."""

from __future__ import annotations

import re
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.http import Http404
from django.utils import timezone

from attune.accounts.models import Service, User
from attune.analysis.models import Decision, FilmAnalysis, Suggestion
from attune.cases.models import Adult
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


#: What each kind of suggestion is built around, in the words the report uses.
KIND_LABELS = {
    "response": "The child's initiative and your response",
    "run": "A run of short turns",
    "wait": "The adult waiting",
    "faces": "Faces turned to each other",
}
REPORT_MONTHS = 12
TOP_REASONS = 10


@dataclass
class Tally:
    """Suggestions counted by the guider's decision."""

    label: str = ""
    accepted: int = 0
    rejected: int = 0
    open: int = 0

    @property
    def suggested(self) -> int:
        return self.accepted + self.rejected + self.open

    @property
    def decided(self) -> int:
        return self.accepted + self.rejected

    @property
    def acceptance_rate(self) -> int | None:
        """Accepted, as a whole percentage of the decided ones (None while none is decided)."""
        return round(100 * self.accepted / self.decided) if self.decided else None

    def add(self, decision: str) -> None:
        if decision == Decision.ACCEPTED:
            self.accepted += 1
        elif decision == Decision.REJECTED:
            self.rejected += 1
        else:
            self.open += 1


@dataclass
class MonthBar:
    month: date
    accepted: int = 0
    rejected: int = 0
    #: Bar heights as percentages of the busiest month's larger bar.
    accepted_height: int = 0
    rejected_height: int = 0


@dataclass
class UsefulnessReport:
    totals: Tally
    by_kind: list[Tally]
    by_principle: list[Tally]
    months: list[MonthBar]
    #: (reason, how many times), most common first; names of the child and adults removed.
    reasons: list[tuple[str, int]] = field(default_factory=list)
    rejected_without_reason: int = 0


def _counted_suggestions(service: Service) -> QuerySet[Suggestion]:
    """A service's suggestions that count: every decided one, and the open ones still current
    (an open suggestion a relabelling replaced was never really put to the guider)."""
    return Suggestion.objects.filter(film__case__service=service).filter(
        Q(decision__in=[Decision.ACCEPTED, Decision.REJECTED]) | Q(current=True)
    )


def _month_starts(today: date, count: int) -> list[date]:
    months = []
    year, month = today.year, today.month
    for _ in range(count):
        months.append(date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return months[::-1]


def _months(service: Service) -> list[MonthBar]:
    starts = _month_starts(timezone.localdate(), REPORT_MONTHS)
    since = timezone.make_aware(datetime.combine(starts[0], time.min))
    bars = {start: MonthBar(month=start) for start in starts}
    rows = (
        _counted_suggestions(service)
        .filter(decision__in=[Decision.ACCEPTED, Decision.REJECTED], decided_at__gte=since)
        .annotate(month=TruncMonth("decided_at", tzinfo=timezone.get_current_timezone()))
        .values("month", "decision")
        .annotate(n=Count("pk"))
    )
    for row in rows:
        bar = bars.get(row["month"].date())
        if bar is None:
            continue
        if row["decision"] == Decision.ACCEPTED:
            bar.accepted += row["n"]
        else:
            bar.rejected += row["n"]
    tallest = max((max(b.accepted, b.rejected) for b in bars.values()), default=0)
    for bar in bars.values():
        if tallest:
            bar.accepted_height = round(100 * bar.accepted / tallest)
            bar.rejected_height = round(100 * bar.rejected / tallest)
    return list(bars.values())


def _name_pattern(names: list[str]) -> re.Pattern[str] | None:
    """Whole names and each part of them, as whole words, longest first."""
    words = {n.strip() for n in names if n.strip()}
    words |= {part for n in names for part in re.split(r"[\s-]+", n) if len(part) >= 2}
    if not words:
        return None
    alternatives = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"\b(?:{alternatives})\b", re.IGNORECASE)


def _reasons(service: Service) -> tuple[list[tuple[str, int]], int]:
    """The most common rejection reasons, counted without regard to case, spacing or a final
    full stop. A reason that names the case's child or adults has the names replaced."""
    rows = list(
        _counted_suggestions(service)
        .filter(decision=Decision.REJECTED)
        .values_list("film__case_id", "film__case__child_name", "reject_reason")
    )
    adults: dict[int, list[str]] = {}
    for case_id, name in Adult.objects.filter(
        case_id__in={case_id for case_id, _, _ in rows}
    ).values_list("case_id", "name"):
        adults.setdefault(case_id, []).append(name)
    counts: Counter[str] = Counter()
    spellings: dict[str, Counter[str]] = {}
    without = 0
    for case_id, child_name, reason in rows:
        text = " ".join((reason or "").split()).rstrip(" .!")
        if not text:
            without += 1
            continue
        child = _name_pattern([child_name or ""])
        if child is not None:
            text = child.sub("the child", text)
        grown_ups = _name_pattern(adults.get(case_id, []))
        if grown_ups is not None:
            text = grown_ups.sub("the adult", text)
        key = text.casefold()
        counts[key] += 1
        spellings.setdefault(key, Counter())[text] += 1
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:TOP_REASONS]
    return [(spellings[key].most_common(1)[0][0], n) for key, n in ranked], without


def usefulness_report(service: Service) -> UsefulnessReport:
    """How useful the moment finder's suggestions have been to one service's guiders: counts
    by decision, by kind and by principle, decisions per month for the last year, and the
    commonest reasons for rejecting. Aggregates only: no case, film or person is named."""
    totals = Tally(label="All suggestions")
    kinds = {kind: Tally(label=label) for kind, label in KIND_LABELS.items()}
    principles: dict[str, Tally] = {}
    for kind, names, decision in _counted_suggestions(service).values_list(
        "kind", "principles", "decision"
    ):
        totals.add(decision)
        kinds.setdefault(kind, Tally(label=kind)).add(decision)
        for name in dict.fromkeys(names if isinstance(names, list) else []):
            principles.setdefault(str(name), Tally(label=str(name))).add(decision)
    reasons, without = _reasons(service)
    return UsefulnessReport(
        totals=totals,
        by_kind=list(kinds.values()),
        by_principle=sorted(principles.values(), key=lambda t: (-t.suggested, t.label)),
        months=_months(service),
        reasons=reasons,
        rejected_without_reason=without,
    )


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
        "confidence": s.confidence,
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
            "distress": [[s["start"], s["end"]] for s in result.get("distress", [])],
            "facing": [[s["start"], s["end"]] for s in result.get("facing", [])],
            # A face in view: 0 for the person on the left of the picture, 1 on the right.
            "faces": [
                [f["start"], f["end"], 0 if f.get("person") == "left" else 1]
                for f in result.get("faces", [])
            ],
        },
        "suggestions": [_suggestion_fields(s) for s in suggestions_for_film(film)],
    }


def film_analysis_summary(film: Film) -> dict[str, object]:
    """What the film page says about the analysis (for someone who may see the film): its
    state and notes, and how many of its current suggestions were accepted."""
    payload = editor_payload(film)
    suggestions = payload["suggestions"]
    assert isinstance(suggestions, list)
    return {
        "analysis": payload,
        "suggested": len(suggestions),
        "accepted": sum(1 for s in suggestions if s["decision"] == Decision.ACCEPTED),
    }
