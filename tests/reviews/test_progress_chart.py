"""The case page's progress chart: each helping question from the baseline through every
re-scaling, as SVG readable without colour, and the principles the chosen moments showed most."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from attune.accounts.models import User
from attune.cases.models import Case
from attune.reviews.progress import _y
from tests.conftest import ClientFor
from tests.factories import add_question
from tests.reviews.helpers import complete_review, edit_with, start_cycles

pytestmark = pytest.mark.django_db
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def three_reviews(case: Case) -> Case:
    case = start_cycles(case)
    first = case.helping_questions.get()  # baseline 3
    second = add_question(case, case.adults.get(), text="How can I enjoy playing?", baseline=5)
    plan = {
        1: {first.pk: 4, second.pk: 5},
        2: {first.pk: 6, second.pk: 7},
        3: {first.pk: 8, second.pk: 6},
    }
    for number, scores in plan.items():
        edit_with(case, number)
        complete_review(case, case.cycles.get(number=number), scores=scores)
    return case


def _chart(html: str) -> ET.Element:
    match = re.search(r"<svg[^>]*progress-chart.*?</svg>", html, re.S)
    assert match, "no chart on the page"
    return ET.fromstring(match.group(0))  # noqa: S314 (our own page)


def test_the_chart_has_a_point_for_the_baseline_and_each_of_three_reviews(
    three_reviews: Case, client_for: ClientFor, owner: User
) -> None:
    html = client_for(owner).get(f"/cases/{three_reviews.reference}/").content.decode()
    svg = _chart(html)
    series = svg.findall(f"{SVG}g[@class='series']")
    assert len(series) == 2
    expected = {
        "How can I help Sam tell me about school?": [3, 4, 6, 8],
        "How can I enjoy playing?": [5, 5, 7, 6],
    }
    for group in series:
        title = group.find(f"{SVG}title")
        assert title is not None
        scores = expected[title.text or ""]
        line = group.find(f"{SVG}polyline")
        assert line is not None
        points = [tuple(map(float, p.split(","))) for p in line.get("points", "").split()]
        assert len(points) == 4
        assert [y for _, y in points] == [pytest.approx(_y(s), abs=0.1) for s in scores]
        assert [x for x, _ in points] == sorted(x for x, _ in points)  # start, then reviews 1–3
        # Each point is labelled with its number, so no colour is needed to read it.
        labels = [t.text for t in group.findall(f"{SVG}text")]
        assert labels == [str(s) for s in scores]
    markers = {g.get("data-marker") for g in series}
    assert len(markers) == 2  # told apart by shape, not colour
    axis = [
        t.text for t in svg.iter(f"{SVG}text") if t.text and t.text.startswith(("Start", "Review"))
    ]
    assert axis == ["Start", "Review 1", "Review 2", "Review 3"]
    assert "Principles the chosen moments showed most" in html
    assert "Receiving initiatives" in html


def test_progress_api_gives_the_series_and_principles(
    three_reviews: Case, client_for: ClientFor, owner: User, outsider: User
) -> None:
    response = client_for(owner).get(f"/api/cases/{three_reviews.reference}/progress")
    assert response.status_code == 200
    body = response.json()
    assert body["labels"] == ["Start", "Review 1", "Review 2", "Review 3"]
    assert [p["score"] for p in body["series"][0]["points"]] == [3, 4, 6, 8]
    assert body["series"][0]["change"] == 5
    assert body["principles"][0] == {"principle": "Receiving initiatives", "moments": 9}
    assert (
        client_for(outsider).get(f"/api/cases/{three_reviews.reference}/progress").status_code
        == 404
    )
