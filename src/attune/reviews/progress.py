"""Progress: each helping question's scaling from the baseline through every shared review, and
which principles the moments chosen for the reviews showed most. Drawn as SVG on the server."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from attune.cases.models import Case, HelpingQuestion
from attune.moments.selectors import edit_moments_for_case
from attune.reviews.models import Rescaling, ReviewedMoment


@dataclass(frozen=True)
class Point:
    label: str  # "Start", "Review 1", …
    score: int


@dataclass
class Series:
    question: HelpingQuestion
    points: list[Point] = field(default_factory=list)

    @property
    def change(self) -> int | None:
        if len(self.points) < 2:
            return None
        return self.points[-1].score - self.points[0].score


def scaling_series(case: Case) -> list[Series]:
    """Baseline, then the re-scaling at each completed shared review, in cycle order."""
    questions = list(case.helping_questions.select_related("adult").order_by("adult_id", "pk"))
    rescalings = (
        Rescaling.objects.filter(question__case=case, review__completed_at__isnull=False)
        .select_related("review__cycle")
        .order_by("review__cycle__number")
    )
    by_question: dict[int, list[Rescaling]] = {}
    for r in rescalings:
        by_question.setdefault(r.question_id, []).append(r)
    series = []
    for question in questions:
        s = Series(question=question, points=[Point("Start", question.baseline)])
        for r in by_question.get(question.pk, []):
            s.points.append(Point(f"Review {r.review.cycle.number}", r.score))
        series.append(s)
    return series


def review_labels(case: Case) -> list[str]:
    """The x-axis: the start, then every cycle that has a completed review."""
    numbers = sorted(
        {
            r.review.cycle.number
            for r in Rescaling.objects.filter(
                question__case=case, review__completed_at__isnull=False
            ).select_related("review__cycle")
        }
    )
    return ["Start", *[f"Review {n}" for n in numbers]]


def principle_counts(case: Case) -> list[tuple[str, int]]:
    """How many chosen moments showed each principle, most first. Reviewed cycles count the
    moments as reviewed; cycles not reviewed yet count their edit as it stands."""
    counts: Counter[str] = Counter()
    reviewed = set()
    for rm in ReviewedMoment.objects.filter(review__cycle__case=case).select_related("review"):
        reviewed.add(rm.review.cycle_id)
        counts.update(rm.principles)
    for moment in edit_moments_for_case(case):
        if moment.film.cycle_id not in reviewed:
            counts.update(p.name for p in moment.principles.all())
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))


# --- the chart -------------------------------------------------------------------------------------

WIDTH, HEIGHT = 640, 280
LEFT, RIGHT, TOP, BOTTOM = 48, 24, 16, 40
#: Told apart without colour: a marker shape and a dash pattern for each question.
MARKERS = ["circle", "square", "triangle", "diamond", "cross", "star"]
DASHES = ["", "6 4", "2 3", "8 3 2 3", "1 5", "10 5"]


def _x(index: int, count: int) -> float:
    span = WIDTH - LEFT - RIGHT
    return LEFT + (span * index / (count - 1) if count > 1 else span / 2)


def _y(score: int) -> float:
    return TOP + (HEIGHT - TOP - BOTTOM) * (10 - score) / 10


def _marker(kind: str, x: float, y: float) -> str:
    if kind == "circle":
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="5"/>'
    if kind == "square":
        return f'<rect x="{x - 5:.1f}" y="{y - 5:.1f}" width="10" height="10"/>'
    if kind == "triangle":
        return (
            f'<path d="M{x:.1f} {y - 6:.1f} L{x + 6:.1f} {y + 5:.1f} L{x - 6:.1f} {y + 5:.1f} Z"/>'
        )
    if kind == "diamond":
        return f'<path d="M{x:.1f} {y - 6:.1f} L{x + 6:.1f} {y:.1f} L{x:.1f} {y + 6:.1f} L{x - 6:.1f} {y:.1f} Z"/>'
    if kind == "cross":
        return f'<path d="M{x - 5:.1f} {y - 5:.1f} L{x + 5:.1f} {y + 5:.1f} M{x + 5:.1f} {y - 5:.1f} L{x - 5:.1f} {y + 5:.1f}" stroke-width="3"/>'
    return f'<path d="M{x:.1f} {y - 6:.1f} L{x + 2:.1f} {y - 2:.1f} L{x + 6:.1f} {y - 2:.1f} L{x + 3:.1f} {y + 1:.1f} L{x + 4:.1f} {y + 6:.1f} L{x:.1f} {y + 3:.1f} L{x - 4:.1f} {y + 6:.1f} L{x - 3:.1f} {y + 1:.1f} L{x - 6:.1f} {y - 2:.1f} L{x - 2:.1f} {y - 2:.1f} Z"/>'


def _esc(text: str) -> str:
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )


def scaling_chart_svg(series: list[Series], labels: list[str]) -> str:
    """An SVG line chart, 0–10 up the side, the start and each review along the bottom. Every
    point carries its number, each question its own marker and dash, so no colour is needed."""
    count = max(len(labels), 1)
    title = "Scaling of each helping question, from the start through every shared review"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'class="progress-chart" role="img" aria-labelledby="progress-chart-title">',
        f'<title id="progress-chart-title">{_esc(title)}</title>',
        '<g class="axis" stroke="currentColor" stroke-opacity="0.25" font-size="11">',
    ]
    for score in range(0, 11, 2):
        y = _y(score)
        parts.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}"/>')
        parts.append(
            f'<text x="{LEFT - 8}" y="{y + 4:.1f}" text-anchor="end" stroke="none" '
            f'fill="currentColor">{score}</text>'
        )
    for i, label in enumerate(labels):
        parts.append(
            f'<text x="{_x(i, count):.1f}" y="{HEIGHT - 14}" text-anchor="middle" stroke="none" '
            f'fill="currentColor">{_esc(label)}</text>'
        )
    parts.append("</g>")
    for n, s in enumerate(series):
        marker = MARKERS[n % len(MARKERS)]
        dash = DASHES[n % len(DASHES)]
        index = {label: i for i, label in enumerate(labels)}
        coords = [(_x(index.get(p.label, 0), count), _y(p.score), p) for p in s.points]
        points = " ".join(f"{x:.1f},{y:.1f}" for x, y, _ in coords)
        scores = ",".join(str(p.score) for p in s.points)
        parts.append(
            f'<g class="series" data-question="{s.question.pk}" data-scores="{scores}" '
            f'data-marker="{marker}" fill="currentColor" stroke="currentColor">'
            f"<title>{_esc(s.question.text)}</title>"
        )
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(f'<polyline points="{points}" fill="none" stroke-width="2"{dash_attr}/>')
        for x, y, p in coords:
            parts.append(_marker(marker, x, y))
            parts.append(
                f'<text x="{x + 8:.1f}" y="{y - 8:.1f}" font-size="12" stroke="none">'
                f"{p.score}</text>"
            )
        parts.append("</g>")
    parts.append("</svg>")
    return "".join(parts)
