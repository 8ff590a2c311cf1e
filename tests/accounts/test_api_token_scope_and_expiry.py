"""API tokens are read-only or read-write and expire (90 days unless chosen), as their maker
chose; the tokens page lists scope, expiry and last use; an expired or revoked token gets 401 and
a read-only one 403 on writes. Where two-factor sign-in is required, only someone who has set it
up can make a token."""

from __future__ import annotations

import re
from datetime import timedelta

import time_machine
from allauth.mfa.models import Authenticator
from django.test import Client
from django.utils import timezone

from attune.accounts.models import ApiToken, Service, TokenScope, User
from attune.accounts.services import api_token_create
from attune.audit.actions import AuditAction
from attune.audit.models import AuditEvent
from attune.cases.models import Case
from tests.conftest import ClientFor

TOKEN = re.compile(r"att_[A-Za-z0-9_-]{40,}")


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def add_question(case: Case, secret: str) -> int:
    response = Client(enforce_csrf_checks=True).post(
        f"/api/cases/{case.reference}/helping-questions",
        {"adult_id": case.adults.get().pk, "text": "How can we enjoy tea time?", "baseline": 2},
        content_type="application/json",
        headers=bearer(secret),
    )
    return response.status_code


def test_the_page_makes_a_token_with_the_chosen_scope_and_expiry(
    owner: User, client_for: ClientFor
) -> None:
    client = client_for(owner)
    page = client.get("/me/tokens/").content.decode()
    [chosen] = [tag for tag in re.findall(r"<input[^>]*>", page) if " checked" in tag]
    assert 'value="read"' in chosen  # read-only unless the maker asks for more

    response = client.post("/me/tokens/", {"name": "Export", "scope": "write", "days": "30"})

    assert response.status_code == 200
    assert len(TOKEN.findall(response.content.decode())) == 1
    token = ApiToken.objects.get(user=owner)
    assert token.scope == TokenScope.WRITE
    assert token.expires_at is not None
    assert abs(token.expires_at - (timezone.now() + timedelta(days=30))) < timedelta(minutes=1)
    event = AuditEvent.objects.get(action=AuditAction.API_TOKEN_CREATED, object_id=str(token.pk))
    assert event.details == {"scope": "write", "days": 30}
    listed = client.get("/me/tokens/").content.decode()
    assert "Read and write" in listed
    assert timezone.localtime(token.expires_at).strftime("%-d %b %Y") in listed
    assert "never" in listed  # not used yet


def test_a_token_lasts_ninety_days_and_reads_only_unless_chosen(owner: User) -> None:
    token, _secret = api_token_create(actor=owner, user=owner, name="script")

    assert token.scope == TokenScope.READ
    assert token.expires_at is not None
    assert abs(token.expires_at - (timezone.now() + timedelta(days=90))) < timedelta(minutes=1)


def test_a_read_only_token_reads_but_may_not_write(case: Case, owner: User) -> None:
    _token, secret = api_token_create(actor=owner, user=owner, name="reader")

    assert Client().get("/api/cases", headers=bearer(secret)).status_code == 200
    assert add_question(case, secret) == 403
    assert case.helping_questions.count() == 1


def test_a_read_write_token_writes_without_a_csrf_token(case: Case, owner: User) -> None:
    _token, secret = api_token_create(actor=owner, user=owner, name="writer", scope="write")

    assert add_question(case, secret) == 201
    assert case.helping_questions.count() == 2


def test_an_expired_token_gets_401(case: Case, owner: User) -> None:
    token, secret = api_token_create(actor=owner, user=owner, name="brief", scope="write", days=7)
    assert Client().get("/api/cases", headers=bearer(secret)).status_code == 200

    with time_machine.travel(timezone.now() + timedelta(days=7, minutes=1)):
        response = Client().get("/api/cases", headers=bearer(secret))
        assert add_question(case, secret) == 401
        assert not ApiToken.objects.get(pk=token.pk).is_active

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthorised"


def test_a_revoked_token_gets_401_on_writes_too(
    case: Case, owner: User, client_for: ClientFor
) -> None:
    token, secret = api_token_create(actor=owner, user=owner, name="writer", scope="write")

    client_for(owner).post(f"/me/tokens/{token.pk}/revoke/")

    assert add_question(case, secret) == 401
    assert AuditEvent.objects.filter(
        action=AuditAction.API_TOKEN_REVOKED, object_id=str(token.pk)
    ).exists()
    assert "revoked" in client_for(owner).get("/me/tokens/").content.decode()


def test_anonymous_api_writes_get_401_not_a_csrf_refusal(case: Case) -> None:
    response = Client(enforce_csrf_checks=True).post(
        "/api/cases", {"child_name": "X"}, content_type="application/json"
    )

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthorised"


def test_a_signed_in_browser_still_needs_its_csrf_token_to_write(case: Case, owner: User) -> None:
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(owner)

    response = browser.post(
        f"/api/cases/{case.reference}/helping-questions",
        {"adult_id": case.adults.get().pk, "text": "A question?", "baseline": 2},
        content_type="application/json",
    )

    assert response.status_code == 403
    assert case.helping_questions.count() == 1


def test_without_a_second_factor_no_token_where_one_is_required(
    owner: User, outsider: User, service: Service, client_for: ClientFor
) -> None:
    service.require_mfa = True
    service.save()

    response = client_for(owner).post("/me/tokens/", {"name": "x", "scope": "read", "days": "90"})

    # The second factor is set up first (the page itself sends them to set it up).
    assert response.status_code == 302
    assert not ApiToken.objects.filter(user=owner).exists()
    try:
        api_token_create(actor=owner, user=owner, name="x")
    except Exception as exc:
        assert "two-factor" in str(exc)
    else:
        raise AssertionError("a token was made without a second factor")
    # Another service that does not require it is unaffected.
    assert api_token_create(actor=outsider, user=outsider, name="x")[0].pk
    # With a second factor the same person may.
    Authenticator.objects.create(user=owner, type=Authenticator.Type.TOTP, data={})
    assert api_token_create(actor=owner, user=owner, name="x")[0].pk
