"""A newly invited guider, with two-factor sign-in required, sets it up in Chromium and reaches
the caseload: the invitation, the set-up page, a code from the shown key, the recovery codes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from pytest_django.fixtures import Settings as SettingsWrapper
from pytest_django.live_server_helper import LiveServer

from attune.accounts.services import invitation_create
from tests.accounts.totp import totp_code
from tests.e2e.conftest import assert_accessible_basics, screenshot
from tests.factories import ServiceFactory, UserFactory

pytestmark = pytest.mark.e2e

NEW_PASSWORD = "a-long-and-unusual-passphrase"


def test_an_invited_guider_sets_up_two_factor_sign_in_and_reaches_the_caseload(
    page: Page, live_server: LiveServer, settings: SettingsWrapper, tmp_path: Path
) -> None:
    settings.ATTUNE_REQUIRE_MFA = True
    service = ServiceFactory.create(name="Severn Vale EPS", slug="severn-vale")
    admin = UserFactory.create(service=service, is_guider=False, is_service_admin=True)
    _invitation, link = invitation_create(
        actor=admin,
        email="nadia@example.org",
        full_name="Nadia Newcomer",
        is_guider=True,
        base_url=live_server.url,
    )

    page.goto(link)
    page.get_by_label("Choose a password").fill(NEW_PASSWORD)
    page.get_by_label("Type it again").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Create my account").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Set up two-factor sign-in")
    expect(page).to_have_url(re.compile(r"/accounts/2fa/totp/activate/"))
    assert_accessible_basics(page)
    screenshot(page, tmp_path, "two-factor-setup")
    secret = page.locator("#totp-secret").inner_text().strip()
    assert re.fullmatch(r"[A-Z2-7]{16,}", secret), secret
    page.get_by_label("Six-digit code from the app").fill(totp_code(secret))
    page.get_by_role("button", name="Turn on two-factor sign-in").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Recovery codes")
    expect(page.locator("#recovery-codes li")).to_have_count(10)
    assert_accessible_basics(page)
    page.get_by_role("link", name=re.compile("go to my caseload")).click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Your caseload")
