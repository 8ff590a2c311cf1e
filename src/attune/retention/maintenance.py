"""The retention sweep, run by every worker at start-up and every minute after."""

from __future__ import annotations

from attune.core.worker import on_worker_startup, periodic
from attune.retention import services


@on_worker_startup
@periodic(seconds=60)
def retention_maintenance() -> None:
    services.retention_sweep()
