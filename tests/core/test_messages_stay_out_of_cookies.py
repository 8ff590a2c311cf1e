"""Messages that name people ("Token “Sam's export” revoked") are kept in the server-side
session: no message text ever reaches a cookie."""

from __future__ import annotations

from django.test import Client

from attune.accounts.models import User
from attune.accounts.services import api_token_create
from tests.conftest import ClientFor


def cookie_text(client: Client) -> str:
    return " ".join(f"{name}={morsel.value}" for name, morsel in client.cookies.items())


def test_a_message_naming_a_child_is_shown_but_never_stored_in_a_cookie(
    owner: User, client_for: ClientFor
) -> None:
    client = client_for(owner)
    token, _secret = api_token_create(actor=owner, user=owner, name="Sam Carter export")

    response = client.post(f"/me/tokens/{token.pk}/revoke/")

    assert "messages" not in response.cookies
    assert "Sam" not in cookie_text(client)
    shown = client.get("/me/tokens/").content.decode()
    assert "Token “Sam Carter export” revoked." in shown
    assert "Sam" not in cookie_text(client)
    assert "messages" not in client.cookies
