"""The editor and the review presentation work by keyboard alone, and what a sighted person sees
change (play state, speed, the moment chosen) is said in a live region for a screen reader."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from pytest_django.fixtures import Settings as SettingsWrapper
from pytest_django.live_server_helper import LiveServer

from attune.accounts.models import User
from attune.cases.models import Cycle
from attune.films.models import Film
from tests.e2e.test_editor import film, open_editor, press_and_wait, sign_in
from tests.e2e.test_shared_review import cycle

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
__all__ = ["cycle", "film"]  # fixtures, shared with the tests they come from


@pytest.fixture(autouse=True)
def fewer_session_writes(settings: SettingsWrapper) -> None:
    settings.SESSION_SAVE_EVERY_REQUEST = False


def test_the_editor_by_keyboard_says_play_state_speed_and_the_chosen_moment(
    page: Page, live_server: LiveServer, guider: User, film: Film
) -> None:
    sign_in(page, live_server, guider)
    open_editor(page, live_server, film)
    spoken = page.locator("[data-announce]")
    expect(spoken).to_have_attribute("aria-live", "polite")

    page.keyboard.press("Space")
    expect(spoken).to_have_text("Playing")
    page.keyboard.press("Space")
    expect(spoken).to_have_text(re.compile(r"^Paused at \d\d:\d\d:\d\d:\d\d$"))

    # The speed: a native select (the browser makes it keyboard-operable), said when it changes.
    page.locator("[data-speed]").select_option("0.5")
    expect(spoken).to_have_text("Speed 0.5×")
    page.locator("[data-clock]").click()  # back to the editor's shortcuts

    # Mark a clip, tag it: the list and the edit name it by its principle, not a timecode only.
    page.keyboard.press("i")
    page.keyboard.press("Shift+ArrowRight")
    page.keyboard.press("o")
    press_and_wait(page, "c", "POST", f"/api/films/{film.pk}/moments")
    expect(spoken).to_have_text(re.compile(r"^Selected Clip at "))
    press_and_wait(page, "3", "PATCH", "/api/moments/")
    in_edit = page.get_by_role(
        "checkbox", name=re.compile(r"^In the edit: Clip: Receiving initiatives \(at ")
    )
    expect(in_edit).to_be_visible()
    expect(page.locator("[data-moment-list] .in-edit")).to_contain_text("In the edit")
    in_edit.focus()
    with page.expect_response(lambda r: "/edit" in r.url and r.request.method == "PUT"):
        page.keyboard.press("Space")
    item = page.locator("[data-edit-item]")
    expect(item).to_have_attribute(
        "aria-label", re.compile(r"^1 of 1: Clip: Receiving initiatives")
    )
    expect(
        page.get_by_role("button", name=re.compile(r"^Take out of the edit: Clip: Receiving"))
    ).to_be_visible()


def test_the_presentation_by_keyboard_says_play_state_speed_and_the_moment(
    page: Page, live_server: LiveServer, guider: User, cycle: Cycle
) -> None:
    sign_in(page, live_server, guider)
    page.goto(f"{live_server.url}/reviews/cycles/{cycle.pk}/present")
    present = page.locator("[data-present]")
    expect(present).to_have_attribute("data-ready", "true")
    spoken = page.locator("[data-spoken]")
    count = page.locator("[data-count]")
    expect(count).to_have_attribute("aria-live", "polite")
    expect(count).to_have_text("Clip 1 of 3")

    # Tab reaches the controls in order; Enter works each one.
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="◀ Previous")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="▶ Play")).to_be_focused()
    page.keyboard.press("Enter")
    expect(spoken).to_have_text("Playing")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="❚❚ Hold still")).to_be_focused()
    page.keyboard.press("Enter")
    expect(spoken).to_have_text("Held still")
    page.keyboard.press("Tab")
    page.keyboard.press("Space")  # a focused button answers Space itself, once
    expect(spoken).to_have_text("Loop on")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="0.5×")).to_be_focused()
    page.keyboard.press("Enter")
    expect(spoken).to_have_text("Speed 0.5×")
    expect(page.get_by_role("button", name="0.5×")).to_have_attribute("aria-pressed", "true")

    page.keyboard.press("ArrowRight")
    expect(count).to_have_text("Clip 2 of 3")
    expect(present).to_have_attribute("data-current", "2")
