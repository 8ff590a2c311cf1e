"""Safeguarding records are append-only: no route edits or deletes a concern or an amendment (the
URL matrix has none), and the models refuse it whatever the caller."""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from attune.accounts.models import User
from attune.api import api
from attune.cases.models import Case
from attune.safeguarding.models import Amendment, Concern
from attune.safeguarding.services import concern_amend
from attune.vault.services import case_media_destroy
from tests.conftest import ClientFor


def _routes(patterns: list, prefix: str = "") -> list[str]:
    found = []
    for p in patterns:
        if isinstance(p, URLResolver):
            found += _routes(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            found.append(prefix + str(p.pattern))
    return found


def test_no_api_operation_changes_or_removes_a_concern() -> None:
    paths = api.get_openapi_schema()["paths"]
    safeguarding = {p: set(ops) for p, ops in paths.items() if "concern" in p}
    assert safeguarding == {
        "/api/cases/{reference}/concerns": {"get", "post"},
        "/api/concerns/{concern_id}": {"get"},
        "/api/concerns/{concern_id}/amendments": {"post"},
    }


def test_the_only_pages_record_read_and_amend() -> None:
    pages = sorted(r for r in _routes(get_resolver().url_patterns) if r.startswith("safeguarding/"))
    assert pages == [
        "safeguarding/cases/<str:reference>/concerns/new/",
        "safeguarding/concerns/<uuid:concern_id>/",
        "safeguarding/concerns/<uuid:concern_id>/amend/",
    ]


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_every_route_refuses_to_change_a_concern(
    concern: Concern, owner: User, client_for: ClientFor, method: str
) -> None:
    client = client_for(owner)
    before = Concern.objects.values().get(pk=concern.pk)
    for url in (f"/safeguarding/concerns/{concern.pk}/", f"/api/concerns/{concern.pk}"):
        response = getattr(client, method)(
            url, {"seen_or_heard": "rewritten"}, content_type="application/json"
        )
        assert response.status_code == 405, (url, response.status_code)
    if method != "post":
        amend = getattr(client, method)(f"/safeguarding/concerns/{concern.pk}/amend/")
        assert amend.status_code == 405
        api_amend = getattr(client, method)(f"/api/concerns/{concern.pk}/amendments")
        assert api_amend.status_code == 405
    assert Concern.objects.values().get(pk=concern.pk) == before


def test_an_amendment_adds_and_never_rewrites(
    concern: Concern, owner: User, client_for: ClientFor
) -> None:
    client = client_for(owner)
    before = Concern.objects.values().get(pk=concern.pk)
    response = client.post(
        f"/safeguarding/concerns/{concern.pk}/amend/",
        {"text": "Correction: it was Tuesday, not Monday.", "seen_or_heard": "rewritten"},
    )
    assert response.status_code == 302
    api_amend = client.post(
        f"/api/concerns/{concern.pk}/amendments",
        {
            "text": "Social care informed.",
            "informed_name": "Duty team",
            "informed_role": "Children's social care",
            "informed_on": "2026-01-05",
        },
        content_type="application/json",
    )
    assert api_amend.status_code == 201, api_amend.content
    assert Concern.objects.values().get(pk=concern.pk) == before
    assert [a.text for a in concern.amendments.all()] == [
        "Correction: it was Tuesday, not Monday.",
        "Social care informed.",
    ]
    page = client.get(f"/safeguarding/concerns/{concern.pk}/").content.decode()
    assert "Correction: it was Tuesday" in page and "Social care informed." in page


def test_the_models_refuse_edits_and_deletes(concern: Concern, owner: User) -> None:
    amendment = concern_amend(actor=owner, concern=concern, text="Later note.")
    for row in (concern, amendment):
        with pytest.raises(TypeError):
            row.save()
        with pytest.raises(TypeError):
            row.delete()
    with pytest.raises(TypeError):
        Concern.objects.filter(pk=concern.pk).update(seen_or_heard="x")
    with pytest.raises(TypeError):
        Amendment.objects.all().delete()
    with pytest.raises(TypeError):
        Concern.objects.all().delete()


def test_media_deletion_never_touches_concerns(concern: Concern, case: Case, owner: User) -> None:
    concern_amend(actor=owner, concern=concern, text="Later note.")
    case_media_destroy(case=case, reason="test", actor=owner)
    assert Concern.objects.filter(case=case).count() == 1
    assert Amendment.objects.filter(concern=concern).count() == 1
