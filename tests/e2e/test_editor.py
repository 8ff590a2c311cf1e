"""The micro-analysis editor in a real browser: step exactly one frame, mark a clip with I, O and
C, tag it with 3, write a note, make a still with S, put both in the edit and reorder it, reload:
everything is still there."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import Page, expect
from pytest_django.fixtures import Settings as SettingsWrapper
from pytest_django.live_server_helper import LiveServer

from attune.accounts.models import User
from attune.cases import services as case_services
from attune.cases.models import Case, CaseState
from attune.films import processing
from attune.films import services as film_services
from attune.films.models import Film, FilmStatus
from attune.moments import services as moment_services
from attune.moments.models import Moment, MomentKind
from attune.samples.films import make_film
from tests.e2e.conftest import assert_accessible_basics, screenshot
from tests.factories import consent_to_everything, make_ready_case

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

FPS = 25


@pytest.fixture(autouse=True)
def fewer_session_writes(settings: SettingsWrapper) -> None:
    """The live server's threads share one in-memory SQLite connection, which refuses writes
    that overlap instead of waiting; saving the session on every request (as configured) makes
    the film's parallel range requests overlap. Sessions are still saved when they change."""
    settings.SESSION_SAVE_EVERY_REQUEST = False


@pytest.fixture
def film(guider: User, tmp_path: Path) -> Film:
    """A 12-second film through the real pipeline: upload, encrypt, process."""
    case: Case = make_ready_case(guider, child_name="Maya Okafor", child_age_years=7)
    case = case_services.case_transition(actor=guider, case=case, to_state=CaseState.AGREED)
    consent_to_everything(case)
    source = make_film(
        tmp_path / "snack-time.mp4",
        seconds=12,
        width=640,
        height=360,
        fps=FPS,
        speech_like_audio=True,
    )
    film = film_services.film_import(
        actor=guider, case=case, cycle=case.cycles.get(number=1), path=source
    )
    processing.film_process(str(film.pk))
    film.refresh_from_db()
    assert film.status == FilmStatus.READY, film.failure_reason
    return film


def sign_in(page: Page, live_server: LiveServer, user: User) -> None:
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}]
    )


def open_editor(page: Page, live_server: LiveServer, film: Film) -> None:
    page.goto(f"{live_server.url}/moments/films/{film.pk}/")
    expect(page.locator("[data-editor]")).to_have_attribute("data-ready", "true")
    expect(page.locator("[data-editor]")).to_have_attribute("data-drawn", "true")


def settled_time(page: Page) -> float:
    """The player's position once no seek is pending (the editor queues seeks)."""
    page.wait_for_function(
        "() => { const v = document.querySelector('[data-video]'); return !v.seeking && v.readyState >= 2; }"
    )
    page.wait_for_timeout(200)  # a queued step starts only after the last one was presented
    page.wait_for_function("() => !document.querySelector('[data-video]').seeking")
    return float(page.evaluate("document.querySelector('[data-video]').currentTime"))


def press_and_wait(page: Page, key: str, method: str, path_part: str) -> None:
    with page.expect_response(
        lambda r: path_part in r.url and r.request.method == method, timeout=10_000
    ) as response:
        page.keyboard.press(key)
    assert response.value.ok, response.value.text()


