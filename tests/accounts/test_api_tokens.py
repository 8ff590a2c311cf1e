"""API tokens: shown once, kept only as a hash, accepted as Bearer auth until revoked."""

from __future__ import annotations

import re
from io import StringIO

from django.core.management import call_command
from django.test import Client

from attune.accounts.models import ApiToken, User, hash_secret
from attune.cases.models import Case
from tests.conftest import ClientFor

TOKEN = re.compile(r"att_[A-Za-z0-9_-]{40,}")


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def create_token_on_the_page(client: Client, name: str = "My script") -> str:
    response = client.post("/me/tokens/", {"name": name, "scope": "read", "days": "90"})
    assert response.status_code == 200
    found = TOKEN.findall(response.content.decode())
    assert len(found) == 1, "the new token is shown once, in full"
    return found[0]


def test_a_token_is_shown_once_and_stored_only_as_a_hash(
    owner: User, client_for: ClientFor
) -> None:
    client = client_for(owner)
    secret = create_token_on_the_page(client)

    token = ApiToken.objects.get(user=owner)
    assert token.name == "My script"
    assert token.token_hash == hash_secret(secret)
    stored = " ".join(
        str(value) for value in ApiToken.objects.filter(pk=token.pk).values()[0].values()
    )
    assert secret not in stored
    assert secret.startswith(token.prefix)

    later = client.get("/me/tokens/").content.decode()
    assert secret not in later
    assert token.prefix in later


def test_a_bearer_token_reads_the_api_as_its_owner(
    case: Case, owner: User, client_for: ClientFor
) -> None:
    secret = create_token_on_the_page(client_for(owner))

    response = Client().get("/api/cases", headers=bearer(secret))

    assert response.status_code == 200
    assert [c["reference"] for c in response.json()] == [case.reference]
    assert ApiToken.objects.get(user=owner).last_used_at is not None


def test_a_revoked_token_is_refused(owner: User, client_for: ClientFor) -> None:
    client = client_for(owner)
    secret = create_token_on_the_page(client)
    token = ApiToken.objects.get(user=owner)

    revoked = client.post(f"/me/tokens/{token.pk}/revoke/")
    assert revoked.status_code == 302

    response = Client().get("/api/cases", headers=bearer(secret))
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthorised"


def test_nonsense_tokens_are_refused(db: None) -> None:
    for secret in ("att_not-a-real-token", "something-else", ""):
        assert Client().get("/api/cases", headers=bearer(secret)).status_code == 401


def test_a_token_acts_only_as_its_owner(case: Case, colleague: User, client_for: ClientFor) -> None:
    secret = create_token_on_the_page(client_for(colleague))

    assert Client().get("/api/cases", headers=bearer(secret)).json() == []
    assert Client().get(f"/api/cases/{case.reference}", headers=bearer(secret)).status_code == 404


def test_nobody_else_can_revoke_a_token(
    owner: User, colleague: User, client_for: ClientFor
) -> None:
    secret = create_token_on_the_page(client_for(owner))
    token = ApiToken.objects.get(user=owner)

    assert client_for(colleague).post(f"/me/tokens/{token.pk}/revoke/").status_code == 404
    assert Client().get("/api/cases", headers=bearer(secret)).status_code == 200


def test_attune_token_create_prints_a_working_token(case: Case, owner: User) -> None:
    out = StringIO()
    call_command("token", "create", owner.email.upper(), "--name", "Nightly export", stdout=out)

    secret = out.getvalue().strip()
    assert TOKEN.fullmatch(secret)
    assert ApiToken.objects.get(user=owner).name == "Nightly export"
    response = Client().get(f"/api/cases/{case.reference}", headers=bearer(secret))
    assert response.status_code == 200
    assert response.json()["reference"] == case.reference

    call_command("token", "revoke", owner.email, secret[:10], stdout=StringIO())
    assert Client().get("/api/cases", headers=bearer(secret)).status_code == 401
