"""Worker upkeep for renders: queue again what a killed worker left half done."""

from __future__ import annotations

from attune.core.worker import on_worker_startup, periodic
from attune.moments import rendering


@on_worker_startup
@periodic(seconds=60)
def moments_maintenance() -> None:
    rendering.renders_recover_stale()
