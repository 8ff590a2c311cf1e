"""The master key and the per-case keys it wraps."""

from __future__ import annotations

import hashlib
import os
from functools import cache, lru_cache
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, transaction

from attune.audit.actions import AuditAction
from attune.audit.services import audit_record
from attune.vault import crypto
from attune.vault.master import MasterKeyError, parse_master_key
from attune.vault.models import AuditKey, CaseKey


def _load_or_create_key_file(path: Path) -> bytes:
    if path.exists():
        mode = path.stat().st_mode & 0o777
        if mode & 0o077:
            raise MasterKeyError(
                f"The key file {path.name} must be readable by its owner only (0600)."
            )
        return parse_master_key(path.read_text())
    path.parent.mkdir(parents=True, exist_ok=True)
    key = crypto.new_key()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(key.hex())
    return key


@cache
def master_key() -> bytes:
    if settings.ATTUNE_MASTER_KEY:
        return parse_master_key(settings.ATTUNE_MASTER_KEY)
    return _load_or_create_key_file(Path(settings.ATTUNE_MASTER_KEY_FILE))


def fingerprint(key: bytes) -> str:
    return hashlib.sha256(b"attune-master-fingerprint" + key).hexdigest()[:16]


def _case_context(case_key: CaseKey) -> bytes:
    return b"case:" + str(case_key.key_id).encode()


def _current_master_key(record: CaseKey | AuditKey) -> bytes:
    """The master key that wraps `record`. After `attune keys rotate` in another process the
    cached key is stale: read it again rather than fail until a restart."""
    key = master_key()
    if record.master_fingerprint and record.master_fingerprint != fingerprint(key):
        master_key.cache_clear()
        key = master_key()
    return key


def _create_case_key(case_id: int) -> CaseKey:
    mk = master_key()
    record = CaseKey(case_id=case_id, master_fingerprint=fingerprint(mk))
    record.wrapped_key = crypto.wrap_key(mk, crypto.new_key(), context=_case_context(record))
    try:
        with transaction.atomic():
            record.save()
    except IntegrityError:
        # Another request made the case's key at the same moment: use that one.
        return CaseKey.objects.get(case_id=case_id)
    return record


def case_key_bytes(case_id: int, *, create: bool = True) -> tuple[CaseKey, bytes]:
    """The case's plaintext key. Raises KeyUnavailable once the key has been destroyed."""
    record = CaseKey.objects.filter(case_id=case_id).first()
    if record is None:
        if not create:
            raise crypto.KeyUnavailable("This case has no media key.")
        record = _create_case_key(case_id)
    if record.destroyed_at is not None or not record.wrapped_key:
        raise crypto.KeyUnavailable("This case's media has been destroyed.")
    return record, crypto.unwrap_key(
        _current_master_key(record),
        bytes(record.wrapped_key),
        context=_case_context(record),  # type: ignore[arg-type]
    )


AUDIT_KEY_CONTEXT = b"audit-chain"


@lru_cache(maxsize=4)
def _unwrap_audit_key(master: bytes, wrapped: bytes) -> bytes:
    return crypto.unwrap_key(master, wrapped, context=AUDIT_KEY_CONTEXT)


def audit_signing_key() -> bytes:
    """The audit chains' secret (made on first use), unwrapped with the master key. Rotating the
    master key re-wraps it, so events written before a rotation still verify after it."""
    record = AuditKey.objects.filter(name="audit").first()
    if record is None:
        mk = master_key()
        record = AuditKey(name="audit", master_fingerprint=fingerprint(mk))
        record.wrapped_key = crypto.wrap_key(mk, crypto.new_key(), context=AUDIT_KEY_CONTEXT)
        try:
            with transaction.atomic():
                record.save()
        except IntegrityError:
            record = AuditKey.objects.get(name="audit")
    return _unwrap_audit_key(_current_master_key(record), bytes(record.wrapped_key))  # type: ignore[arg-type]


def rotate_master_key(new_key: bytes) -> int:
    """Re-wrap every live case key under `new_key`. Media is not touched. Returns the count."""
    old = master_key()
    count = 0
    with transaction.atomic():
        for record in CaseKey.objects.select_for_update().filter(destroyed_at__isnull=True):
            record.wrapped_key = crypto.rewrap_key(
                old,
                new_key,
                bytes(record.wrapped_key),  # type: ignore[arg-type]
                context=_case_context(record),
            )
            record.master_fingerprint = fingerprint(new_key)
            record.save(update_fields=["wrapped_key", "master_fingerprint"])
            count += 1
        audit_record(
            actor=None,
            action=AuditAction.VAULT_MASTER_KEY_ROTATED,
            details={
                "case_keys": count,
                "from": fingerprint(old),
                "to": fingerprint(new_key),
            },
        )
        # After the event above, which is still keyed with the audit key wrapped under the old
        # master key: the audit key itself does not change, only its wrapping.
        for audit in AuditKey.objects.select_for_update():
            audit.wrapped_key = crypto.rewrap_key(
                old,
                new_key,
                bytes(audit.wrapped_key),  # type: ignore[arg-type]
                context=AUDIT_KEY_CONTEXT,
            )
            audit.master_fingerprint = fingerprint(new_key)
            audit.save(update_fields=["wrapped_key", "master_fingerprint"])
    return count
