"""Signed checkpoints of every chain head, kept outside the database (a file in the data dir, and
printed for an operator to keep). Someone who can write to the database can drop the last events
of a chain, or a whole chain, and leave what remains consistent; a checkpoint remembers where each
chain had got to, so `attune audit verify` notices."""

from __future__ import annotations

import fcntl
import hmac
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone

from attune.audit.keying import audit_key, derived_key
from attune.audit.models import AuditChain, AuditEvent
from attune.audit.services import ChainProblem

CHECKPOINT_VERSION = 1


class CheckpointError(RuntimeError):
    """The checkpoint cannot be trusted (bad signature, unreadable) or would hide a loss."""


def checkpoint_path() -> Path:
    configured = getattr(settings, "ATTUNE_AUDIT_CHECKPOINT_FILE", None)
    return Path(configured) if configured else Path(settings.DATA_DIR) / "audit-checkpoint.json"


def _canonical(body: dict[str, Any]) -> bytes:
    return json.dumps(body, sort_keys=True, separators=(",", ":")).encode()


def _signature(body: dict[str, Any]) -> str:
    return hmac.new(derived_key(audit_key(), "checkpoint"), _canonical(body), "sha256").hexdigest()


def checkpoint_build() -> dict[str, Any]:
    """Every chain's head as the database has it now, signed with the audit key."""
    chains = {
        head.key: {"seq": head.last_seq, "hash": head.last_hash}
        for head in AuditChain.objects.order_by("key")
    }
    body: dict[str, Any] = {
        "version": CHECKPOINT_VERSION,
        "written_at": timezone.now().isoformat(timespec="seconds"),
        "chains": chains,
    }
    return {**body, "signature": _signature(body)}


def checkpoint_parse(text: str) -> dict[str, Any]:
    """A checkpoint read back, refused unless its signature is the audit key's."""
    try:
        data = json.loads(text)
        body = {k: data[k] for k in ("version", "written_at", "chains")}
        signature = str(data["signature"])
        chains = body["chains"]
        if not isinstance(chains, dict) or not all(
            isinstance(v, dict) and isinstance(v.get("seq"), int) and isinstance(v.get("hash"), str)
            for v in chains.values()
        ):
            raise ValueError("chains")
    except (ValueError, KeyError, TypeError) as exc:
        raise CheckpointError("The audit checkpoint is not a checkpoint Attune wrote.") from exc
    if not hmac.compare_digest(signature, _signature(body)):
        raise CheckpointError(
            "The audit checkpoint's signature is wrong: it was not written with this "
            "installation's audit key, or it has been changed. It is refused."
        )
    return data


def checkpoint_read(path: Path | None = None) -> dict[str, Any] | None:
    """The last checkpoint, or None when none has been written yet."""
    path = path or checkpoint_path()
    try:
        text = path.read_text()
    except FileNotFoundError:
        return None
    return checkpoint_parse(text)


def checkpoint_problems(checkpoint: dict[str, Any]) -> list[ChainProblem]:
    """What the database has lost since the checkpoint: a chain gone, or shorter than it was,
    or no longer passing through the event the checkpoint saw at its head."""
    problems: list[ChainProblem] = []
    heads = {head.key: head for head in AuditChain.objects.all()}
    for key, seen in sorted(checkpoint["chains"].items()):
        seq, digest = seen["seq"], seen["hash"]
        if seq == 0:
            continue
        head = heads.get(key)
        event = AuditEvent.objects.filter(chain=key, seq=seq).first()
        if head is None and event is None:
            problems.append(
                ChainProblem(
                    key, seq, None, f"missing: the whole chain ({seq} events at the checkpoint)"
                )
            )
        elif event is None:
            ends = head.last_seq if head is not None else 0
            problems.append(
                ChainProblem(
                    key,
                    seq,
                    None,
                    f"missing: the checkpoint saw the chain at #{seq}, it now ends at #{ends}",
                )
            )
        elif not hmac.compare_digest(event.hash, digest):
            problems.append(ChainProblem(key, seq, event.pk, "is not the event the checkpoint saw"))
    return problems


def checkpoint_write(path: Path | None = None) -> dict[str, Any]:
    """Write a new checkpoint (0600, replaced atomically) and return it. Refuses to move on from
    the last checkpoint if the database has lost anything since, so that a dropped tail is not
    blessed by the next periodic checkpoint; the old file is kept for the investigation."""
    path = path or checkpoint_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    # Several workers share a data dir: one at a time reads, checks and writes, each through a
    # file of its own, so two writers never interleave and an older checkpoint never lands last.
    lock_fd = os.open(path.with_name(path.name + ".lock"), os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        fcntl.flock(lock_fd, fcntl.LOCK_EX)
        previous = checkpoint_read(path)
        if previous is not None:
            lost = checkpoint_problems(previous)
            if lost:
                raise CheckpointError(
                    f"The audit trail has lost events since the last checkpoint: {lost[0]}. "
                    "The checkpoint was not moved on."
                )
        checkpoint = checkpoint_build()
        fd, pending = tempfile.mkstemp(dir=path.parent, prefix=path.name + ".", suffix=".new")
        try:
            with os.fdopen(fd, "w") as fh:
                fh.write(json.dumps(checkpoint, indent=1, sort_keys=True) + "\n")
                fh.flush()
                os.fsync(fh.fileno())
            os.chmod(pending, 0o600)
            os.replace(pending, path)
        except BaseException:
            Path(pending).unlink(missing_ok=True)
            raise
    finally:
        os.close(lock_fd)  # closing the file releases the lock
    return checkpoint
