"""The moment finder in a real browser, on the demo service a new user gets from `make run`:
the demo film (a generated dialogue) is processed and analysed; its editor shows the adult,
child and smiles lanes and the suggestions; one key accepts a suggestion as a clip with its
principles; another suggestion is rejected with a reason; the speakers can be swapped back and
forth; and after a reload the accepted clip is among the moments, principles and all."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from pytest_django.fixtures import Settings as SettingsWrapper
from pytest_django.live_server_helper import LiveServer

from attune.accounts.models import User
from attune.analysis.models import AnalysisStatus, Decision, FilmAnalysis, Suggestion
from attune.demo.seed import DEMO_PASSWORD, seed_demo, seed_demo_film
from attune.films.models import Film, FilmStatus
from attune.moments.models import Moment
from attune.samples.dialogue import espeak_available
from tests.e2e.conftest import assert_accessible_basics, screenshot, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def fewer_session_writes(settings: SettingsWrapper) -> None:
    """See test_editor: the live server's threads share one in-memory SQLite connection."""
    settings.SESSION_SAVE_EVERY_REQUEST = False


@pytest.fixture
def demo_film(settings: SettingsWrapper) -> Film:
    """The demo service and its film, processed and analysed as the worker would."""
    if not espeak_available():
        pytest.skip("espeak-ng is not installed (apt-get install espeak-ng)")
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    seed_demo()
    film = seed_demo_film()
    assert film is not None
    film.refresh_from_db()
    assert film.status == FilmStatus.READY, film.failure_reason
    analysis = FilmAnalysis.objects.get(film=film)
    assert analysis.status == AnalysisStatus.DONE, analysis.failure_reason
    assert Suggestion.objects.filter(film=film).count() >= 2
    return film


def lane_ink(page: Page, selector: str) -> int:
    """How many pixels of a lane's canvas are painted (the lanes are drawn, not listed)."""
    count: int = page.evaluate(
        """(selector) => {
            const canvas = document.querySelector(selector);
            const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
            let painted = 0;
            for (let i = 3; i < data.length; i += 4) if (data[i] > 0) painted += 1;
            return painted;
        }""",
        selector,
    )
    return count


def test_accept_a_suggestion_and_find_it_among_the_moments(
    page: Page, live_server: LiveServer, demo_film: Film, tmp_path: Path
) -> None:
    guider: User = demo_film.case.guider
    sign_in(page, live_server, guider, password=DEMO_PASSWORD)
    page.goto(f"{live_server.url}/films/{demo_film.pk}/")
    page.get_by_role("link", name="Open the editor", exact=True).click()
    editor = page.locator("[data-editor]")
    expect(editor).to_have_attribute("data-ready", "true")
    expect(editor).to_have_attribute("data-drawn", "true")
    assert_accessible_basics(page)

    # The lanes: the adult and the child both speak in the dialogue.
    page.wait_for_timeout(300)  # the lanes are painted on the next animation frame
    assert lane_ink(page, "[data-lane-adult]") > 0
    assert lane_ink(page, "[data-lane-child]") > 0
    # The demo film shows two photographed faces: the faces lane marks them in view.
    assert lane_ink(page, "[data-lane-smiles]") > 0
    suggestions = list(Suggestion.objects.filter(film=demo_film, current=True).order_by("rank"))
    bars = page.locator("[data-lane-suggestions] .suggestion")
    expect(bars).to_have_count(len(suggestions))
    items = page.locator("[data-suggestion-item]")
    expect(items).to_have_count(len(suggestions))
    expect(items.first).to_contain_text(suggestions[0].reason)
    screenshot(page, tmp_path, "moment-finder")

    # Click the best suggestion's bar on the timeline, then press A: a clip with its principles.
    best = suggestions[0]
    page.locator(f".suggestion[data-suggestion-id='{best.pk}']").click()
    expect(page.locator(f"[data-suggestion-item='{best.pk}']")).to_have_class(
        "sg-item is-open is-selected"
    )
    with page.expect_response(lambda r: f"/api/suggestions/{best.pk}/accept" in r.url) as made:
        page.keyboard.press("a")
    assert made.value.status == 201
    moment = Moment.objects.get(film=demo_film)
    best.refresh_from_db()
    assert best.decision == Decision.ACCEPTED and best.moment_id == moment.pk
    principle_names = sorted(p.name for p in moment.principles.all())
    assert principle_names == sorted(best.principles)
    expect(page.locator("[data-status]")).to_contain_text(f"Suggestion {best.rank} is now a clip")
    expect(page.locator(f"[data-suggestion-item='{best.pk}'] .sg-state")).to_have_text("Accepted")

    # N goes to the next suggestion in time; X asks why (optional) and rejects it.
    other = next(s for s in suggestions if s.pk != best.pk)
    page.locator(f"[data-suggestion-item='{other.pk}'] .sg-head").click()
    page.keyboard.press("x")
    reason = page.get_by_role("combobox", name="Why not? (optional)")
    expect(reason).to_be_focused()
    reason.fill("The child is off camera")
    with page.expect_response(lambda r: f"/api/suggestions/{other.pk}/reject" in r.url):
        reason.press("Enter")
    other.refresh_from_db()
    assert other.decision == Decision.REJECTED
    assert other.reject_reason == "The child is off camera"

    # Swapping the speakers recomputes the suggestions; swapping back restores the lanes.
    adult_ink = lane_ink(page, "[data-lane-adult]")
    child_ink = lane_ink(page, "[data-lane-child]")
    page.get_by_text("Adult and child mixed up?").click()
    with page.expect_response(lambda r: r.url.endswith("/speakers")):
        page.get_by_role("button", name="Swap adult and child").click()
    page.wait_for_timeout(300)
    assert lane_ink(page, "[data-lane-adult]") == child_ink
    assert lane_ink(page, "[data-lane-child]") == adult_ink
    with page.expect_response(lambda r: r.url.endswith("/speakers")):
        page.get_by_role("button", name="Undo my changes").click()
    page.wait_for_timeout(300)
    assert lane_ink(page, "[data-lane-adult]") == adult_ink

    # After a reload the clip is among the moments with the suggestion's principles.
    page.reload()
    expect(editor).to_have_attribute("data-ready", "true")
    rows = page.locator("[data-moment-list] .moment-item")
    expect(rows).to_have_count(1)
    rows.first.click()
    pressed = page.locator(".mp-tags [aria-label=Principles] .chip[aria-pressed=true]")
    expect(pressed).to_have_count(len(principle_names))
    for name in principle_names:
        expect(pressed.filter(has_text=name)).to_have_count(1)
    expect(page.locator(f"[data-suggestion-item='{best.pk}'] .sg-state")).to_have_text("Accepted")
    screenshot(page, tmp_path, "moment-finder-accepted")
