"""Inviting an address already used in another service answers exactly as for a new address
(same page, same invitation, same audit event): an admin cannot find out who works elsewhere.
Only the mail differs, and it goes to the address's owner, without a link."""

from __future__ import annotations

import re

from django.core import mail
from pytest_django import DjangoCaptureOnCommitCallbacks

from attune.accounts.models import Invitation, User
from attune.audit.actions import AuditAction
from attune.audit.models import AuditEvent
from tests.conftest import ClientFor


def invite_and_look(
    client_for: ClientFor, admin: User, email: str, capture: DjangoCaptureOnCommitCallbacks
) -> tuple[int, str, str]:
    client = client_for(admin)
    with capture(execute=True):
        response = client.post(
            "/service/people/", {"full_name": "Kim Lee", "email": email, "is_guider": "on"}
        )
    page = client.get("/service/people/").content.decode()
    return response.status_code, response.get("Location", ""), page.replace(email, "ADDRESS")


def test_an_address_in_another_service_gets_the_answer_a_new_one_gets(
    service_admin: User,
    outsider: User,
    client_for: ClientFor,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
    mailoutbox: list[mail.EmailMessage],
) -> None:
    new = invite_and_look(
        client_for, service_admin, "new.person@example.org", django_capture_on_commit_callbacks
    )
    taken = invite_and_look(
        client_for, service_admin, outsider.email, django_capture_on_commit_callbacks
    )

    assert new[:2] == taken[:2] == (302, "/service/people/")
    # The People page (its message and the list of open invitations) reads the same.
    assert "Invitation sent to ADDRESS." in new[2]
    assert "Invitation sent to ADDRESS." in taken[2]
    assert re.sub(r"\d{1,2} \w{3} \d{4}[^<]*", "", new[2]).count("ADDRESS") == re.sub(
        r"\d{1,2} \w{3} \d{4}[^<]*", "", taken[2]
    ).count("ADDRESS")
    assert Invitation.objects.filter(email=outsider.email.lower()).exists()
    events = AuditEvent.objects.filter(action=AuditAction.INVITATION_CREATED).order_by("seq")
    assert [set(e.details) for e in events] == [{"email"}, {"email"}]
    # The outsider hears of it, with no link to accept; their account is untouched.
    [to_outsider] = [m for m in mailoutbox if outsider.email in m.to]
    assert "already has an Attune account in another service" in str(to_outsider.body)
    assert "/invitations/" not in str(to_outsider.body)
    outsider.refresh_from_db()
    assert outsider.service_id != service_admin.service_id


def test_someone_already_in_the_admins_own_service_is_named_as_such(
    service_admin: User, owner: User, client_for: ClientFor
) -> None:
    response = client_for(service_admin).post(
        "/service/people/", {"full_name": "Dup", "email": owner.email, "is_guider": "on"}
    )

    assert "Someone in your service already has this address." in response.content.decode()
