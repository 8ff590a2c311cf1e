"""People join a service only through an admin's invitation: email, link, password, roles."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from pytest_django import DjangoCaptureOnCommitCallbacks

from attune.accounts.models import Invitation, User
from attune.audit.models import AuditEvent
from tests.conftest import ClientFor

NEW_PASSWORD = "a-long-and-unusual-passphrase"


def invite(
    client_for: ClientFor, admin: User, capture: DjangoCaptureOnCommitCallbacks, **fields: object
) -> str:
    """Invite someone through the People page; returns the link from the email."""
    data: dict[str, object] = {"full_name": "Nadia Newcomer", "email": "nadia@example.org"}
    data.update(fields)
    with capture(execute=True):
        response = client_for(admin).post("/service/people/", data)
    assert response.status_code == 302, response.content.decode()
    assert response["Location"] == "/service/people/"
    message = mail.outbox[-1]
    match = re.search(r"http://testserver/invitations/[\w-]+/", str(message.body))
    assert match, message.body
    return match.group(0).removeprefix("http://testserver")


def test_an_invited_person_joins_the_service_with_their_roles(
    service_admin: User,
    client_for: ClientFor,
    mailoutbox: list[mail.EmailMessage],
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    link = invite(
        client_for,
        service_admin,
        django_capture_on_commit_callbacks,
        is_guider="on",
        is_trainee="on",
    )

    assert len(mailoutbox) == 1
    email = mailoutbox[0]
    assert email.to == ["nadia@example.org"]
    assert "Severn Vale EPS" in email.subject
    assert "Aisha Admin has invited you" in email.body

    visitor = client_for(None)
    page = visitor.get(link)
    assert page.status_code == 200
    assert "Join Severn Vale EPS" in page.content.decode()
    assert "nadia@example.org" in page.content.decode()

    accepted = visitor.post(link, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert accepted.status_code == 302
    assert accepted["Location"] == "/cases/"

    user = User.objects.get(email="nadia@example.org")
    assert user.service == service_admin.service
    assert user.full_name == "Nadia Newcomer"
    assert (user.is_guider, user.is_trainee, user.is_supervisor, user.is_service_admin) == (
        True,
        True,
        False,
        False,
    )
    assert user.check_password(NEW_PASSWORD)
    assert user.password.startswith("argon2")
    # Signed in straight away.
    assert visitor.get("/cases/").status_code == 200
    assert AuditEvent.objects.filter(action="invitation.accepted", actor=user).exists()


def test_the_link_works_once(
    service_admin: User,
    client_for: ClientFor,
    mailoutbox: list[mail.EmailMessage],
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    link = invite(client_for, service_admin, django_capture_on_commit_callbacks, is_guider="on")
    client_for(None).post(link, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    again = client_for(None)
    assert again.get(link).status_code == 404
    assert again.post(link, {"password1": "x" * 12, "password2": "x" * 12}).status_code == 404
    assert User.objects.filter(email="nadia@example.org").count() == 1


def test_an_expired_link_is_not_found(
    service_admin: User,
    client_for: ClientFor,
    mailoutbox: list[mail.EmailMessage],
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    link = invite(client_for, service_admin, django_capture_on_commit_callbacks, is_guider="on")
    Invitation.objects.update(expires_at=timezone.now() - timedelta(minutes=1))

    assert client_for(None).get(link).status_code == 404
    assert client_for(None).get("/invitations/not-a-real-secret/").status_code == 404
    assert not User.objects.filter(email="nadia@example.org").exists()


def test_the_password_is_checked_beside_its_field(
    service_admin: User,
    client_for: ClientFor,
    mailoutbox: list[mail.EmailMessage],
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    link = invite(client_for, service_admin, django_capture_on_commit_callbacks, is_guider="on")
    visitor = client_for(None)

    differ = visitor.post(link, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD + "!"})
    assert differ.status_code == 200
    assert "The two passwords differ." in differ.content.decode()

    weak = visitor.post(link, {"password1": "password1", "password2": "password1"})
    assert weak.status_code == 200
    assert "too common" in weak.content.decode()
    assert not User.objects.filter(email="nadia@example.org").exists()


def test_inviting_needs_a_role_and_a_new_email(
    service_admin: User, owner: User, client_for: ClientFor, mailoutbox: list[mail.EmailMessage]
) -> None:
    admin = client_for(service_admin)

    no_role = admin.post("/service/people/", {"full_name": "No Role", "email": "x@example.org"})
    assert no_role.status_code == 200
    assert "Choose at least one role." in no_role.content.decode()

    taken = admin.post(
        "/service/people/", {"full_name": "Dup", "email": owner.email.upper(), "is_guider": "on"}
    )
    assert taken.status_code == 200
    assert "Someone in your service already has this address." in taken.content.decode()
    assert not Invitation.objects.exists()
    assert mailoutbox == []


@pytest.mark.parametrize("role", ["owner", "supervisor", "outsider"])
def test_only_a_service_admin_can_invite(
    role: str,
    request: pytest.FixtureRequest,
    client_for: ClientFor,
    mailoutbox: list[mail.EmailMessage],
) -> None:
    someone: User = request.getfixturevalue(role)

    response = client_for(someone).post(
        "/service/people/",
        {"full_name": "Sneaky", "email": "sneaky@example.org", "is_service_admin": "on"},
    )

    assert response.status_code == 403
    assert not Invitation.objects.exists()
    assert mailoutbox == []


def test_nobody_can_sign_themselves_up(db: None, client_for: ClientFor) -> None:
    visitor = client_for(None)

    page = visitor.get("/accounts/signup/")
    assert page.status_code == 200
    assert 'name="password1"' not in page.content.decode()

    visitor.post(
        "/accounts/signup/",
        {"email": "selfmade@example.org", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert not User.objects.filter(email="selfmade@example.org").exists()
    assert visitor.get("/cases/").status_code == 302
