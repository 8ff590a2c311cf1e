"""Upkeep the worker does for analyses: mark as failed those whose worker died part-way."""

from __future__ import annotations

from attune.analysis.services import analyses_recover_stale
from attune.core.worker import on_worker_startup, periodic


@on_worker_startup
@periodic(seconds=300)
def analysis_maintenance() -> None:
    analyses_recover_stale()
