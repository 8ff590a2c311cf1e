"""Storing, reading and destroying a case's media. Nothing here ever stores plaintext."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Collection, Iterable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import IO, TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from attune.accounts.models import User
from attune.audit.actions import AuditAction
from attune.audit.services import audit_record
from attune.core.jobs import scratch_destroy_for_case
from attune.vault import crypto
from attune.vault.keys import case_key_bytes
from attune.vault.models import CaseKey, DeletionReceipt, VaultObject
from attune.vault.reader import RangeFile
from attune.vault.storage import delete_ciphertext, open_ciphertext, write_encrypted

if TYPE_CHECKING:
    from attune.cases.models import Case

logger = logging.getLogger(__name__)


class MediaGone(Exception):
    """The case's media has been destroyed (or is being destroyed): answer 410."""


def _object_context(obj_id: uuid.UUID) -> bytes:
    return crypto.object_context(obj_id)


def media_destroyed(case: Case) -> bool:
    return CaseKey.objects.filter(case=case, destroyed_at__isnull=False).exists()


def object_storage_name(case: Case, object_id: uuid.UUID) -> str:
    """Where object `object_id` of `case` is (or will be) stored. Knowing the name before
    writing lets a job record what it is about to write, so a killed job can be cleaned up."""
    try:
        record, _ = case_key_bytes(case.pk)
    except crypto.KeyUnavailable as exc:
        raise MediaGone(str(exc)) from exc
    return f"{record.key_id}/{object_id}.atv"


def object_write(
    *,
    case: Case,
    kind: str,
    src: IO[bytes],
    content_type: str = "application/octet-stream",
    object_id: uuid.UUID | None = None,
    chunk_size: int = crypto.DEFAULT_CHUNK_SIZE,
) -> VaultObject:
    """Encrypt `src` into storage under a fresh object key wrapped by the case key.

    Returns the object's row *unsaved*: the caller saves it (or, on failure, calls
    `objects_discard`). A failed write (disk full, network) leaves nothing behind.
    """
    try:
        record, case_key = case_key_bytes(case.pk)
    except crypto.KeyUnavailable as exc:
        raise MediaGone(str(exc)) from exc
    object_id = object_id or uuid.uuid4()
    object_key = crypto.new_key()
    name = f"{record.key_id}/{object_id}.atv"
    try:
        plain, cipher = write_encrypted(name, src, object_key, object_id, chunk_size)
    except BaseException:
        _delete_quietly(name)
        raise
    return VaultObject(
        id=object_id,
        case=case,
        kind=kind,
        storage_name=name,
        wrapped_key=crypto.wrap_key(case_key, object_key, context=_object_context(object_id)),
        content_type=content_type,
        plaintext_size=plain,
        ciphertext_size=cipher,
    )


def _delete_quietly(name: str) -> None:
    try:
        delete_ciphertext(name)
    except Exception:
        logger.exception("Could not remove the vault object %s", name)


def objects_discard(objects: Iterable[VaultObject]) -> None:
    """Remove the stored ciphertext of objects whose rows were never saved (or rolled back).

    Called when something failed after the objects were written. The failure may have come after
    their rows were committed (a hook run on commit, such as handing the next job to a task
    queue that is down): an object whose row is saved is kept. When the rows cannot be read
    (the database is gone), nothing is removed here; the orphan sweep removes what no row claims.
    """
    names = [obj.storage_name for obj in objects]
    if not names:
        return
    try:
        claimed = set(
            VaultObject.objects.filter(storage_name__in=names).values_list(
                "storage_name", flat=True
            )
        )
    except Exception:
        logger.warning("Could not tell which of %d written objects were saved", len(names))
        return
    for name in names:
        if name not in claimed:
            _delete_quietly(name)


def names_discard(names: Iterable[str]) -> None:
    """Remove stored ciphertext by name, unless a saved object claims it."""
    names = list(names)
    claimed = set(
        VaultObject.objects.filter(storage_name__in=names).values_list("storage_name", flat=True)
    )
    for name in names:
        if name not in claimed:
            _delete_quietly(name)


def case_key_hold(case: Case) -> None:
    """Lock the case's key row until the transaction ends; MediaGone if it was destroyed.

    Call it in the transaction that saves new objects, so none is saved for a case whose media
    was destroyed while the object was being written.
    """
    key = CaseKey.objects.select_for_update().filter(case=case).first()
    if key is None or key.destroyed_at is not None:
        raise MediaGone("This case's media has been destroyed.")


