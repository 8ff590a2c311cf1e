"""Every page of every role, at a desktop width and a phone's, passes axe-core's WCAG 2.2 AA rules
and is no wider than the screen. The pages are the demo's (attune.demo.pages), one table shared
with `make screenshots`."""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import Browser
from pytest_django.fixtures import Settings as SettingsWrapper
from pytest_django.live_server_helper import LiveServer

from tests.e2e.walk import axe_violations, page_width, seed_walk_demo, walk

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
