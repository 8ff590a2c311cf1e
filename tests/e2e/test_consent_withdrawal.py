"""A guider records consent with a signature drawn on screen, uploads a film, then records the
family's withdrawal: the film is gone and the deletion receipt is on the case page."""

from __future__ import annotations

import re
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect
from pytest_django.fixtures import Settings as SettingsWrapper
from pytest_django.live_server_helper import LiveServer

from attune.accounts.models import User
from attune.cases import services as case_services
from attune.cases.models import Case, CaseState
from attune.consent.models import ConsentRecord
from attune.films.models import Film, FilmStatus
from attune.samples.films import make_film
from attune.vault.models import VaultObject
from tests.e2e.conftest import assert_accessible_basics, screenshot, sign_in
from tests.factories import make_ready_case

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def agreed_case(guider: User) -> Case:
    case = make_ready_case(guider, child_name="Maya Okafor", child_age_years=7)
    case_services.case_transition(actor=guider, case=case, to_state=CaseState.AGREED)
    case_services.cycle_update(
        actor=guider,
        case=case,
        cycle=case.cycles.get(number=1),
        planned_film_date=timezone.localdate() + timedelta(days=2),
        planned_review_date=None,
    )
    return case


@pytest.fixture
def immediate_tasks(settings: SettingsWrapper) -> None:
    """Film processing and the deletion run inside the request that queues them."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def draw_signature(page: Page) -> None:
    """A signature, drawn with the mouse in three strokes."""
    pad = page.locator("canvas[data-signature-pad]")
    pad.scroll_into_view_if_needed()  # the mouse works in viewport coordinates
    box = pad.bounding_box()
    assert box is not None and box["width"] > 200
    strokes = [
        [(0.08, 0.70), (0.15, 0.30), (0.22, 0.72), (0.30, 0.35)],
        [(0.35, 0.60), (0.45, 0.40), (0.55, 0.65), (0.65, 0.30)],
        [(0.70, 0.55), (0.92, 0.50)],
    ]
    for stroke in strokes:
        x, y = stroke[0]
        page.mouse.move(box["x"] + x * box["width"], box["y"] + y * box["height"])
        page.mouse.down()
        for x, y in stroke[1:]:
            page.mouse.move(box["x"] + x * box["width"], box["y"] + y * box["height"], steps=6)
        page.mouse.up()


def wait_for(condition: object, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return
        time.sleep(0.25)
    raise AssertionError("timed out")


def test_drawn_consent_then_withdrawal_deletes_the_film(
    page: Page,
    live_server: LiveServer,
    guider: User,
    agreed_case: Case,
    immediate_tasks: None,
    tmp_path: Path,
) -> None:
    case = agreed_case
    sign_in(page, live_server, guider)

    # No consent yet: the cycle page has no uploader and says why.
    page.goto(f"{live_server.url}/cases/{case.reference}/cycles/1/")
    expect(page.locator("[data-film-blockers]")).to_contain_text("consent to filming")
    expect(page.locator("[data-uploader]")).to_have_count(0)

    # Record consent with a signature drawn on the canvas.
    page.goto(f"{live_server.url}/cases/{case.reference}/")
    consent = page.locator("section#consent")
    consent.get_by_role("link", name="Record consent").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Consent: Jo Carter")
    assert_accessible_basics(page)
    page.get_by_role("checkbox", name=re.compile(r"^Filming")).check()
    page.get_by_role("checkbox", name=re.compile(r"^Use in supervision")).check()
    expect(page.get_by_label("Signed on screen")).to_be_checked()
    expect(page.get_by_label("Full name, typed")).to_be_hidden()  # only the chosen way shows
    draw_signature(page)
    expect(page.locator("[data-signature-state]")).to_have_text("Signature captured.")
    page.get_by_label("The child's own view").fill("Maya said she likes being filmed playing.")
    screenshot(page, tmp_path, "consent-capture")
    page.get_by_role("button", name="Record consent").click()

    expect(page.get_by_text("Jo Carter's consent is recorded.")).to_be_visible()
    row = page.locator("section#consent tbody tr").first
    expect(row.locator('[data-scope="filming"]')).to_have_text(re.compile("Agreed"))
    expect(row.locator('[data-scope="training"]')).to_have_text("Not agreed")
    record = ConsentRecord.objects.get(case=case)
    assert record.method == "drawn" and record.scopes == ["filming", "supervision"]
    screenshot(page, tmp_path, "consent-case-panel")

    # The signature is kept, and shows on the printable record.
    row.get_by_role("link", name=re.compile(r"\d{1,2} \w{3} \d{4}")).click()
    signature = page.get_by_role("img", name="Signature of Jo Carter")
    expect(signature).to_be_visible()
    assert page.evaluate("(img) => img.naturalWidth", signature.element_handle()) > 100
    screenshot(page, tmp_path, "consent-record")

    # Upload now possible: send a small film through the page's own uploader.
    page.goto(f"{live_server.url}/cases/{case.reference}/cycles/1/")
    expect(page.locator("[data-uploader]")).to_have_count(1)
    film_path = make_film(tmp_path / "tea-time.mp4", seconds=1, width=160, height=120)
    page.locator("#film-file").set_input_files(str(film_path))
    wait_for(lambda: Film.objects.filter(case=case, status=FilmStatus.READY).exists())
    # The uploader takes the guider to the film page once the last chunk is in.
    page.wait_for_url(re.compile(r"/films/[0-9a-f-]+/$"))
    film = Film.objects.get(case=case)
    poster_url = f"{live_server.url}/films/{film.pk}/media/poster"
    assert page.request.get(poster_url).status == 200
    assert VaultObject.objects.filter(case=case).count() >= 6  # film outputs + the signature

    # The family asks to withdraw: the guider records it.
    page.goto(f"{live_server.url}/cases/{case.reference}/")
    page.locator("section#consent").get_by_role("link", name="Withdraw").click()
    assert_accessible_basics(page)
    expect(page.get_by_label("Filming")).not_to_be_checked()
    page.get_by_label("Filming").check()
    page.get_by_label("By phone").check()
    screenshot(page, tmp_path, "consent-withdraw")
    page.get_by_role("button", name="Record the withdrawal").click()

    # Nothing is deleted before the guider has seen what goes and confirmed it.
    expect(page.locator("[data-destroys]")).to_contain_text("This deletes 1 film")
    assert VaultObject.objects.filter(case=case).exists()
    page.get_by_role("button", name=re.compile("^Withdraw and delete")).click()

    # The film is gone and the receipt is shown.
    expect(page.get_by_text("Filming consent is withdrawn.")).to_be_visible()
    receipt = page.get_by_role("group", name="Deletion receipt")
    expect(receipt).to_contain_text("Filming consent withdrawn: Jo Carter asked by phone")
    expect(receipt).to_contain_text("encryption key was destroyed")
    expect(page.locator("section#consent")).to_contain_text("films and pictures have been deleted")
    row = page.locator("section#consent tbody tr").first
    expect(row.locator('[data-scope="filming"]')).to_have_text("Withdrawn")
    screenshot(page, tmp_path, "consent-receipt")
    assert page.request.get(poster_url).status == 404
    assert not VaultObject.objects.filter(case=case).exists()

    page.goto(f"{live_server.url}/cases/{case.reference}/cycles/1/")
    expect(page.locator("#film-h").locator("..")).to_contain_text("films have been deleted")
    expect(page.locator("img.film-thumb")).to_have_count(0)
    expect(page.locator("[data-uploader]")).to_have_count(0)
