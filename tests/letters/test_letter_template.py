"""The service admin edits the letter template in Attune; new drafts use it."""

from __future__ import annotations

import pytest

from attune.accounts.models import User
from attune.cases.models import Case
from attune.letters import services
from tests.conftest import ClientFor
from tests.reviews.helpers import start_cycles

pytestmark = pytest.mark.django_db


def test_the_admin_template_is_used_for_new_drafts(
    case: Case, client_for: ClientFor, service_admin: User
) -> None:
    client = client_for(service_admin)
    assert client.get("/service/letter-template/").status_code == 200
    body = "Dear {adults},\n\n## What you asked\n{helping_questions}\n\nFrom {guider}"
    assert client.post("/service/letter-template/", {"body": body}).status_code == 302
    case = start_cycles(case)
    letter = services.letter_draft(actor=case.guider, case=case)
    assert letter.current is not None
    assert letter.current.text.startswith("Dear Jo Carter,\n\n## What you asked\n• “How can I")


def test_an_unknown_placeholder_is_refused(client_for: ClientFor, service_admin: User) -> None:
    response = client_for(service_admin).post("/service/letter-template/", {"body": "Hi {nmae}"})
    assert response.status_code == 200
    assert "Attune does not know {nmae}" in response.content.decode()


def test_only_service_admins_edit_the_template(
    client_for: ClientFor, owner: User, other_admin: User, outsider: User
) -> None:
    assert client_for(owner).post("/service/letter-template/", {"body": "x"}).status_code == 403
    assert client_for(outsider).get("/service/letter-template/").status_code == 403
    # another service's admin edits only their own service's template
    assert client_for(other_admin).get("/service/letter-template/").status_code == 200