def test_mark_tag_note_still_edit_and_reload(
    page: Page, live_server: LiveServer, guider: User, film: Film, tmp_path: Path
) -> None:
    sign_in(page, live_server, guider)
    open_editor(page, live_server, film)
    assert_accessible_basics(page)

    # One press of → moves exactly one frame.
    before = settled_time(page)
    page.keyboard.press("ArrowRight")
    after = settled_time(page)
    assert after - before == pytest.approx(1 / FPS, abs=1e-6)
    expect(page.locator("[data-frame]")).to_have_text("frame 1")

    # I at one second later, O two seconds after that, C: a two-second clip.
    page.keyboard.press("Shift+ArrowRight")
    settled_time(page)
    page.keyboard.press("i")
    page.keyboard.press("Shift+ArrowRight")
    page.keyboard.press("Shift+ArrowRight")
    settled_time(page)
    page.keyboard.press("o")
    expect(page.locator("[data-marks]")).to_contain_text(re.compile(r"2\.0\s+s"))
    press_and_wait(page, "c", "POST", f"/api/films/{film.pk}/moments")
    clip = Moment.objects.get(kind=MomentKind.CLIP)
    assert (clip.start_frame, clip.end_frame) == (26, 76)

    # 3 tags the new (selected) clip with the third principle; then a note.
    press_and_wait(page, "3", "PATCH", f"/api/moments/{clip.pk}")
    expect(page.locator(".mp-tags .chip[aria-pressed=true]")).to_contain_text(
        "Receiving initiatives"
    )
    notes = page.locator("[data-moment-panel] [data-field=notes]")
    notes.fill("Maya holds out the cup; Amira smiles and waits.")
    with page.expect_response(lambda r: f"/api/moments/{clip.pk}" in r.url):
        page.locator("[data-clock]").click()  # leave the note: it saves

    # S makes a still of the frame on screen.
    page.keyboard.press("Shift+ArrowRight")
    settled_time(page)
    press_and_wait(page, "s", "POST", f"/api/films/{film.pk}/moments")
    still = Moment.objects.get(kind=MomentKind.STILL)
    assert still.start_frame == 101

    # The still, then the clip, into the edit; then move the clip up with the keyboard.
    with page.expect_response(lambda r: "/edit" in r.url and r.request.method == "PUT"):
        page.locator("[data-moment-panel] [data-toggle-edit]").click()
    page.locator(f"[data-moment-list] [data-moment='{clip.pk}']").click()
    with page.expect_response(lambda r: "/edit" in r.url and r.request.method == "PUT"):
        page.locator("[data-moment-panel] [data-toggle-edit]").click()
    expect(page.locator("[data-edit-item]")).to_have_count(2)
    page.locator(f"[data-edit-item='{clip.pk}']").focus()
    with page.expect_response(lambda r: "/edit" in r.url and r.request.method == "PUT"):
        page.keyboard.press("Alt+ArrowUp")
    expect(page.locator("[data-edit-item]").first).to_have_attribute("data-edit-item", str(clip.pk))
    screenshot(page, tmp_path, "editor")

    # Reload: everything persisted.
    page.reload()
    open_editor(page, live_server, film)
    expect(page.locator("[data-moment-list] .moment-item")).to_have_count(2)
    items = page.locator("[data-edit-item]")
    expect(items.first).to_have_attribute("data-edit-item", str(clip.pk))
    expect(items.nth(1)).to_have_attribute("data-edit-item", str(still.pk))
    page.locator(f"[data-moment-list] [data-moment='{clip.pk}']").click()
    expect(page.locator("[data-moment-panel] [data-field=notes]")).to_have_value(
        "Maya holds out the cup; Amira smiles and waits."
    )
    expect(page.locator(".mp-tags .chip[aria-pressed=true]")).to_contain_text(
        "Receiving initiatives"
    )
    clip.refresh_from_db()
    still.refresh_from_db()
    assert [clip.edit_position, still.edit_position] == [0, 1]
    assert [p.name for p in clip.principles.all()] == ["Receiving initiatives"]
    screenshot(page, tmp_path, "editor-reloaded")


def test_shortcuts_zoom_handles_shuttle_and_preview(
    page: Page, live_server: LiveServer, guider: User, film: Film, tmp_path: Path
) -> None:
    clip = moment_services.moment_create(
        actor=guider, film=film, kind=MomentKind.CLIP, start_frame=50, end_frame=100
    )
    moment_services.edit_set(actor=guider, cycle=film.cycle, moment_ids=[clip.pk])
    sign_in(page, live_server, guider)
    open_editor(page, live_server, film)

    # Drag the clip's out-point to the right: it is saved when let go.
    handle = page.locator(f".bar[data-moment-id='{clip.pk}'] .handle-out")
    handle.scroll_into_view_if_needed()
    box = handle.bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.move(box["x"] + 60, box["y"] + box["height"] / 2, steps=5)
    with page.expect_response(lambda r: f"/api/moments/{clip.pk}" in r.url):
        page.mouse.up()
    clip.refresh_from_db()
    assert clip.start_frame == 50 and clip.end_frame > 100

    # L plays, L again is faster, K stops.
    page.keyboard.press("l")
    page.keyboard.press("l")
    expect(page.locator("[data-shuttle]")).to_have_text("▶ 1.5×")
    page.wait_for_timeout(300)
    page.keyboard.press("k")
    assert page.evaluate("document.querySelector('[data-video]').paused")
    assert page.evaluate("document.querySelector('[data-video]').playbackRate") == 1

    # The preview plays the edit, and Escape stops it.
    page.locator("[data-action=preview]").click()
    expect(page.locator("[data-preview-banner]")).to_contain_text("1 of 1")
    page.keyboard.press("Escape")
    expect(page.locator("[data-preview-banner]")).to_be_hidden()

    page.keyboard.press("?")
    expect(page.locator("[data-shortcuts]")).to_be_visible()
    screenshot(page, tmp_path, "editor-shortcuts")
    page.keyboard.press("Escape")
    expect(page.locator("[data-shortcuts]")).to_be_hidden()

    page.locator("[data-action=zoom-in]").click()  # down to ten seconds, the closest zoom
    expect(page.locator("[data-window-label]")).not_to_contain_text("Whole film")
    screenshot(page, tmp_path, "editor-zoomed")
    page.locator("[data-action=zoom-fit]").click()
    expect(page.locator("[data-window-label]")).to_contain_text("Whole film")

    # Clicking the strip seeks there.
    area = page.locator("[data-lane-area]")
    area.scroll_into_view_if_needed()
    box = area.bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + box["width"] * 0.5, box["y"] + 40)
    assert settled_time(page) == pytest.approx(6.0, abs=0.2)
