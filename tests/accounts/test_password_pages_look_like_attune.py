"""The password pages (change, set, forgotten, the emailed link) are Attune's own pages, in
Attune's words: a card with one form, the project's fields, and no framework wording."""

from __future__ import annotations

import pytest

from attune.accounts.models import User
from tests.conftest import ClientFor

FRAMEWORK = ("This field is required.", "Reset My Password", "Password Reset", "Set Password")


def test_the_forgotten_password_page(client_for: ClientFor) -> None:
    client = client_for(None)
    page = client.get("/accounts/password/reset/").content.decode()
    assert 'data-attune-page="password-reset"' in page
    assert '<div class="field' in page and "Send the link" in page

    refused = client.post("/accounts/password/reset/", {"email": ""}).content.decode()
    assert "Enter email" in refused
    assert not [words for words in FRAMEWORK if words in refused]


def test_setting_a_password(owner: User, client_for: ClientFor) -> None:
    page = client_for(owner).get("/accounts/password/set/").content.decode()

    assert 'data-attune-page="password-set"' in page
    assert not [words for words in FRAMEWORK if words in page]


@pytest.mark.usefixtures("fast_passwords")
def test_changing_a_password(owner: User, client_for: ClientFor) -> None:
    owner.set_password("a long enough old password")
    owner.save()
    client = client_for(owner)

    page = client.get("/accounts/password/change/").content.decode()
    assert 'data-attune-page="password-change"' in page
    refused = client.post("/accounts/password/change/", {}).content.decode()
    assert "has-error" in refused
    assert not [words for words in FRAMEWORK if words in refused]


def test_an_old_reset_link_says_so(client_for: ClientFor) -> None:
    response = client_for(None).get("/accounts/password/reset/key/1-bad-token/", follow=True)

    assert "This link no longer works" in response.content.decode()
