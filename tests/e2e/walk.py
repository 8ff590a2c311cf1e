"""The walk over every page of the demo (attune.demo.pages), shared by the accessibility test and
the screenshot script: seed the demo, sign each role in once, open each page at each width.

axe-core (tests/e2e/vendor/axe.min.js, MPL-2.0, from the axe-core npm package) is injected into
every page before the page's own scripts, as an init script, so the pages' Content Security
Policy stays as it is served."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import groupby
from pathlib import Path
from typing import Any

from django.conf import settings
from django.test import Client
from playwright.sync_api import Browser, Page

from attune.accounts.models import User
from attune.demo.pages import ROLE_EMAILS, DemoPage, demo_pages

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
WIDTHS = (1366, 375)
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

RUN_AXE_JS = """
async (tags) => {
  const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    targets: v.nodes.slice(0, 4).map(n => n.target.join(' ')),
    summary: v.nodes[0].failureSummary,
  }));
}
"""


def seed_walk_demo() -> None:
    """The demo as `attune demo` makes it, with short generated films processed at once (the
    demo's own films wait for the worker)."""
    from attune.cases.models import Case, CaseState
    from attune.demo.seed import DEMO_SERVICE_SLUG, seed_demo
    from attune.demo.supervision import seed_supervision_film
    from attune.films import processing
    from attune.films.models import Film, FilmStatus
    from attune.films.services import film_import
    from attune.samples.films import make_film

    seed_demo()
    seed_supervision_film()
    case = Case.objects.get(
        service__slug=DEMO_SERVICE_SLUG, child_name="Oliver Price", state=CaseState.IN_CYCLES
    )
    if not case.films.exists():
        with tempfile.TemporaryDirectory() as tmp:
            path = make_film(
                Path(tmp) / "library.mp4", seconds=8, width=640, height=360, speech_like_audio=True
            )
            film_import(actor=case.guider, case=case, cycle=case.cycles.get(number=1), path=path)
    for film in Film.objects.exclude(status=FilmStatus.READY):
        processing.film_process(str(film.pk))


def session_cookie(user: User, url: str) -> dict[str, str]:
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    value = client.cookies[settings.SESSION_COOKIE_NAME].value
    return {"name": settings.SESSION_COOKIE_NAME, "value": value, "url": url}


@dataclass(frozen=True)
class Visit:
    page: DemoPage
    width: int
    tab: Page


def walk(browser: Browser, base_url: str, pages: list[DemoPage] | None = None) -> Iterator[Visit]:
    """Open every page of the table at every width: one browser context per role and width,
    signed in once. Yields with the page loaded."""
    pages = demo_pages() if pages is None else pages
    only = [word for word in os.environ.get("ATTUNE_WALK_ONLY", "").split(",") if word]
    if only:  # walk some pages only, e.g. ATTUNE_WALK_ONLY=editor,admin while fixing them
        pages = [p for p in pages if any(word in p.slug for word in only)]
    axe = AXE.read_text()
    for role, rows in groupby(sorted(pages, key=lambda p: p.role), key=lambda p: p.role):
        rows_list = list(rows)
        email = ROLE_EMAILS[role]
        cookie = None if email is None else session_cookie(User.objects.get(email=email), base_url)
        for width in WIDTHS:
            context = browser.new_context(
                locale="en-GB",
                timezone_id="Europe/London",
                viewport={"width": width, "height": 800},
            )
            context.add_init_script(script=axe)
            if cookie is not None:
                context.add_cookies([cookie])  # type: ignore[list-item]
            tab = context.new_page()
            tab.set_default_timeout(15_000)
            try:
                for row in rows_list:
                    tab.goto(base_url + row.path, wait_until="load")
                    if row.ready:
                        tab.locator(row.ready).first.wait_for()
                    yield Visit(row, width, tab)
            finally:
                context.close()


def axe_violations(tab: Page) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = tab.evaluate(RUN_AXE_JS, WCAG_22_AA)
    return result


# The page's width, and the elements that stick out past the screen while their parent does not
# (the ones to fix), skipping what sits inside a box that scrolls or clips.
WIDTH_JS = """
() => {
  const vw = document.documentElement.clientWidth;
  const sticksOut = (el) => el.getBoundingClientRect().right > vw + 1;
  const clipped = (el) => {
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      if (getComputedStyle(p).overflowX !== 'visible') return true;
    }
    return false;
  };
  const name = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
    + Array.from(el.classList).map(c => '.' + c).join('');
  const culprits = Array.from(document.body.querySelectorAll('*'))
    .filter(el => sticksOut(el) && !(el.parentElement && sticksOut(el.parentElement)) && !clipped(el))
    .slice(0, 4)
    .map(el => `${name(el.parentElement)} > ${name(el)} to ${Math.round(el.getBoundingClientRect().right)} px`);
  return [document.documentElement.scrollWidth, culprits];
}
"""


def page_width(tab: Page) -> tuple[int, list[str]]:
    width, culprits = tab.evaluate(WIDTH_JS)
    return int(width), list(culprits)
