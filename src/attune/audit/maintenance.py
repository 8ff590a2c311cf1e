"""The worker writes a signed checkpoint of the audit chains every few minutes."""

from __future__ import annotations

from attune.audit.checkpoint import checkpoint_write
from attune.core.worker import on_worker_startup, periodic


@on_worker_startup
@periodic(seconds=300)
def write_audit_checkpoint() -> None:
    checkpoint_write()
