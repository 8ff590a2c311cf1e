"""Thin tasks: take ids, call services, safe to run twice."""

from __future__ import annotations

from django_tasks import task

from attune.retention import services


@task()
def run_media_deletion(deletion_id: int) -> None:
    services.media_deletion_run(deletion_id=deletion_id)
