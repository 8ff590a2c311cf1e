"""Every kind of staff account can set up two-factor sign-in on the allauth release we lock:
invited staff, the demo's staff and `createsuperuser` accounts."""

from __future__ import annotations

import re

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoCaptureOnCommitCallbacks
from pytest_django.fixtures import Settings as SettingsWrapper

from attune.accounts.models import User
from attune.accounts.services import invitation_create
from tests.accounts.totp import shown_secret, totp_code
from tests.conftest import ClientFor

PASSWORD = "a-long-and-unusual-passphrase"
ACTIVATE = reverse("mfa_activate_totp")


@pytest.fixture(autouse=True)
def _mfa_required(settings: SettingsWrapper) -> None:
    settings.ATTUNE_REQUIRE_MFA = True


def set_up_totp(client: Client) -> list[str]:
    """From a fresh sign-in: sent to the set-up page, enter the app's code, get recovery codes."""
    sent = client.get("/cases/")
    assert sent.status_code == 302
    assert sent["Location"] == ACTIVATE
    page = client.get(ACTIVATE)
    assert page.status_code == 200, page.get("Location")
    html = page.content.decode()
    assert "Set up two-factor sign-in" in html
    secret = shown_secret(html)

    done = client.post(ACTIVATE, {"code": totp_code(secret)})

    assert done.status_code == 302
    assert done["Location"] == reverse("mfa_view_recovery_codes")
    codes_page = client.get(done["Location"]).content.decode()
    codes = re.findall(r"<li><code>([\w-]+)</code></li>", codes_page)
    assert len(codes) == 10
    assert "go to my caseload" in codes_page
    return codes


def test_a_newly_invited_guider_sets_up_totp_and_reaches_the_caseload(
    service_admin: User,
    mailoutbox: list[mail.EmailMessage],
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        invitation_create(
            actor=service_admin,
            email="nadia@example.org",
            full_name="Nadia Newcomer",
            is_guider=True,
            base_url="http://testserver",
        )
    link = re.search(r"http://testserver(/invitations/[\w-]+/)", str(mailoutbox[-1].body))
    assert link
    browser = Client()
    accepted = browser.post(link.group(1), {"password1": PASSWORD, "password2": PASSWORD})
    assert accepted.status_code == 302

    codes = set_up_totp(browser)

    assert browser.get("/cases/").status_code == 200
    nadia = User.objects.get(email="nadia@example.org")
    assert set(Authenticator.objects.filter(user=nadia).values_list("type", flat=True)) == {
        Authenticator.Type.TOTP,
        Authenticator.Type.RECOVERY_CODES,
    }
    # Accepting the mailed link proved the address.
    assert EmailAddress.objects.get(user=nadia).verified
    # Signing in again now needs the app's code (or a recovery code) after the password.
    later = Client()
    step = later.post("/accounts/login/", {"login": nadia.email, "password": PASSWORD})
    assert step["Location"] == reverse("mfa_authenticate")
    assert later.get("/cases/")["Location"].startswith("/accounts/login/")
    signed_in = later.post(reverse("mfa_authenticate"), {"code": codes[0]})
    assert signed_in.status_code == 302
    assert later.get("/cases/").status_code == 200


def test_the_demo_staff_can_set_up_totp(db: None) -> None:
    from attune.demo.seed import seed_demo

    _service, people, _created = seed_demo(password=PASSWORD)
    for _spec, person in people:
        browser = Client()
        signed_in = browser.post("/accounts/login/", {"login": person.email, "password": PASSWORD})
        assert signed_in.status_code == 302, person.email
        set_up_totp(browser)
        assert Authenticator.objects.filter(user=person, type="totp").exists()


def test_a_createsuperuser_account_can_set_up_totp(
    db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", PASSWORD)
    call_command(
        "createsuperuser", interactive=False, email="ops@example.org", full_name="Ops", verbosity=0
    )
    browser = Client()
    browser.post("/accounts/login/", {"login": "ops@example.org", "password": PASSWORD})

    set_up_totp(browser)

    assert Authenticator.objects.filter(user__email="ops@example.org", type="totp").exists()


def test_changing_a_second_factor_from_an_earlier_sign_in_still_asks_for_the_password(
    owner: User, client_for: ClientFor
) -> None:
    set_up_totp(client_for(owner))

    # A new sign-in, straight away: its authenticators predate it, so they are protected.
    response = client_for(owner).get(reverse("mfa_generate_recovery_codes"))

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/reauthenticate/")


def test_an_address_change_is_recorded_as_the_only_verified_address(owner: User) -> None:
    owner.email = "olivia.new@example.org"
    owner.save()

    assert list(EmailAddress.objects.filter(user=owner).values_list("email", "verified")) == [
        ("olivia.new@example.org", True)
    ]
