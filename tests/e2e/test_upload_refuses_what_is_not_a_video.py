"""The uploader stops a file the browser already knows is not a film (a PDF), naming it, before
any of it is sent; a film is still taken."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from attune.accounts.models import User
from attune.cases import services as case_services
from attune.cases.models import Case, CaseState
from attune.films.models import Film
from tests.e2e.conftest import sign_in
from tests.factories import make_ready_case
from tests.films.conftest import consent_to_filming

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def filmable(guider: User) -> Case:
    case = make_ready_case(guider, child_name="Maya Okafor", child_age_years=7)
    case = case_services.case_transition(actor=guider, case=case, to_state=CaseState.AGREED)
    consent_to_filming(case)
    return case


def test_a_pdf_is_stopped_in_the_browser_with_its_name(
    page: Page, live_server: LiveServer, guider: User, filmable: Case, tmp_path: Path
) -> None:
    pdf = tmp_path / "Referral letter.pdf"
    pdf.write_bytes(b"%PDF-1.4\n%%EOF\n")
    sign_in(page, live_server, guider)
    page.goto(f"{live_server.url}/cases/{filmable.reference}/cycles/1/")

    page.locator("#film-file").set_input_files(str(pdf))

    error = page.locator("[data-error]")
    expect(error).to_be_visible()
    expect(error).to_contain_text("“Referral letter.pdf” is not a video")
    expect(error).to_contain_text("a PDF document")
    assert not Film.objects.filter(case=filmable).exists()
