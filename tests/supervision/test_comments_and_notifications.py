"""Comments pinned to a time in a film: a thread between the trainee and their supervisor, with
in-app notifications and email, resolvable; nobody else sees them."""

from __future__ import annotations

import json

import pytest
from django.core import mail
from pytest_django import DjangoCaptureOnCommitCallbacks

from attune.accounts.models import User
from attune.audit.models import AuditEvent
from attune.core.errors import PermissionDenied, ServiceError
from attune.films.models import Film
from attune.supervision import services
from attune.supervision.models import Comment, Notification
from tests.conftest import ClientFor

pytestmark = pytest.mark.django_db


def _post(client, url: str, body: dict) -> object:  # type: ignore[no-untyped-def]
    return client.post(url, json.dumps(body), content_type="application/json")


def test_a_supervisors_comment_notifies_and_emails_the_trainee(
    consented_film: Film,
    supervisor: User,
    owner: User,
    client_for: ClientFor,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(
            client_for(supervisor),
            f"/api/films/{consented_film.pk}/comments",
            {"at_seconds": 2.5, "body": "What happens just before this?"},
        )
    assert response.status_code == 201, response.content  # type: ignore[attr-defined]
    comment = Comment.objects.get()
    assert comment.at_seconds == 2.5
    note = Notification.objects.get(recipient=owner)
    assert note.url.endswith(f"?t=2.5&comment={comment.pk}")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [owner.email]
    assert consented_film.case.child_name not in mail.outbox[0].body
    assert AuditEvent.objects.filter(action="comment.added", case=consented_film.case).exists()

    page = client_for(owner).get("/me/notifications/")
    assert "commented at 0:02" in page.content.decode()
    opened = client_for(owner).get(f"/me/notifications/{note.pk}/")
    assert opened.status_code == 302
    assert opened["Location"] == note.url
    note.refresh_from_db()
    assert note.read_at is not None


def test_the_trainee_replies_and_the_supervisor_resolves(
    consented_film: Film, supervisor: User, owner: User, client_for: ClientFor
) -> None:
    thread = services.comment_add(
        actor=supervisor, film=consented_film, at_seconds=1.0, body="Look at the pause."
    )
    reply = _post(client_for(owner), f"/api/comments/{thread.pk}/replies", {"body": "I waited."})
    assert reply.status_code == 201  # type: ignore[attr-defined]
    data = reply.json()  # type: ignore[attr-defined]
    assert [m["body"] for m in data["messages"]] == ["Look at the pause.", "I waited."]
    assert Notification.objects.filter(recipient=supervisor).count() == 1

    resolved = _post(client_for(supervisor), f"/api/comments/{thread.pk}/resolve", {})
    assert resolved.json()["resolved"] is True  # type: ignore[attr-defined]
    listing = client_for(owner).get(f"/api/films/{consented_film.pk}/comments").json()
    assert listing[0]["resolved"] is True
    # A new reply reopens the thread.
    services.comment_reply(actor=owner, comment=thread, body="One more thought.")
    thread.refresh_from_db()
    assert thread.resolved_at is None


def test_without_supervision_consent_the_supervisor_sees_no_comments(
    unconsented_film: Film, supervisor: User, owner: User, client_for: ClientFor
) -> None:
    services.comment_add(actor=owner, film=unconsented_film, at_seconds=1.0, body="Note to self.")
    client = client_for(supervisor)
    assert client.get(f"/api/films/{unconsented_film.pk}/comments").status_code == 403
    assert (
        _post(client, f"/api/films/{unconsented_film.pk}/comments", {"at_seconds": 1, "body": "x"})
    ).status_code == 403  # type: ignore[attr-defined]
    thread = Comment.objects.get()
    assert _post(client, f"/api/comments/{thread.pk}/replies", {"body": "x"}).status_code == 403  # type: ignore[attr-defined]
    # …and the owner's comment told them nothing.
    assert not Notification.objects.filter(recipient=supervisor).exists()
    with pytest.raises(PermissionDenied):
        services.comment_add(actor=supervisor, film=unconsented_film, at_seconds=1, body="x")


@pytest.mark.parametrize("who", ["colleague", "other_supervisor", "outsider", "other_admin"])
def test_anyone_outside_the_supervision_gets_not_found(
    who: str,
    consented_film: Film,
    owner: User,
    client_for: ClientFor,
    request: pytest.FixtureRequest,
) -> None:
    thread = services.comment_add(actor=owner, film=consented_film, at_seconds=1, body="Mine.")
    client = client_for(request.getfixturevalue(who))
    assert client.get(f"/api/films/{consented_film.pk}/comments").status_code == 404
    assert _post(client, f"/api/comments/{thread.pk}/replies", {"body": "x"}).status_code == 404  # type: ignore[attr-defined]
    note = Notification.objects.create(
        service=owner.service,  # type: ignore[misc]
        recipient=owner,
        text="x",
        url="/",
    )
    assert client.get(f"/me/notifications/{note.pk}/").status_code == 404


def test_a_service_admin_reads_the_case_but_never_its_comments(
    consented_film: Film, owner: User, service_admin: User, outsider: User, client_for: ClientFor
) -> None:
    services.comment_add(actor=owner, film=consented_film, at_seconds=1, body="Mine.")
    client = client_for(service_admin)
    assert client.get(f"/cases/{consented_film.case.reference}/").status_code == 200
    assert client.get(f"/api/films/{consented_film.pk}/comments").status_code == 403
    assert client.get(f"/moments/films/{consented_film.pk}/").status_code == 403
    assert client_for(outsider).get(f"/api/films/{consented_film.pk}/comments").status_code == 404


def test_a_comment_outside_the_film_is_refused(
    consented_film: Film, owner: User, client_for: ClientFor
) -> None:
    response = _post(
        client_for(owner),
        f"/api/films/{consented_film.pk}/comments",
        {"at_seconds": 99, "body": "x"},
    )
    assert response.status_code == 422  # type: ignore[attr-defined]


def test_nothing_new_is_said_about_a_deleted_film(
    consented_film: Film, owner: User, supervisor: User
) -> None:
    from attune.vault.services import case_media_destroy

    thread = services.comment_add(actor=supervisor, film=consented_film, at_seconds=1, body="Hm.")
    case_media_destroy(case=consented_film.case, reason="Retention period ended.", actor=None)
    with pytest.raises(ServiceError, match="deleted"):
        services.comment_add(actor=supervisor, film=consented_film, at_seconds=1, body="More.")
    with pytest.raises(ServiceError, match="deleted"):
        services.comment_reply(actor=owner, comment=thread, body="Too late.")
    assert Comment.objects.count() == 1