def object_store(
    *,
    case: Case,
    kind: str,
    src: IO[bytes],
    content_type: str = "application/octet-stream",
    chunk_size: int = crypto.DEFAULT_CHUNK_SIZE,
) -> VaultObject:
    """Encrypt `src` into the vault and save its row."""
    obj = object_write(
        case=case, kind=kind, src=src, content_type=content_type, chunk_size=chunk_size
    )
    try:
        with transaction.atomic():
            case_key_hold(case)
            obj.save(force_insert=True)
    except BaseException:
        objects_discard([obj])
        raise
    return obj


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


def object_reader(obj: VaultObject) -> RangeFile:
    """The object as a read-only, seekable file, decrypted a window at a time in memory (for
    PyAV to demux from): no plaintext of it is ever written to disk."""
    return RangeFile(lambda start, end: object_read_range(obj, start, end), obj.plaintext_size)


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
    """Delete the row now and the ciphertext once the transaction commits, so a rollback never
    leaves a row whose file is gone (a file whose row is gone is removed by the orphan sweep)."""
    name = obj.storage_name
    obj.delete()
    transaction.on_commit(lambda: _delete_quietly(name))


def case_media_destroy(*, case: Case, reason: str, actor: User | None) -> DeletionReceipt:
    """Crypto-shred a case's media: destroy the case key, delete every object, remove the
    working folders of any job on the case's media (a decrypted source being transcoded, a
    clip being cut), keep a receipt that counts each."""
    with transaction.atomic():
        key = CaseKey.objects.select_for_update().filter(case=case).first()
        objects = list(VaultObject.objects.select_for_update().filter(case=case))
        if key is None:
            # No media yet: record the key as destroyed anyway, so none can be added later.
            key = CaseKey.objects.create(
                case=case, wrapped_key=None, master_fingerprint="", destroyed_at=timezone.now()
            )
        elif key.destroyed_at is None:
            key.wrapped_key = None
            key.destroyed_at = timezone.now()
            key.save(update_fields=["wrapped_key", "destroyed_at"])
        listing = [{"id": str(o.id), "kind": o.kind, "bytes": o.ciphertext_size} for o in objects]
        scratch = scratch_destroy_for_case(case.pk)
        receipt = DeletionReceipt.objects.create(
            case=case,
            reason=reason,
            actor=actor,
            key_id=key.key_id,
            object_count=len(objects),
            total_bytes=sum(o.ciphertext_size for o in objects),
            items=listing,
            scratch_dirs=scratch,
        )
        names = [o.storage_name for o in objects]
        VaultObject.objects.filter(pk__in=[o.pk for o in objects]).delete()
        audit_record(
            actor=actor,
            action=AuditAction.MEDIA_DESTROYED,
            case=case,
            obj=receipt,
            details={
                "reason": reason,
                "objects": len(objects),
                "bytes": receipt.total_bytes,
                **({"scratch_dirs": scratch} if scratch else {}),
            },
        )

    def _delete_files() -> None:
        # The key is already gone, so what is left in storage can no longer be read; still,
        # delete it. A failure here is logged and retried by the orphan sweep.
        for name in names:
            _delete_quietly(name)

    transaction.on_commit(_delete_files)
    return receipt


def orphans_sweep(*, min_age_seconds: int, keep: Collection[str] = ()) -> int:
    """Delete stored ciphertext that no object row claims (left by a worker killed mid-write).

    Only files untouched for `min_age_seconds` go, so a write in progress is never removed;
    `keep` names files a live job has written but not yet committed. Read `keep` before calling:
    the rows are read here, after it, so a job that commits in between is still covered.
    """
    from attune.vault.storage import list_names, vault_storage

    storage = vault_storage()
    known = set(VaultObject.objects.values_list("storage_name", flat=True))
    keep = set(keep)
    cutoff = timezone.now() - timedelta(seconds=min_age_seconds)
    removed = 0
    for name in list_names():
        if name in known or name in keep:
            continue
        try:
            if storage.get_modified_time(name) > cutoff:
                continue
        except FileNotFoundError:
            continue
        _delete_quietly(name)
        removed += 1
    if removed:
        logger.warning("Removed %d stored object(s) that no record claimed.", removed)
    return removed


def storage_mismatches() -> tuple[list[str], list[VaultObject]]:
    """(stored names that no row claims, rows whose ciphertext is missing): both empty when
    storage and database agree."""
    from attune.vault.storage import list_names

    stored = set(list_names())
    rows = list(VaultObject.objects.all())
    known = {o.storage_name for o in rows}
    return sorted(stored - known), [o for o in rows if o.storage_name not in stored]
