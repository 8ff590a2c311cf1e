"""A guider signs in, opens a case, adds an adult and a helping question, and finds the case."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from attune.accounts.models import User
from attune.cases.models import Case, CaseState
from tests.e2e.conftest import PASSWORD, assert_accessible_basics, screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_guider_opens_a_case_and_finds_it_on_the_caseload(
    page: Page, live_server: LiveServer, guider: User, tmp_path: Path
) -> None:
    # Sign in through the real login page (the caseload sends us there first).
    page.goto(f"{live_server.url}/cases/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    assert_accessible_basics(page)
    page.get_by_label("Email address").fill(guider.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your caseload")

    # Open a case with the child's name and age.
    page.get_by_role("link", name="Open a case").first.click()
    assert_accessible_basics(page)
    page.get_by_label("Child's name").fill("Maya Okafor")
    page.get_by_label("Child's age (years)").fill("7")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add an adult taking part")
    case = Case.objects.get(guider=guider)
    assert case.child_age_years == 7

    # Add the adult taking part.
    assert_accessible_basics(page)
    page.get_by_label("Adult's name", exact=True).fill("Grace Okafor")
    page.get_by_label("Parent or carer").check()
    page.get_by_label("Relationship to the child").fill("mother")
    page.get_by_role("button", name="Add", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(case.reference)

    # Add a helping question with its baseline.
    page.get_by_role("link", name="Add a helping question").click()
    assert_accessible_basics(page)
    page.get_by_label("Helping question").fill("How can I help Maya tell me about her day?")
    page.get_by_label("Where are you now? (0–10)").fill("3")
    page.get_by_label("Where would you like to be? (0–10)").fill("7")
    page.get_by_role("button", name="Add", exact=True).click()

    expect(page.get_by_text("How can I help Maya tell me about her day?")).to_be_visible()
    expect(page.get_by_role("img", name="Now 3 out of 10, hoping for 7")).to_be_visible()
    story = page.locator("section", has=page.get_by_role("heading", name="The story so far"))
    expect(story).to_contain_text("Helping question added")
    assert_accessible_basics(page)
    screenshot(page, tmp_path, "case")

    # The case is on the caseload, with what to do next.
    page.get_by_role("link", name="Caseload").first.click()
    row = page.get_by_role("row").filter(has_text=case.reference)
    expect(row).to_contain_text("Maya Okafor")
    expect(row).to_contain_text("Grace Okafor")
    expect(row).to_contain_text("Referred")
    expect(row).to_contain_text("Record the initial meeting")
    assert_accessible_basics(page)
    screenshot(page, tmp_path, "caseload")

    case.refresh_from_db()
    assert case.state == CaseState.REFERRED
    assert case.helping_questions.get().baseline == 3
