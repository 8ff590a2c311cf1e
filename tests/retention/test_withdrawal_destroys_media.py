"""Withdrawing filming consent: the media is locked at once (410), then destroyed in the
background (404): nothing of the case is left in storage, its key is gone, a ciphertext copy taken
aside beforehand cannot be read, and every step is in the audit trail."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytest_django import DjangoCaptureOnCommitCallbacks
from pytest_django.fixtures import Settings as SettingsWrapper

from attune.accounts.models import User
from attune.audit.models import AuditEvent
from attune.audit.services import audit_verify
from attune.cases.models import Case
from attune.consent import services
from attune.consent.models import DeletionStatus, MediaDeletion, Scope, WithdrawalChannel
from attune.consent.selectors import MediaState, media_state
from attune.films.models import Film
from attune.retention import services as retention_services
from attune.vault import crypto
from attune.vault.keys import case_key_bytes, master_key
from attune.vault.models import CaseKey, DeletionReceipt, VaultObject
from attune.vault.services import MediaGone, object_read_all
from attune.vault.storage import list_names, vault_storage
from tests.conftest import ClientFor
from tests.consent.helpers import ready_film, sign_everyone

MEDIA = ("playable", "poster", "sprite", "waveform")


@pytest.fixture
def filmed(
    agreed: Case, tmp_path: Path, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> tuple[Case, Film]:
    sign_everyone(agreed)
    # What runs on commit (deleting the upload parts once processed) runs here too.
    with django_capture_on_commit_callbacks(execute=True):
        film = ready_film(agreed, tmp_path)
    return agreed, film


def stream_statuses(client: object, film: Film) -> set[int]:
    return {client.get(f"/films/{film.pk}/media/{kind}").status_code for kind in MEDIA}  # type: ignore[attr-defined]


def test_withdrawal_locks_then_destroys_every_trace(
    filmed: tuple[Case, Film],
    owner: User,
    client_for: ClientFor,
    settings: SettingsWrapper,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    case, film = filmed
    client = client_for(owner)
    assert stream_statuses(client, film) == {200}

    # Taken aside before withdrawal: the stored ciphertext of the playable film and its row.
    assert film.playable_id is not None
    playable = VaultObject.objects.get(pk=film.playable_id)
    stolen_ciphertext = vault_storage().open(playable.storage_name).read()
    stolen_wrapped_key = bytes(playable.wrapped_key)
    key_id = CaseKey.objects.get(case=case).key_id
    assert list_names(str(key_id))

    record = case.consents.get()
    # The task is queued on commit; hold it back to see the locked state first.
    with django_capture_on_commit_callbacks(execute=False) as queued:
        services.consent_withdraw(
            actor=owner,
            record=record,
            scopes=[Scope.FILMING],
            asked_by="Jo Carter",
            channel=WithdrawalChannel.PHONE,
        )
    assert len(queued) == 1

    # Locked at once: nobody can watch, even though nothing is destroyed yet.
    assert media_state(case) == MediaState.LOCKED
    assert stream_statuses(client, film) == {410}
    assert VaultObject.objects.filter(case=case).exists()

    # The queued task runs (the immediate backend stands in for the worker); files go on commit.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        queued[0]()
    assert stream_statuses(client, film) == {404}
    assert media_state(case) == MediaState.DESTROYED

    # Nothing of the case is left in storage, and its key is gone.
    assert not VaultObject.objects.filter(case=case).exists()
    assert list_names(str(key_id)) == []
    assert list_names() == []
    key = CaseKey.objects.get(case=case)
    assert key.destroyed_at is not None and key.wrapped_key is None
    with pytest.raises(crypto.KeyUnavailable):
        case_key_bytes(case.pk, create=False)

    # The copy taken aside cannot be read: the case key that wrapped its object key is gone,
    # and no other key opens it.
    playable.wrapped_key = stolen_wrapped_key
    with pytest.raises(MediaGone):
        object_read_all(playable)
    with pytest.raises(crypto.IntegrityError):
        crypto.unwrap_key(
            master_key(), stolen_wrapped_key, context=crypto.object_context(playable.id)
        )
    assert stolen_ciphertext.startswith(crypto.MAGIC)

    # The receipt lists what went, and the deletion is done.
    receipt = DeletionReceipt.objects.get(case=case)
    assert receipt.key_id == key_id
    assert receipt.object_count >= 5
    assert {item["id"] for item in receipt.items} >= {str(playable.pk)}
    assert "Filming consent withdrawn" in receipt.reason
    deletion = MediaDeletion.objects.get(case=case)
    assert deletion.status == DeletionStatus.DONE and deletion.receipt == receipt

    # Every step is in the audit trail, in order, and the chain holds.
    actions = list(
        AuditEvent.objects.filter(case=case).order_by("seq").values_list("action", flat=True)
    )
    steps = [
        "consent.recorded",
        "film.uploaded",
        "film.ready",
        "consent.withdrawn",
        "media.locked",
        "media.destroyed",
        "media_deletion.completed",
    ]
    positions = [actions.index(step) for step in steps]
    assert positions == sorted(positions), actions
    assert audit_verify()[1] == []

    # The case keeps its record, and its page shows the receipt.
    page = client.get(f"/cases/{case.reference}/").content.decode()
    assert "Deletion receipt" in page
    assert "Filming consent withdrawn" in page
    assert Case.objects.filter(pk=case.pk).exists()
    assert case.consents.count() == 1 and case.helping_questions.count() == 1


def test_the_worker_sweep_finishes_a_withdrawal_whose_task_was_lost(
    filmed: tuple[Case, Film], owner: User
) -> None:
    case, _ = filmed
    services.consent_withdraw(
        actor=owner,
        record=case.consents.get(),
        scopes=None,  # everything
        asked_by="Jo Carter",
        channel=WithdrawalChannel.IN_PERSON,
    )
    assert media_state(case) == MediaState.LOCKED
    receipts = retention_services.retention_sweep()
    assert [r.case_id for r in receipts] == [case.pk]
    assert media_state(case) == MediaState.DESTROYED
    assert retention_services.retention_sweep() == []  # safe to run again


def test_the_task_is_safe_to_run_twice(filmed: tuple[Case, Film], owner: User) -> None:
    case, _ = filmed
    services.consent_withdraw(
        actor=owner,
        record=case.consents.get(),
        scopes=[Scope.FILMING],
        asked_by="Jo Carter",
        channel=WithdrawalChannel.EMAIL,
    )
    deletion = MediaDeletion.objects.get(case=case)
    assert retention_services.media_deletion_run(deletion_id=deletion.pk) is not None
    assert retention_services.media_deletion_run(deletion_id=deletion.pk) is None
    assert DeletionReceipt.objects.filter(case=case).count() == 1


def test_with_the_immediate_backend_deletion_happens_in_the_request(
    filmed: tuple[Case, Film],
    owner: User,
    client_for: ClientFor,
    immediate_tasks: None,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    case, film = filmed
    record = case.consents.get()
    client = client_for(owner)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/consent/records/{record.pk}/withdraw/",
            {
                "scopes": ["filming"],
                "asked_by": "Jo Carter",
                "channel": "phone",
                "asked_on": "2020-01-01",
                "confirm": "destroy",
            },
        )
    assert response.status_code == 302
    assert media_state(case) == MediaState.DESTROYED
    assert stream_statuses(client, film) == {404}
    page = client.get(f"/cases/{case.reference}/").content.decode()
    assert "Deletion receipt" in page


def test_consent_can_be_withdrawn_after_the_case_has_closed(
    filmed: tuple[Case, Film], owner: User
) -> None:
    from attune.cases import services as case_services
    from attune.cases.models import CaseState

    case, _ = filmed
    for state in (CaseState.IN_CYCLES, CaseState.CLOSING, CaseState.CLOSED):
        case_services.case_transition(actor=owner, case=case, to_state=state)
    retention = MediaDeletion.objects.get(case=case)
    assert retention.status == DeletionStatus.SCHEDULED  # due in 30 days

    services.consent_withdraw(
        actor=owner,
        record=case.consents.get(),
        scopes=[Scope.FILMING],
        asked_by="Jo Carter",
        channel=WithdrawalChannel.LETTER,
    )
    receipts = retention_services.retention_sweep()
    assert len(receipts) == 1 and "Filming consent withdrawn" in receipts[0].reason
    retention.refresh_from_db()
    assert retention.status == DeletionStatus.DONE and retention.receipt == receipts[0]
