"""A guider uploads a film through the cycle page, watches the progress, lands on the film page,
plays the film (time moves on) and jumps to a point on the timeline strip."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.servers.basehttp import WSGIServer
from django.test.testcases import LiveServerThread
from playwright.sync_api import Page, Route, expect
from pytest_django.fixtures import Settings as SettingsWrapper
from pytest_django.live_server_helper import LiveServer

from attune.accounts.models import User
from attune.cases import services as case_services
from attune.cases.models import Case, CaseState
from attune.films.models import Film, FilmStatus
from attune.samples.films import make_film
from tests.e2e.conftest import assert_accessible_basics, screenshot, sign_in
from tests.factories import make_ready_case
from tests.films.conftest import consent_to_filming

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def filmable(guider: User) -> Case:
    case = make_ready_case(guider, child_name="Maya Okafor", child_age_years=7)
    case = case_services.case_transition(actor=guider, case=case, to_state=CaseState.AGREED)
    consent_to_filming(case)
    return case


@pytest.fixture
def film_path(tmp_path: Path) -> Path:
    return make_film(tmp_path / "tea-time.mp4", seconds=4, speech_like_audio=True)


@pytest.fixture(autouse=True)
def in_process_processing(settings: SettingsWrapper) -> None:
    """Processing runs inside the request that completes the upload (no separate worker), and
    chunks are small so the progress bar has several steps to show."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.ATTUNE_UPLOAD_CHUNK_BYTES = 64 * 1024


class _OneRequestAtATime(WSGIServer):
    """The live server handles one request at a time. With SQLite in memory every request thread
    shares the test's one connection, which is not safe when the film page's pictures, timeline
    data and video are all fetched at once."""

    def __init__(self, *args: Any, connections_override: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)


class _SerialLiveServerThread(LiveServerThread):
    server_class = _OneRequestAtATime  # type: ignore[assignment]


@pytest.fixture
def live_server(transactional_db: None) -> Iterator[LiveServer]:
    server = LiveServer("localhost:0", start=False)
    server.thread = _SerialLiveServerThread(
        server.thread.host,
        server.thread.static_handler,
        connections_override=server.thread.connections_override,
        port=0,
    )
    server.thread.daemon = True
    server.start()
    yield server
    server.stop()


def video_state(page: Page) -> dict[str, float]:
    result: dict[str, float] = page.evaluate(
        """() => { const v = document.querySelector('video');
                   return {time: v.currentTime, duration: v.duration, paused: v.paused ? 1 : 0,
                           ready: v.readyState}; }"""
    )
    return result


def test_upload_watch_progress_play_and_seek(
    page: Page,
    live_server: LiveServer,
    guider: User,
    filmable: Case,
    film_path: Path,
    tmp_path: Path,
) -> None:
    sign_in(page, live_server, guider)
    page.goto(f"{live_server.url}/cases/{filmable.reference}/cycles/1/")
    assert_accessible_basics(page)

    # Hold each chunk back a little, as a slow connection would, so the progress can be seen.
    def slow(route: Route) -> None:
        time.sleep(0.25)
        route.continue_()

    page.route(re.compile(r".*/api/films/[^/]+/upload/\d+$"), slow)
    page.locator("[data-file-input]").set_input_files(str(film_path))

    bar = page.locator("[data-bar]")
    expect(page.locator("[data-progress]")).to_be_visible()
    expect(page.locator("[data-progress-text]")).to_contain_text(re.compile(r"\d+% · .* left"))
    page.wait_for_function(
        "() => { const v = document.querySelector('[data-bar]').value; return v > 20 && v < 100; }"
    )
    assert 0 < float(bar.get_attribute("value") or bar.evaluate("b => b.value")) <= 100
    screenshot(page, tmp_path, "film-upload-progress")

    # Once the upload is complete the page moves on to the film, processed and ready.
    expect(page).to_have_url(re.compile(r"/films/[0-9a-f-]+/$"), timeout=60_000)
    film = Film.objects.get(case=filmable)
    assert film.upload_received == film_path.stat().st_size
    expect(page.locator("#film-status")).to_contain_text("Ready", timeout=60_000)
    # The moment finder has looked through it too (the picture is a test pattern: no faces).
    expect(page.locator("#analysis-status")).to_contain_text("Moment finder")
    expect(page.locator("#analysis-status")).to_contain_text("No faces were seen")
    film.refresh_from_db()
    assert film.status == FilmStatus.READY
    assert_accessible_basics(page)

    # Play: time moves on.
    video = page.locator("video")
    expect(video).to_be_visible()
    page.wait_for_function("() => document.querySelector('video').readyState >= 1")
    assert video_state(page)["duration"] == pytest.approx(4, abs=0.2)
    page.evaluate("() => { const v = document.querySelector('video'); v.muted = true; v.play(); }")
    page.wait_for_function("() => document.querySelector('video').currentTime > 0.5")
    screenshot(page, tmp_path, "film-playing")

    # Seek by clicking three quarters of the way along the timeline strip.
    page.evaluate("() => document.querySelector('video').pause()")
    strip = page.locator(".timeline-strip")
    box = strip.bounding_box()
    assert box is not None and box["width"] > 100
    strip.click(position={"x": box["width"] * 0.75, "y": box["height"] / 2})
    page.wait_for_function(
        "() => Math.abs(document.querySelector('video').currentTime - 3.0) < 0.3"
    )
    # And by setting the time directly, as the keyboard and editor do.
    page.evaluate("() => { document.querySelector('video').currentTime = 1.0; }")
    page.wait_for_function(
        "() => { const v = document.querySelector('video');"
        " return !v.seeking && Math.abs(v.currentTime - 1.0) < 0.1; }"
    )
    playhead = page.locator("[data-playhead]").evaluate("el => parseFloat(el.style.left)")
    assert playhead == pytest.approx(25, abs=3)
    screenshot(page, tmp_path, "film-seeked")
