"""Signing in: allauth's page, Argon2 hashes, lockout after repeated failures, MFA, idle sessions."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

import pytest
import time_machine
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django.fixtures import Settings as SettingsWrapper

from attune.accounts.models import Service, User
from attune.accounts.services import api_token_create
from tests.conftest import ClientFor
from tests.factories import UserFactory

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

PASSWORD = "correct-horse-battery-staple"
# Lockout tests sign in many times; they test counting, not hashing (which has its own test).
FAST_HASHING = pytest.mark.usefixtures("fast_passwords")


@pytest.fixture
def person(service: Service) -> User:
    return UserFactory.create(service=service, email="lena@example.org", password=PASSWORD)


def sign_in(client: Client, email: str, password: str) -> Response:
    return client.post("/accounts/login/", {"login": email, "password": password})


def test_signing_in_through_the_login_page(person: User) -> None:
    client = Client()
    assert client.get("/cases/")["Location"].startswith("/accounts/login/")

    response = sign_in(client, "LENA@example.org", PASSWORD)

    assert response.status_code == 302
    assert response["Location"] == "/cases/"
    assert client.get("/cases/").status_code == 200


def test_passwords_are_hashed_with_argon2(person: User) -> None:
    person.refresh_from_db()
    assert person.password.startswith("argon2")
    assert PASSWORD not in person.password


@FAST_HASHING
def test_a_wrong_password_is_refused_with_a_message(person: User) -> None:
    client = Client()

    response = sign_in(client, person.email, "not-the-password")

    assert response.status_code == 200
    assert "not correct" in response.content.decode()
    assert client.get("/cases/").status_code == 302


@FAST_HASHING
def test_repeated_failures_lock_the_account_even_against_the_right_password(
    person: User,
) -> None:
    client = Client()
    for _ in range(django_settings.AXES_FAILURE_LIMIT):
        sign_in(client, person.email, "guessing-again")

    locked = sign_in(client, person.email, PASSWORD)

    assert locked.status_code == 429
    assert "Too many sign-in attempts" in locked.content.decode()
    assert client.get("/cases/")["Location"].startswith("/accounts/login/")


@FAST_HASHING
def test_failures_are_counted_against_the_account_tried(person: User) -> None:
    from axes.models import AccessAttempt

    sign_in(Client(), "Lena@Example.org", "guessing-again")

    assert list(AccessAttempt.objects.values_list("username", flat=True)) == [person.email]


@FAST_HASHING
def test_one_persons_failures_do_not_lock_out_a_colleague_at_the_same_address(
    person: User, service: Service
) -> None:
    colleague = UserFactory.create(service=service, email="kit@example.org", password=PASSWORD)
    for _ in range(django_settings.AXES_FAILURE_LIMIT):
        sign_in(Client(), person.email, "guessing-again")

    assert sign_in(Client(), colleague.email, PASSWORD).status_code == 302


@FAST_HASHING
def test_signing_in_resets_the_count_of_failures(person: User) -> None:
    client = Client()
    for _ in range(django_settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, person.email, "guessing-again")
    assert sign_in(client, person.email, PASSWORD).status_code == 302

    client.post("/accounts/logout/")
    sign_in(client, person.email, "one-more-slip")
    assert sign_in(client, person.email, PASSWORD).status_code == 302


def test_without_a_second_factor_staff_are_sent_to_set_one_up(
    owner: User, settings: SettingsWrapper, client_for: ClientFor
) -> None:
    settings.ATTUNE_REQUIRE_MFA = True
    client = client_for(owner)

    response = client.get("/cases/")

    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")
    assert client.get(reverse("mfa_activate_totp")).status_code == 200
    # The browser session cannot reach cases through the API either…
    api = client.get("/api/cases")
    assert api.status_code == 403
    assert api.json()["error"]["code"] == "mfa_required"


def test_an_api_token_is_not_sent_to_set_up_mfa(owner: User, settings: SettingsWrapper) -> None:
    # Made before two-factor sign-in was required (since then, only with a second factor).
    _, secret = api_token_create(actor=owner, user=owner, name="script")
    settings.ATTUNE_REQUIRE_MFA = True

    response = Client().get("/api/cases", headers={"Authorization": f"Bearer {secret}"})

    assert response.status_code == 200


def test_sessions_end_after_thirty_idle_minutes() -> None:
    assert django_settings.SESSION_COOKIE_AGE == 1800
    assert django_settings.SESSION_SAVE_EVERY_REQUEST is True


def test_each_request_renews_the_idle_window(owner: User, client_for: ClientFor) -> None:
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        client = client_for(owner)
        assert client.get("/cases/").status_code == 200
        clock.shift(timedelta(minutes=25))
        assert client.get("/cases/").status_code == 200
        clock.shift(timedelta(minutes=25))
        assert client.get("/cases/").status_code == 200  # 50 minutes in, never idle for 30
        clock.shift(timedelta(minutes=31))
        assert client.get("/cases/")["Location"].startswith("/accounts/login/")


@FAST_HASHING
def test_guessing_from_many_addresses_locks_the_account(person: User) -> None:
    per_address = django_settings.AXES_FAILURE_LIMIT - 1  # each address stays under its limit
    addresses = -(-django_settings.ATTUNE_ACCOUNT_LOCKOUT_ATTEMPTS // per_address)
    for n in range(addresses):
        client = Client(REMOTE_ADDR=f"198.51.100.{n + 1}")
        for _ in range(per_address):
            sign_in(client, person.email, "guessing-again")

    # The right password, from an address that never failed: the account is locked for now.
    locked = sign_in(Client(REMOTE_ADDR="203.0.113.7"), person.email, PASSWORD)

    assert locked.status_code == 429


@FAST_HASHING
def test_a_few_failures_from_elsewhere_do_not_lock_the_account(person: User) -> None:
    for n in range(3):
        sign_in(Client(REMOTE_ADDR=f"198.51.100.{n + 1}"), person.email, "guessing-again")

    assert sign_in(Client(REMOTE_ADDR="203.0.113.7"), person.email, PASSWORD).status_code == 302
