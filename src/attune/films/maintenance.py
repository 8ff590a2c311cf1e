"""Work the worker does besides jobs: recover what a killed worker left, expire old uploads."""

from __future__ import annotations

from django.conf import settings

from attune.core.worker import on_worker_startup, periodic
from attune.films import processing, services
from attune.vault.services import orphans_sweep


@on_worker_startup
@periodic(seconds=60)
def films_maintenance() -> None:
    processing.films_recover_stale()
    services.film_uploads_expire()
    # Read what running jobs are writing before the sweep reads the saved objects.
    keep = processing.pending_names()
    orphans_sweep(min_age_seconds=settings.ATTUNE_STALE_JOB_SECONDS, keep=keep)
