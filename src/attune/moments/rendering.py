"""Rendering a moment's files, as the worker does it, on the job runner (`attune.core.jobs`):
claim the render, cut the clip or the still from the encrypted film (read through the vault's
decrypting reader, so the film is never decrypted to disk), encrypt the files into the vault.
Safe to run twice; a render whose worker died is queued again, audited, up to the attempt
limit, by the upkeep in ``maintenance``."""

from __future__ import annotations

import logging
import uuid
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from attune.audit.actions import AuditAction
from attune.audit.services import audit_record, job_audit
from attune.core.jobs import Job, JobKind, Superseded, job_running, jobs_recover_stale
from attune.films.models import Film
from attune.moments import export, selectors
from attune.moments.models import MomentKind, Render, RenderStatus
from attune.vault.models import ObjectKind, VaultObject
from attune.vault.reader import RangeFile
from attune.vault.services import (
    MediaGone,
    case_key_hold,
    object_reader,
    object_write,
    objects_discard,
)

logger = logging.getLogger(__name__)


def enqueue_render(render_id: uuid.UUID | str) -> None:
    from attune.moments.tasks import render_moment

    render_moment.enqueue(str(render_id))


RENDER_JOB = JobKind(
    name="render",
    model=Render,
    key="pk",
    queued=RenderStatus.QUEUED,
    running=RenderStatus.RENDERING,
    failed=RenderStatus.FAILED,
    enqueue=enqueue_render,
    case_path="moment__film__case_id",
    audit=job_audit(lambda render: render.moment.film.case),
    lost_reason=(
        "Rendering was interrupted {n} times (the server stopped part-way). Ask for it again "
        "when the server is running normally."
    ),
    select_related=("moment__film__case", "moment__film__playable"),
)


def film_source(film: Film) -> RangeFile:
    """The playable film as a seekable file, decrypted a window at a time."""
    playable = film.playable
    if playable is None:
        raise MediaGone("The film is no longer kept.")
    return object_reader(playable)


def render_run(render_id: str) -> None:
    """Make a render's files and encrypt them into the vault. Safe to run twice: only a queued
    render is claimed."""
    with job_running(RENDER_JOB, render_id) as job:
        if job is not None:
            _render(job)


def _render(job: Job) -> None:
    render: Render = job.row
    film = render.moment.film
    scratch = job.scratch
    try:
        if not selectors.media_available(film.case):
            raise MediaGone("The case's media is locked or deleted.")
        rate = selectors.film_rate(film)
        source = film_source(film)
        files: dict[str, tuple[Path, str, str]] = {}
        method = ""
        if render.kind == MomentKind.CLIP:
            path = scratch / "clip.mp4"
            result = export.export_clip(
                source,
                path,
                rate=rate,
                start=render.start_frame,
                end=render.end_frame,
            )
            files["video"] = (path, ObjectKind.CLIP, "video/mp4")
            method = result.method
        else:
            png, jpeg = scratch / "still.png", scratch / "still.jpg"
            export.export_still(source, rate=rate, frame=render.start_frame, png=png, jpeg=jpeg)
            files["png"] = (png, ObjectKind.STILL, "image/png")
            files["jpeg"] = (jpeg, ObjectKind.STILL, "image/jpeg")
        _store_render(job, files, method)
    except Superseded:
        logger.warning(
            "Render %s attempt %s was superseded; its work is dropped", job.id, job.attempt
        )
    except export.ExportError as exc:
        job.fail(str(exc), finished_at=timezone.now())
    except MediaGone:
        job.fail("The film has been deleted.", finished_at=timezone.now())
    except Exception as exc:
        logger.exception("Render %s failed", job.id)
        job.fail(
            f"Rendering stopped unexpectedly: {exc}. Ask for it again.", finished_at=timezone.now()
        )


def _store_render(job: Job, files: dict[str, tuple[Path, str, str]], method: str) -> None:
    """Files, then rows: encrypt every file into storage first (no row lock held while
    encrypting), then save their rows and the render in one short transaction. If the render
    changed meanwhile, or anything fails, what was written is deleted; a killed worker's files
    have no rows and are removed by the orphan sweep."""
    render: Render = job.row
    case = render.moment.film.case
    written: list[tuple[str, VaultObject]] = []
    try:
        for name, (path, kind, content_type) in files.items():
            with open(path, "rb") as fh:
                written.append(
                    (name, object_write(case=case, kind=kind, src=fh, content_type=content_type))
                )
        with transaction.atomic():
            case_key_hold(case)
            if not job.mine().select_for_update().exists():
                raise Superseded  # the moment changed or went while we worked: keep nothing
            VaultObject.objects.bulk_create([obj for _, obj in written])
            job.update(
                status=RenderStatus.READY,
                method=method,
                heartbeat_at=None,
                finished_at=timezone.now(),
                failure_reason="",
                **dict(written),
            )
            audit_record(
                actor=None,
                action=AuditAction.RENDER_READY,
                case=case,
                obj=render,
                details={
                    "kind": render.kind,
                    "method": method,
                    "frames": render.end_frame - render.start_frame,
                },
            )
    except BaseException:
        objects_discard([obj for _, obj in written])
        raise


def renders_recover_stale() -> int:
    """Queue again the renders whose worker died mid-job (no heartbeat for a while), audited;
    fail them after the attempt limit."""
    return jobs_recover_stale(RENDER_JOB)
