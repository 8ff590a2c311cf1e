"""/api/docs renders with nothing but Attune's own server: Swagger UI's scripts and styles are
served from Attune's static files (they ship inside django-ninja), never from a CDN."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, Route, expect
from pytest_django.live_server_helper import LiveServer

pytestmark = pytest.mark.e2e


def test_the_api_docs_render_with_every_request_off_the_server_blocked(
    page: Page, live_server: LiveServer
) -> None:
    ours = urlsplit(live_server.url).netloc
    blocked: list[str] = []

    def only_ours(route: Route) -> None:
        if urlsplit(route.request.url).netloc == ours:
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    page.route("**/*", only_ours)
    page.goto(f"{live_server.url}/api/docs")

    expect(page.get_by_role("heading", name="Attune API")).to_be_visible()
    expect(page.locator(".opblock").first).to_be_visible()
    expect(page.locator(".opblock-summary-path", has_text="/api/cases").first).to_be_visible()
    assert blocked == []
