"""Storing, reading and destroying a case's media. Nothing here ever stores plaintext."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import IO

from django.db import transaction
from django.utils import timezone

from attune.accounts.models import User
from attune.audit.services import audit_record
from attune.cases.models import Case
from attune.vault import crypto
from attune.vault.keys import case_key_bytes
from attune.vault.models import CaseKey, DeletionReceipt, VaultObject
from attune.vault.storage import delete_ciphertext, open_ciphertext, write_encrypted

logger = logging.getLogger(__name__)


class MediaGone(Exception):
    """The case's media has been destroyed (or is being destroyed): answer 410."""


def _object_context(obj_id: uuid.UUID) -> bytes:
    return crypto.object_context(obj_id)


def media_destroyed(case: Case) -> bool:
    return CaseKey.objects.filter(case=case, destroyed_at__isnull=False).exists()


def object_store(
    *, case: Case, kind: str, src: IO[bytes], content_type: str = "application/octet-stream"
) -> VaultObject:
    """Encrypt `src` into the vault under a fresh object key wrapped by the case key."""
    try:
        record, case_key = case_key_bytes(case.pk)
    except crypto.KeyUnavailable as exc:
        raise MediaGone(str(exc)) from exc
    object_id = uuid.uuid4()
    object_key = crypto.new_key()
    name = f"{record.key_id}/{object_id}.atv"
    try:
        plain, cipher = write_encrypted(name, src, object_key, object_id)
    except BaseException:
        # Nothing half-stored: a failed write (disk full, network) leaves no object behind.
        try:
            delete_ciphertext(name)
        except Exception:
            logger.exception("Could not remove a partly written vault object %s", name)
        raise
    return VaultObject.objects.create(
        id=object_id,
        case=case,
        kind=kind,
        storage_name=name,
        wrapped_key=crypto.wrap_key(case_key, object_key, context=_object_context(object_id)),
        content_type=content_type,
        plaintext_size=plain,
        ciphertext_size=cipher,
    )


def object_store_path(*, case: Case, kind: str, path: Path, content_type: str) -> VaultObject:
    with open(path, "rb") as fh:
        return object_store(case=case, kind=kind, src=fh, content_type=content_type)


def _object_key(obj: VaultObject) -> bytes:
    try:
        _, case_key = case_key_bytes(obj.case_id, create=False)
    except crypto.KeyUnavailable as exc:
        raise MediaGone(str(exc)) from exc
    return crypto.unwrap_key(case_key, bytes(obj.wrapped_key), context=_object_context(obj.id))


def object_read_range(obj: VaultObject, start: int, end: int) -> Iterator[bytes]:
    """Plaintext bytes start..end (inclusive), decrypting only the chunks that hold them."""
    key = _object_key(obj)
    fh = open_ciphertext(obj.storage_name)
    try:
        chunks = crypto.read_range(fh, key, start, end, size=obj.ciphertext_size, object_id=obj.id)
    except BaseException:
        fh.close()
        raise

    def stream() -> Iterator[bytes]:
        try:
            yield from chunks
        finally:
            fh.close()

    return stream()


def object_read_all(obj: VaultObject) -> bytes:
    if obj.plaintext_size == 0:
        return b""
    return b"".join(object_read_range(obj, 0, obj.plaintext_size - 1))


def object_decrypt_to(obj: VaultObject, dest: IO[bytes]) -> int:
    key = _object_key(obj)
    written = 0
    with open_ciphertext(obj.storage_name) as fh:
        for block in crypto.decrypt_all(fh, key, object_id=obj.id):
            dest.write(block)
            written += len(block)
    return written


def object_delete(obj: VaultObject) -> None:
    delete_ciphertext(obj.storage_name)
    obj.delete()


def case_media_destroy(*, case: Case, reason: str, actor: User | None) -> DeletionReceipt:
    """Crypto-shred a case's media: destroy the case key, delete every object, keep a receipt."""
    with transaction.atomic():
        key = CaseKey.objects.select_for_update().filter(case=case).first()
        objects = list(VaultObject.objects.select_for_update().filter(case=case))
        if key is not None and key.destroyed_at is None:
            key.wrapped_key = None
            key.destroyed_at = timezone.now()
            key.save(update_fields=["wrapped_key", "destroyed_at"])
        listing = [{"id": str(o.id), "kind": o.kind, "bytes": o.ciphertext_size} for o in objects]
        receipt = DeletionReceipt.objects.create(
            case=case,
            reason=reason,
            actor=actor,
            key_id=key.key_id if key else None,
            object_count=len(objects),
            total_bytes=sum(o.ciphertext_size for o in objects),
            items=listing,
        )
        names = [o.storage_name for o in objects]
        VaultObject.objects.filter(pk__in=[o.pk for o in objects]).delete()
        audit_record(
            actor=actor,
            action="media.destroyed",
            case=case,
            obj=receipt,
            details={"reason": reason, "objects": len(objects), "bytes": receipt.total_bytes},
        )

    def _delete_files() -> None:
        # The key is already gone, so what is left in storage can no longer be read; still,
        # delete it. A failure here is logged and retried by the orphan sweep.
        for name in names:
            try:
                delete_ciphertext(name)
            except Exception:
                logger.exception("Could not delete vault object %s", name)

    transaction.on_commit(_delete_files)
    return receipt


def orphans_sweep(*, min_age_seconds: int) -> int:
    """Delete stored ciphertext that no object row claims (left by a worker killed mid-write).

    Only files untouched for `min_age_seconds` go, so a write in progress is never removed.
    """
    from attune.vault.storage import list_names, vault_storage

    storage = vault_storage()
    known = set(VaultObject.objects.values_list("storage_name", flat=True))
    cutoff = timezone.now() - timedelta(seconds=min_age_seconds)
    removed = 0
    for name in list_names():
        if name in known:
            continue
        try:
            if storage.get_modified_time(name) > cutoff:
                continue
        except FileNotFoundError:
            continue
        delete_ciphertext(name)
        removed += 1
    return removed
