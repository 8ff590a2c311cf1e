"""Browser tests: headless Chromium from the system (Debian's package), driven by Playwright.

Never run `playwright install`: the browser is /usr/bin/chromium. Tests here are marked `e2e`
and use pytest-django's `live_server` (a real server thread on a transactional database).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright
from pytest_django.live_server_helper import LiveServer

from attune.accounts.models import User
from tests.factories import ServiceFactory, UserFactory

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make for
# set-up and checks are still plain synchronous calls.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SHOTS = Path("/tmp/attune-shots")  # copies of the screenshots, for people to look at

# Every form control a person can use must have an accessible name.
UNLABELLED_CONTROLS_JS = """
() => Array.from(document.querySelectorAll('input, select, textarea'))
  .filter(el => !['hidden', 'submit', 'button', 'reset', 'image'].includes(el.type))
  .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label')
                && !el.getAttribute('aria-labelledby'))
  .map(el => el.name || el.id || el.outerHTML.slice(0, 80))
"""


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.skip(f"Chromium is not installed at {CHROMIUM}")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser, live_server: LiveServer, transactional_db: None) -> Iterator[Page]:
    """A fresh browser context per test. It asks for the live server and the database so that
    it is closed first: a page still polling the server while the database is flushed between
    tests leaves SQLite's shared in-memory tables locked."""
    context = browser.new_context(
        locale="en-GB", timezone_id="Europe/London", viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def assert_accessible_basics(page: Page) -> None:
    """A cheap accessibility smoke check: labelled controls, one main heading, a page title."""
    unlabelled = page.evaluate(UNLABELLED_CONTROLS_JS)
    assert unlabelled == [], f"{page.url}: controls without a label: {unlabelled}"
    assert page.locator("h1").count() == 1, f"{page.url}: expected one <h1>"
    assert page.title().endswith("· Attune"), f"{page.url}: title {page.title()!r}"
    assert page.locator("html").get_attribute("lang") == "en-GB"


def screenshot(page: Page, tmp_path: Path, name: str) -> Path:
    """Save a full-page screenshot under tmp_path, and a copy in SHOTS for people to look at."""
    path = tmp_path / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    try:
        SHOTS.mkdir(exist_ok=True)
        (SHOTS / path.name).write_bytes(path.read_bytes())
    except OSError:
        pass
    return path


PASSWORD = "a-guider's-long-passphrase"


def sign_in(page: Page, live_server: LiveServer, user: User, password: str = PASSWORD) -> None:
    """Through the real login page, as a person would."""
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your caseload")


@pytest.fixture
def guider(transactional_db: None) -> User:
    """A guider who signs in through the real login page with PASSWORD."""
    service = ServiceFactory.create(name="Severn Vale EPS", slug="severn-vale")
    return UserFactory.create(
        service=service, email="amira@example.org", full_name="Amira Clarke", password=PASSWORD
    )
