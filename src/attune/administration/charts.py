"""Bar charts as plain SVG, drawn on the server. Every bar carries its label and its figure
in text, so the chart reads without colour (and a suppressed cell says so instead of a bar)."""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import slugify

# Drawn at the size it is read (13 px text, one unit a pixel) and narrow enough for a phone's
# card: the SVG shrinks only below its own width, so its text stays legible.
ROW = 26
LABEL_WIDTH = 150
BAR_WIDTH = 110
FIGURE_WIDTH = 95


def bar_chart(title: str, values: dict[str, int | float | str | None]) -> SafeString:
    numbers = [v for v in values.values() if isinstance(v, int | float)]
    top = max(numbers, default=0) or 1
    height = ROW * len(values) + 10
    width = LABEL_WIDTH + BAR_WIDTH + FIGURE_WIDTH
    parts = [
        f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" width="100%" '
        f'style="max-width: {width}px" font-size="13" '
        f'aria-labelledby="chart-{slugify(title)}"><title id="chart-{slugify(title)}">'
        f"{escape(title)}</title>"
    ]
    for i, (label, value) in enumerate(values.items()):
        y = 5 + i * ROW
        parts.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{y + 17}" text-anchor="end">{escape(label)}</text>'
        )
        if isinstance(value, int | float):
            w = round(BAR_WIDTH * value / top)
            parts.append(
                f'<rect x="{LABEL_WIDTH}" y="{y + 3}" width="{w}" height="{ROW - 8}" '
                'class="bar" fill="url(#hatch)" stroke="currentColor"/>'
            )
            text, x = f"{value:g}", LABEL_WIDTH + w + 6
        else:
            text, x = "—" if value is None else str(value), LABEL_WIDTH + 6
        parts.append(f'<text x="{x}" y="{y + 17}">{escape(text)}</text>')
    parts.insert(
        1,
        '<defs><pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)"><rect width="6" height="6" fill="#e3f1ee"/>'
        '<line x1="0" y1="0" x2="0" y2="6" stroke="#1d5a54" stroke-width="2"/></pattern></defs>',
    )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 (every label and figure is escaped above)
