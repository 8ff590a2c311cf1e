"""Supervision in a real browser: a supervisor comments on a moment at a time point; the trainee
sees the notification, opens the editor at that time and replies; the trainee logs a session,
the supervisor confirms it and the hours bar moves."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import Page, expect
from pytest_django.fixtures import Settings as SettingsWrapper
from pytest_django.live_server_helper import LiveServer

from attune.accounts.models import SupervisionLink, User
from attune.cases import services as case_services
from attune.cases.models import CaseState
from attune.moments.models import Moment, MomentKind
from attune.supervision.models import Comment
from tests.e2e.conftest import assert_accessible_basics, screenshot
from tests.factories import ServiceFactory, UserFactory, consent_to_everything, make_ready_case
from tests.moments.conftest import ready_film_for
from tests.moments.counter_film import make_counter_film

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def fewer_session_writes(settings: SettingsWrapper) -> None:
    settings.SESSION_SAVE_EVERY_REQUEST = False


def sign_in_as(page: Page, live_server: LiveServer, user: User) -> None:
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.clear_cookies()
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}]
    )


def test_comment_notification_reply_and_confirmed_hours(
    page: Page, live_server: LiveServer, tmp_path: Path
) -> None:
    service = ServiceFactory.create(name="Severn Vale EPS", slug="severn-vale")
    trainee = UserFactory.create(
        service=service, email="tom@example.org", full_name="Tom Hughes", is_trainee=True
    )
    supervisor = UserFactory.create(
        service=service, email="ruth@example.org", full_name="Ruth Evans", is_supervisor=True
    )
    SupervisionLink.objects.create(service=service, supervisor=supervisor, supervisee=trainee)
    case = make_ready_case(trainee, child_name="Maya Okafor", child_age_years=7)
    case_services.case_transition(actor=trainee, case=case, to_state=CaseState.AGREED)
    consent_to_everything(case)
    source = make_counter_film(tmp_path / "counter.mp4", frames=100, fps=25, keyint=25)
    film = ready_film_for(case, source)
    Moment.objects.create(
        film=film, kind=MomentKind.CLIP, start_frame=25, end_frame=75, created_by=trainee
    )

    # The supervisor opens the film at 2 s (a ?t= link) and comments there.
    sign_in_as(page, live_server, supervisor)
    page.goto(f"{live_server.url}/moments/films/{film.pk}/?t=2")
    expect(page.locator("[data-editor]")).to_have_attribute("data-ready", "true")
    page.wait_for_function("() => Math.abs(document.querySelector('video').currentTime - 2) < 0.1")
    page.get_by_label("Comment at").fill("What do you notice about Maya's face here?")
    page.get_by_role("button", name="Comment at this time").click()
    expect(page.locator("[data-comment-marker]")).to_have_count(1)
    comment = Comment.objects.get()
    assert abs(comment.at_seconds - 2) < 0.1
    # The marker sits over the comment's time on the overview (the whole film).
    marker = page.locator("[data-comment-marker]").bounding_box()
    overview = page.locator("[data-overview]").bounding_box()
    assert marker is not None and overview is not None
    where = overview["x"] + overview["width"] * comment.at_seconds / (film.duration or 1)
    assert abs(marker["x"] + marker["width"] / 2 - where) < 4

    # The trainee sees the count in the header, opens the notification: the editor at 2 s.
    sign_in_as(page, live_server, trainee)
    page.goto(f"{live_server.url}/")
    expect(page.locator("[data-unread]")).to_have_text("1")
    page.locator("[data-notifications]").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Notifications")
    assert_accessible_basics(page)
    page.get_by_role("link", name="Ruth Evans commented at 0:02").click()
    expect(page.locator("[data-editor]")).to_have_attribute("data-ready", "true")
    page.wait_for_function("() => Math.abs(document.querySelector('video').currentTime - 2) < 0.1")
    thread = page.locator(f'[data-thread="{comment.pk}"]')
    expect(thread).to_contain_text("What do you notice about Maya's face here?")
    thread.get_by_label("Reply").fill("She looks up at me as I wait.")
    thread.get_by_role("button", name="Reply").click()
    expect(thread).to_contain_text("You: She looks up at me as I wait.")
    assert Comment.objects.filter(thread=comment).count() == 1
    screenshot(page, tmp_path, "supervision-editor-thread")

    # The trainee logs a 90-minute session; it waits for the supervisor.
    page.goto(f"{live_server.url}/supervision/trainees/{trainee.pk}/")
    page.get_by_label("Length (minutes)").fill("90")
    page.get_by_role("button", name="Log the session").click()
    expect(page.get_by_text("it counts once your supervisor confirms it")).to_be_visible()
    expect(page.locator('[data-bar="hours"]').first).to_have_text("0 of 7 hours")

    # The supervisor confirms it on their Supervisees page; the hours bar moves.
    sign_in_as(page, live_server, supervisor)
    page.goto(f"{live_server.url}/supervision/")
    expect(page.get_by_role("heading", name="Supervisees")).to_be_visible()
    assert_accessible_basics(page)
    expect(page.locator('[data-bar="hours"]').first).to_have_text("0 of 7 hours")
    page.get_by_role("link", name="Tom Hughes").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Supervision with Tom Hughes")
    assert_accessible_basics(page)
    page.get_by_role("button", name="Confirm").click()
    expect(page.locator('[data-bar="hours"]').first).to_have_text("1.5 of 7 hours")
    expect(page.locator("progress").nth(2)).to_have_attribute("value", "1.5")
    screenshot(page, tmp_path, "supervision-trainee")
