"""NUL and the bidirectional controls (right-to-left override and kin) never reach the database,
whichever way a name or note comes in: a page's form says so, the API and the services have them
stripped at the one shared place (a pre-save cleaner on every Attune model)."""

from __future__ import annotations

from django.test import Client

from attune.accounts.models import User
from attune.accounts.services import api_token_create
from attune.audit.services import audit_verify
from attune.cases.models import Case
from attune.cases.services import case_update
from attune.core.text import clean_text
from tests.conftest import ClientFor

RLO = "\u202e"
CONTROLS = ["\x00", RLO, "\u202d", "\u2066", "\u2069", "\u200f", "\u061c", "\x1b"]


def test_the_cleaner_removes_every_control_and_keeps_real_text() -> None:
    text = "Sam" + "".join(CONTROLS) + " O'Neil – café, ساره\tline\nnext"

    assert clean_text(text) == "Sam O'Neil – café, ساره\tline\nnext"


def test_a_page_refuses_nul_with_a_clear_error(owner: User, client_for: ClientFor) -> None:
    response = client_for(owner).post(
        "/cases/new/", {"child_name": "Sam\x00", "setting": "home", "child_age_years": "4"}
    )

    assert response.status_code == 200
    assert "Null characters are not allowed." in response.content.decode()
    assert not Case.objects.exists()


def test_a_page_strips_a_right_to_left_override(owner: User, client_for: ClientFor) -> None:
    response = client_for(owner).post(
        "/cases/new/",
        {"child_name": f"Sam{RLO}4pm.exe", "setting": "home", "child_age_years": "4"},
    )

    assert response.status_code == 302
    assert Case.objects.get().child_name == "Sam4pm.exe"


def test_the_api_strips_nul_and_bidi_controls_from_names(owner: User) -> None:
    _token, secret = api_token_create(actor=owner, user=owner, name="x", scope="write")
    body = {
        "child_name": f"S\x00am{RLO}",
        "child_age_years": 4,
        "referral_reason": "Tea\u2066time\u2069",
        "adults": [{"name": f"Jo{RLO} Carter", "kind": "parent_carer", "relationship": "Mum\x00"}],
    }

    response = Client(headers={"Authorization": f"Bearer {secret}"}).post(
        "/api/cases", body, content_type="application/json"
    )

    assert response.status_code == 201, response.content
    case = Case.objects.get()
    assert (case.child_name, case.referral_reason) == ("Sam", "Teatime")
    adult = case.adults.get()
    assert (adult.name, adult.relationship) == ("Jo Carter", "Mum")


def test_a_service_call_is_cleaned_too_and_the_audit_chain_still_verifies(
    case: Case, owner: User
) -> None:
    case_update(actor=owner, case=case, child_school=f"Oak{RLO} Primary")

    case.refresh_from_db()
    assert case.child_school == "Oak Primary"
    assert audit_verify()[1] == []
