"""The consent API: record (typed signature), list, withdraw; one error shape; guider only."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from attune.accounts.models import User
from attune.cases.models import Case
from attune.consent.models import MediaDeletion
from tests.conftest import ClientFor


def post(client: Client, url: str, body: dict) -> Any:
    return client.post(url, body, content_type="application/json")


def test_record_list_and_withdraw(agreed: Case, owner: User, client_for: ClientFor) -> None:
    client = client_for(owner)
    adult = agreed.adults.get()
    response = post(
        client,
        f"/api/cases/{agreed.reference}/consents",
        {
            "adult": adult.pk,
            "scopes": ["filming", "supervision"],
            "typed_name": "Jo Carter",
            "confirmed": True,
            "child_view": "Sam nodded.",
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["method"] == "typed" and body["scopes"] == ["filming", "supervision"]
    assert body["active_scopes"] == ["filming", "supervision"] and body["current"]
    assert body["witness"] == owner.email and body["form_version"] == 1

    listed = client.get(f"/api/cases/{agreed.reference}/consents").json()
    assert [r["id"] for r in listed] == [body["id"]]

    withdrawn = post(
        client,
        f"/api/consents/{body['id']}/withdraw",
        {"scopes": ["supervision"], "asked_by": "Jo Carter", "channel": "phone"},
    )
    assert withdrawn.status_code == 200, withdrawn.content
    assert withdrawn.json()["active_scopes"] == ["filming"]
    assert withdrawn.json()["withdrawals"][0]["scopes"] == ["supervision"]
    assert not MediaDeletion.objects.exists()  # only filming deletes the media

    # Nothing is withdrawn by leaving the scopes out, or by sending none: they are named.
    unnamed_lists: list[dict[str, list[str]]] = [{}, {"scopes": []}]
    for unnamed in unnamed_lists:
        refused = post(
            client,
            f"/api/consents/{body['id']}/withdraw",
            {"asked_by": "Jo Carter", "channel": "email", **unnamed},
        )
        assert refused.status_code == 422, refused.content
    assert not MediaDeletion.objects.exists()

    everything = post(
        client,
        f"/api/consents/{body['id']}/withdraw",
        {"scopes": ["filming"], "asked_by": "Jo Carter", "channel": "email"},
    )
    assert everything.json()["active_scopes"] == []
    assert MediaDeletion.objects.filter(case=agreed).count() == 1


def test_errors_share_one_shape(
    agreed: Case,
    owner: User,
    supervisor: User,
    service_admin: User,
    outsider: User,
    client_for: ClientFor,
) -> None:
    adult = agreed.adults.get()
    url = f"/api/cases/{agreed.reference}/consents"
    good = {"adult": adult.pk, "scopes": ["filming"], "typed_name": "Jo", "confirmed": True}

    unticked = post(client_for(owner), url, {**good, "confirmed": False})
    assert unticked.status_code == 422
    assert unticked.json()["error"]["fields"] == [
        {
            "field": "confirmed",
            "message": "The adult must tick to confirm that their typed name is their signature.",
        }
    ]
    bad_scope = post(client_for(owner), url, {**good, "scopes": ["publicity"]})
    assert bad_scope.status_code == 422 and bad_scope.json()["error"]["code"] == "validation_error"
    assert post(client_for(owner), url, {**good, "adult": 99999}).status_code == 404

    for user, status in ((supervisor, 403), (service_admin, 403), (outsider, 404)):
        answer = post(client_for(user), url, good)
        assert answer.status_code == status
        assert set(answer.json()["error"]) == {"code", "message", "fields"}
    assert client_for(supervisor).get(url).status_code == 200
    assert client_for(outsider).get(url).status_code == 404
    assert client_for(None).get(url).status_code == 401

    record = post(client_for(owner), url, good).json()
    assert (
        post(
            client_for(owner),
            f"/api/consents/{record['id']}/withdraw",
            {"scopes": ["training"], "asked_by": "Jo", "channel": "phone"},
        ).status_code
        == 422
    )
    assert (
        post(
            client_for(supervisor),
            f"/api/consents/{record['id']}/withdraw",
            {"scopes": ["filming"], "asked_by": "Jo", "channel": "phone"},
        ).status_code
        == 403
    )


def test_the_service_refuses_an_empty_list_of_scopes(agreed: Case, owner: User) -> None:
    from attune.consent.models import ConsentRecord, WithdrawalChannel
    from attune.consent.services import consent_withdraw
    from attune.core.errors import ServiceError
    from tests.factories import consent_to_everything

    consent_to_everything(agreed)
    record = ConsentRecord.objects.get(case=agreed)
    with pytest.raises(ServiceError, match="Choose what to withdraw"):
        consent_withdraw(
            actor=owner, record=record, scopes=[], asked_by="Jo", channel=WithdrawalChannel.PHONE
        )
    assert not record.withdrawals.exists()
