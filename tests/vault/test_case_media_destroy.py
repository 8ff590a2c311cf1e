"""Crypto-shredding a case: the key goes first, then the objects; a receipt says what went,
nothing kept aside can be decrypted afterwards, and nothing is left to stream."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone
from pytest_django import DjangoCaptureOnCommitCallbacks

from attune.accounts.models import User
from attune.audit.models import AuditEvent
from attune.cases.models import Case
from attune.films.models import Film, FilmStatus
from attune.vault import crypto
from attune.vault.keys import case_key_bytes, master_key
from attune.vault.models import CaseKey, DeletionReceipt, ObjectKind, VaultObject
from attune.vault.services import (
    MediaGone,
    case_media_destroy,
    object_read_all,
    object_store,
)
from attune.vault.storage import list_names, open_ciphertext, vault_storage
from tests.conftest import ClientFor

FILM = b"\x00\x00\x00\x18ftypmp42" + b"pretend film " * 20_000  # about 260 KB, several chunks
POSTER = b"\xff\xd8\xff pretend poster"


@pytest.fixture(autouse=True)
def _fresh_storage() -> None:
    vault_storage.cache_clear()


@pytest.fixture
def ready_film(case: Case, owner: User) -> Film:
    """A film with its media in the vault (made directly: processing is tested elsewhere)."""
    playable = object_store(
        case=case, kind=ObjectKind.PLAYABLE, src=io.BytesIO(FILM), content_type="video/mp4"
    )
    poster = object_store(
        case=case, kind=ObjectKind.POSTER, src=io.BytesIO(POSTER), content_type="image/jpeg"
    )
    object_store(case=case, kind=ObjectKind.UPLOAD_PART, src=io.BytesIO(b"left-over part"))
    return Film.objects.create(
        case=case,
        cycle=case.cycles.get(number=1),
        uploaded_by=owner,
        status=FilmStatus.READY,
        upload_size=len(FILM),
        upload_chunk_size=len(FILM),
        upload_received=len(FILM),
        upload_expires_at=timezone.now() + timedelta(hours=1),
        playable=playable,
        poster=poster,
        duration=2.0,
        fps=25,
        width=320,
        height=240,
    )


def test_destroy_shreds_the_key_then_the_objects(
    ready_film: Film,
    case: Case,
    owner: User,
    client_for: ClientFor,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    guider = client_for(owner)
    media = f"/films/{ready_film.pk}/media/playable"
    assert guider.get(media, headers={"Range": "bytes=0-9"}).status_code == 206
    objects = list(VaultObject.objects.filter(case=case))
    assert len(objects) == 3
    # An attacker's copy of storage and of the database rows, taken before the deletion.
    playable = next(o for o in objects if o.kind == ObjectKind.PLAYABLE)
    with open_ciphertext(playable.storage_name) as fh:
        stolen_ciphertext = fh.read()
    stolen_row = VaultObject.objects.get(pk=playable.pk)
    stolen_case_key = bytes(CaseKey.objects.get(case=case).wrapped_key)  # type: ignore[arg-type]

    with django_capture_on_commit_callbacks(execute=True):
        receipt = case_media_destroy(case=case, reason="Consent to filming withdrawn", actor=owner)

    # The key is gone; so are the objects and their rows.
    key = CaseKey.objects.get(case=case)
    assert key.destroyed_at is not None and key.wrapped_key is None
    assert list_names() == []
    assert not VaultObject.objects.filter(case=case).exists()
    # The copy taken aside can no longer be decrypted: the case key is unavailable...
    with pytest.raises(crypto.KeyUnavailable):
        case_key_bytes(case.pk)
    with pytest.raises(MediaGone):
        object_read_all(stolen_row)
    # ...and the master key alone opens nothing: it only ever wrapped the case key.
    with pytest.raises(crypto.IntegrityError):
        crypto.unwrap_key(
            master_key(), bytes(stolen_row.wrapped_key), context=crypto.object_context(playable.pk)
        )
    assert stolen_ciphertext[:4] == b"ATV1" and FILM[:64] not in stolen_ciphertext
    # Only someone who also kept the wrapped case key *and* the master key could read the copy,
    # which is why the master key never sits in the database or in storage.
    assert len(stolen_case_key) == crypto.WRAPPED_KEY_SIZE

    # The receipt lists what went, how much, why and by whom.
    assert receipt.reason == "Consent to filming withdrawn"
    assert receipt.actor == owner
    assert receipt.key_id == key.key_id
    assert receipt.object_count == 3
    assert receipt.total_bytes == sum(o.ciphertext_size for o in objects)
    assert sorted(item["kind"] for item in receipt.items) == ["playable", "poster", "upload_part"]
    assert {item["id"] for item in receipt.items} == {str(o.pk) for o in objects}
    assert all(item["bytes"] > 0 for item in receipt.items)
    assert DeletionReceipt.objects.filter(case=case).count() == 1
    event = AuditEvent.objects.get(action="media.destroyed", case=case)
    assert event.actor == owner
    assert event.details == {
        "reason": "Consent to filming withdrawn",
        "objects": 3,
        "bytes": receipt.total_bytes,
    }

    # Nothing is left to stream (the consent issue: 410 while locked for deletion, 404 once
    # destroyed); the film's record, not its media, remains.
    for kind in ["playable", "poster", "sprite"]:
        assert guider.get(f"/films/{ready_film.pk}/media/{kind}").status_code == 404
    ready_film.refresh_from_db()
    assert ready_film.playable is None and ready_film.poster is None
    # And nothing new can be stored for the case.
    with pytest.raises(MediaGone):
        object_store(case=case, kind=ObjectKind.POSTER, src=io.BytesIO(b"new"))
    assert list_names() == []


def test_destroying_twice_is_harmless(ready_film: Film, case: Case, owner: User) -> None:
    first = case_media_destroy(case=case, reason="Case closed", actor=owner)
    second = case_media_destroy(case=case, reason="Case closed", actor=None)
    assert first.object_count == 3
    assert (second.object_count, second.total_bytes, second.items) == (0, 0, [])
    assert second.key_id == first.key_id


def test_a_case_without_media_gets_a_receipt_and_no_new_media(case: Case, owner: User) -> None:
    assert not CaseKey.objects.filter(case=case).exists()

    receipt = case_media_destroy(case=case, reason="Referral withdrawn", actor=owner)

    assert (receipt.object_count, receipt.total_bytes) == (0, 0)
    assert CaseKey.objects.get(case=case).destroyed_at is not None
    with pytest.raises(MediaGone):
        object_store(case=case, kind=ObjectKind.POSTER, src=io.BytesIO(b"new"))
    assert not (settings.DATA_DIR / "vault").exists() or list_names() == []
