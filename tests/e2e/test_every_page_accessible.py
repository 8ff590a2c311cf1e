"""Every page of every role, at a desktop width and a phone's, passes axe-core's WCAG 2.2 AA rules
and is no wider than the screen. The pages are the demo's (attune.demo.pages), one table shared
with `make screenshots`."""

from __future__ import annotations

import os

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from playwright.sync_api import Browser, Page
from pytest_django.fixtures import Settings as SettingsWrapper
from pytest_django.live_server_helper import LiveServer

from attune.accounts.services import invitation_create
from tests.e2e.conftest import PASSWORD
from tests.e2e.walk import AXE, WIDTHS, axe_violations, page_width, seed_walk_demo, walk
from tests.factories import ServiceFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_every_page_of_every_role_passes_wcag_22_aa_and_fits_a_phone(
    browser: Browser, live_server: LiveServer, settings: SettingsWrapper
) -> None:
    settings.SESSION_SAVE_EVERY_REQUEST = False
    seed_walk_demo()
    problems: list[str] = []
    visited = 0
    for visit in walk(browser, live_server.url):
        visited += 1
        where = f"{visit.page.slug} ({visit.page.path}) at {visit.width} px"
        if (
            visit.tab.url.rstrip("/").endswith("/accounts/login")
            and visit.page.role != "signed out"
        ):
            problems.append(f"{where}: was sent to sign in")
        for v in axe_violations(visit.tab):
            problems.append(
                f"{where}: {v['id']} ({v['impact']}) {v['help']}: {v['targets']}; {v['summary']}"
            )
        width, culprits = page_width(visit.tab)
        if width > visit.width:
            problems.append(f"{where}: the page is {width} px wide: {culprits}")
    assert visited > 100 or os.environ.get("ATTUNE_WALK_ONLY")
    assert problems == [], "\n".join(problems)


def test_the_sign_in_steps_pass_wcag_22_aa_and_fit_a_phone(
    browser: Browser, live_server: LiveServer, settings: SettingsWrapper
) -> None:
    """The pages reached only part-way through signing in: an invitation, the second factor, and
    a page that is not there."""
    settings.SESSION_SAVE_EVERY_REQUEST = False
    service = ServiceFactory.create(name="Severn Vale EPS", slug="severn-vale")
    admin = UserFactory.create(service=service, is_guider=False, is_service_admin=True)
    _invitation, link = invitation_create(
        actor=admin,
        email="nadia@example.org",
        full_name="Nadia Newcomer",
        is_guider=True,
        base_url=live_server.url,
    )
    guider = UserFactory.create(service=service, email="amira@example.org", password=PASSWORD)
    TOTP.activate(guider, "JBSWY3DPEHPK3PXPJBSWY3DP")
    problems: list[str] = []

    def check(tab: Page, step: str, width: int) -> None:
        for v in axe_violations(tab):
            problems.append(f"{step} at {width} px: {v['id']} {v['help']}: {v['targets']}")
        page_px, culprits = page_width(tab)
        if page_px > width:
            problems.append(f"{step} at {width} px: {page_px} px wide: {culprits}")

    for width in WIDTHS:
        context = browser.new_context(locale="en-GB", viewport={"width": width, "height": 800})
        context.add_init_script(script=AXE.read_text())
        tab = context.new_page()
        tab.goto(link)
        check(tab, "invitation", width)
        tab.goto(f"{live_server.url}/accounts/login/?next=/cases/")
        tab.get_by_label("Email address").fill(guider.email)
        tab.get_by_label("Password").fill(PASSWORD)
        tab.get_by_role("button", name="Sign in").click()
        tab.wait_for_url("**/accounts/2fa/authenticate/**")
        check(tab, "second factor", width)
        tab.goto(f"{live_server.url}/no-such-page/")
        check(tab, "not found", width)
        context.close()
    assert problems == [], "\n".join(problems)
