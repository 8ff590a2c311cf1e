"""Wrong second-factor codes count as failed sign-ins: a few of them lock the account (audited,
with a message), and then even the right code is refused."""

from __future__ import annotations

import pytest
from allauth.mfa.models import Authenticator
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse

from attune.accounts.models import Service, User
from attune.audit.models import AuditEvent
from tests.accounts.totp import shown_secret, totp_code
from tests.factories import UserFactory

PASSWORD = "correct-horse-battery-staple"
pytestmark = pytest.mark.usefixtures("fast_passwords")


@pytest.fixture
def enrolled(service: Service) -> tuple[User, str]:
    """A guider with TOTP set up; returns them and their secret."""
    user = UserFactory.create(service=service, email="lena@example.org", password=PASSWORD)
    browser = Client()
    browser.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    secret = shown_secret(browser.get(reverse("mfa_activate_totp")).content.decode())
    browser.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})
    assert Authenticator.objects.filter(user=user, type="totp").exists()
    return user, secret


def at_second_step(user: User) -> Client:
    browser = Client()
    step = browser.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert step["Location"] == reverse("mfa_authenticate")
    return browser


def wrong(secret: str) -> str:
    return str((int(totp_code(secret)) + 1) % 1_000_000).zfill(6)


def test_guessing_the_code_locks_the_account_and_refuses_the_right_code(
    enrolled: tuple[User, str],
) -> None:
    user, secret = enrolled
    browser = at_second_step(user)
    for _ in range(django_settings.AXES_FAILURE_LIMIT - 1):
        refused = browser.post(reverse("mfa_authenticate"), {"code": wrong(secret)})
        assert refused.status_code == 200
        assert "Incorrect code" in refused.content.decode()
    # The guess that reaches the limit gets the lockout page.
    last = browser.post(reverse("mfa_authenticate"), {"code": wrong(secret)})
    assert last.status_code == 429
    assert "Too many sign-in attempts" in last.content.decode()

    locked = browser.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})

    assert "Too many wrong codes" in locked.content.decode()
    assert browser.get("/cases/").status_code == 302  # not signed in
    event = AuditEvent.objects.get(action="account.second_factor_locked")
    assert event.object_id == str(user.pk)
    # A new sign-in from the same place is locked too, password and all.
    assert (
        Client().post("/accounts/login/", {"login": user.email, "password": PASSWORD}).status_code
        == 429
    )


def test_a_mistyped_code_then_the_right_one_signs_in(enrolled: tuple[User, str]) -> None:
    user, secret = enrolled
    browser = at_second_step(user)
    browser.post(reverse("mfa_authenticate"), {"code": wrong(secret)})

    signed_in = browser.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})

    assert signed_in.status_code == 302
    assert browser.get("/cases/").status_code == 200
    assert not AuditEvent.objects.filter(action="account.second_factor_locked").exists()
