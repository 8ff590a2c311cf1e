"""Consent forms are versioned: editing writes a new version, and every record keeps the exact
version (and words) that were signed."""

from __future__ import annotations

import pytest

from attune.accounts.models import User
from attune.audit.models import AuditEvent
from attune.cases.models import Case
from attune.consent.models import ConsentFormVersion, ConsentRecord, Scope
from attune.consent.services import consent_form_current_version, consent_form_edit
from attune.consent.wording import DEFAULT_SCOPE_TEXTS
from attune.core.errors import PermissionDenied, ServiceError
from tests.conftest import ClientFor
from tests.consent.helpers import sign


def edit(admin: User, version: ConsentFormVersion, **changes: str) -> ConsentFormVersion:
    texts = dict(version.scope_texts)
    texts.update({k[6:]: v for k, v in changes.items() if k.startswith("scope_")})
    return consent_form_edit(
        actor=admin,
        form=version.form,
        title=changes.get("title", version.title),
        introduction=changes.get("introduction", version.introduction),
        scope_texts=texts,
        closing=changes.get("closing", version.closing),
    )


def test_the_default_form_has_four_scopes_in_plain_words(agreed: Case) -> None:
    version = consent_form_current_version(service=agreed.service)
    assert version.number == 1
    assert [scope for scope, _, _ in version.scope_items()] == [
        "filming",
        "supervision",
        "training",
        "stills",
    ]
    assert version.scope_texts == {str(k): v for k, v in DEFAULT_SCOPE_TEXTS.items()}
    assert "withdraw your consent at any time" in version.closing
    assert "safeguarding" in version.closing
    # Seeded once, whoever asks.
    assert consent_form_current_version(service=agreed.service) == version


def test_editing_makes_a_new_version_and_records_keep_theirs(
    agreed: Case, service_admin: User, client_for: ClientFor
) -> None:
    adult = agreed.adults.get()
    v1 = consent_form_current_version(service=agreed.service)
    first = sign(agreed, adult, [Scope.FILMING])

    v2 = edit(service_admin, v1, scope_filming="I agree to be filmed with the child for VIG.")
    assert (v2.number, v2.form_id) == (2, v1.form_id)
    assert consent_form_current_version(service=agreed.service) == v2
    second = sign(agreed, adult, [Scope.FILMING, Scope.STILLS])

    first.refresh_from_db()
    assert first.form_version == v1
    assert second.form_version == v2
    v1.refresh_from_db()
    assert v1.scope_texts["filming"] == DEFAULT_SCOPE_TEXTS[Scope.FILMING]

    # The record's page shows the words of the version that was signed.
    page = client_for(agreed.guider).get(f"/consent/records/{first.pk}/").content.decode()
    assert DEFAULT_SCOPE_TEXTS[Scope.FILMING].split(".")[0] in page
    assert "Form version 1" in page
    assert AuditEvent.objects.filter(action="consent_form.version_created").count() == 1


def test_versions_never_change_or_go(agreed: Case) -> None:
    version = consent_form_current_version(service=agreed.service)
    sign(agreed, agreed.adults.get(), [Scope.FILMING])
    version.title = "Something else"
    with pytest.raises(TypeError):
        version.save()
    with pytest.raises(TypeError):
        version.delete()
    with pytest.raises(TypeError):
        ConsentFormVersion.objects.filter(pk=version.pk).update(title="x")
    with pytest.raises(TypeError):
        ConsentRecord.objects.all().delete()


def test_only_an_admin_edits_and_an_unchanged_form_is_not_a_version(
    agreed: Case, owner: User, service_admin: User
) -> None:
    v1 = consent_form_current_version(service=agreed.service)
    with pytest.raises(PermissionDenied):
        edit(owner, v1, title="Mine")
    with pytest.raises(ServiceError, match="Nothing was changed"):
        edit(service_admin, v1)
    with pytest.raises(ServiceError, match="needs its wording"):
        edit(service_admin, v1, scope_training=" ")


def test_the_forms_page_reads_for_all_and_edits_for_admins(
    agreed: Case, owner: User, service_admin: User, client_for: ClientFor
) -> None:
    guider_page = client_for(owner).get("/consent/forms/")
    assert guider_page.status_code == 200
    assert "Save as a new version" not in guider_page.content.decode()
    assert client_for(owner).post("/consent/forms/", {}).status_code == 403

    admin = client_for(service_admin)
    data = {
        "title": "Agreeing to VIG",
        "introduction": "VIG uses short films to notice what goes well.",
        "scope_filming": "Films of us together, kept for the work, then deleted.",
        "scope_supervision": "Clips shown to my guider's supervisor.",
        "scope_training": "Clips shown in VIG training.",
        "scope_stills": "Stills for us to keep.",
        "closing": "You can withdraw at any time.",
    }
    response = admin.post("/consent/forms/", data)
    assert response.status_code == 302
    assert consent_form_current_version(service=agreed.service).title == "Agreeing to VIG"
    page = admin.get("/consent/forms/").content.decode()
    assert "v2" in page and "v1" in page
