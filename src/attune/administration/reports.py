"""The service's figures: aggregates only, never a family's name, and every count of cases
under 5 shown as "fewer than 5" so no one family can be recognised.

One function, ``service_report``, computes everything; the page, its charts, the CSV and
``GET /api/reports/summary`` all show what it returns.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from attune.accounts.models import Service
from attune.analysis.selectors import suggestion_usefulness
from attune.cases.models import Case, CaseState, HelpingQuestion
from attune.films.models import Film
from attune.supervision.models import SupervisionSession

SMALL_CELL = 5
FEWER = "fewer than 5"
CYCLE_BUCKETS = ["0", "1", "2", "3", "4", "5", "6 or more"]

Cell = int | str


def small(count: int) -> Cell:
    """A count of cases as it may be shown: 1 to 4 become "fewer than 5"."""
    return FEWER if 0 < count < SMALL_CELL else count


@dataclass(frozen=True)
class Period:
    start: date
    end: date

    @classmethod
    def default(cls, today: date | None = None) -> Period:
        today = today or timezone.localdate()
        return cls(start=today - timedelta(days=365), end=today)

    def bounds(self) -> tuple[datetime, datetime]:
        tz = timezone.get_current_timezone()
        return (
            datetime.combine(self.start, time.min, tzinfo=tz),
            datetime.combine(self.end + timedelta(days=1), time.min, tzinfo=tz),
        )


def last_scaling(question: HelpingQuestion) -> int:
    """Where the adult put themselves last on this helping question. The shared review's
    re-scaling will answer here; until one exists the baseline is the last word."""
    return question.baseline


def scaling_change(case: Case) -> float | None:
    """The average move (last minus baseline) over the case's helping questions."""
    moves = [last_scaling(q) - q.baseline for q in case.helping_questions.all()]
    return statistics.fmean(moves) if moves else None


def _cases(service: Service, period: Period) -> Any:
    start, end = period.bounds()
    return Case.objects.filter(service=service, created_at__gte=start, created_at__lt=end)


def service_report(service: Service, period: Period) -> dict[str, Any]:
    cases = list(
        _cases(service, period)
        .select_related("guider")
        .prefetch_related("helping_questions")
        .annotate(
            held=Count(
                "cycles", filter=Q(cycles__filmed_on__isnull=False, cycles__not_needed=False)
            )
        )
    )
    states = dict(CaseState.choices)
    by_state = Counter(c.state for c in cases)
    by_guider: dict[str, Counter[str]] = defaultdict(Counter)
    for c in cases:
        by_guider[str(c.guider)][c.state] += 1
    buckets = Counter(CYCLE_BUCKETS[min(c.held, 6)] for c in cases)
    closed = [c for c in cases if c.state == CaseState.CLOSED]
    withdrawn = [c for c in cases if c.state == CaseState.WITHDRAWN]
    days = [
        (
            timezone.localtime(c.state_changed_at).date() - timezone.localtime(c.created_at).date()
        ).days
        for c in closed
        if c.state_changed_at
    ]
    changes = [x for x in (scaling_change(c) for c in closed) if x is not None]

    hours: dict[str, float] = defaultdict(float)
    for s in SupervisionSession.objects.filter(
        service=service,
        confirmed_at__isnull=False,
        held_on__gte=period.start,
        held_on__lte=period.end,
    ).select_related("trainee"):
        hours[str(s.trainee)] += s.minutes / 60
    films = list(Film.objects.filter(case__in=[c.pk for c in cases]))
    usefulness = (
        suggestion_usefulness(films) if films else {"accepted": 0, "rejected": 0, "open": 0}
    )
    decided = usefulness["accepted"] + usefulness["rejected"]

    return {
        "period": {"start": period.start.isoformat(), "end": period.end.isoformat()},
        "cases": small(len(cases)),
        "caseload_by_state": {states[s]: small(by_state.get(s, 0)) for s in CaseState.values},
        "caseload_by_guider": {
            guider: {
                **{states[s]: small(counts.get(s, 0)) for s in CaseState.values},
                "Total": small(sum(counts.values())),
            }
            for guider, counts in sorted(by_guider.items())
        },
        "cycles_per_case": {b: small(buckets.get(b, 0)) for b in CYCLE_BUCKETS},
        "completed_vs_withdrawn": {
            "Completed (closed)": small(len(closed)),
            "Withdrawn": small(len(withdrawn)),
        },
        "median_days_referral_to_closure": (
            statistics.median(days) if len(days) >= SMALL_CELL else FEWER if days else None
        ),
        "scaling_change": {
            "cases": small(len(changes)),
            "mean_change": (
                round(statistics.fmean(changes), 2) if len(changes) >= SMALL_CELL else None
            ),
        },
        "supervision_hours": {name: round(h, 2) for name, h in sorted(hours.items())},
        "suggestions": {
            **usefulness,
            "acceptance_percent": round(100 * usefulness["accepted"] / decided)
            if decided
            else None,
        },
    }


def csv_rows(report: dict[str, Any]) -> list[list[str]]:
    """The report as (figure, group, value) rows, for a spreadsheet."""
    rows = [["figure", "group", "value"]]

    def put(figure: str, group: str, value: object) -> None:
        rows.append([figure, group, "" if value is None else str(value)])

    put("period", "start", report["period"]["start"])
    put("period", "end", report["period"]["end"])
    put("cases referred", "all", report["cases"])
    for label, value in report["caseload_by_state"].items():
        put("caseload by state", label, value)
    for guider, counts in report["caseload_by_guider"].items():
        for label, value in counts.items():
            put("caseload by guider", f"{guider}: {label}", value)
    for label, value in report["cycles_per_case"].items():
        put("cycles per case", label, value)
    for label, value in report["completed_vs_withdrawn"].items():
        put("completed vs withdrawn", label, value)
    put(
        "median days referral to closure", "closed cases", report["median_days_referral_to_closure"]
    )
    put("change in scaling", "closed cases", report["scaling_change"]["cases"])
    put("change in scaling", "mean change", report["scaling_change"]["mean_change"])
    for name, value in report["supervision_hours"].items():
        put("supervision hours", name, value)
    for label, value in report["suggestions"].items():
        put("suggestions", label, value)
    return rows
