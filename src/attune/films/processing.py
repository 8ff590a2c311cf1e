"""Processing a film: decrypt into scratch, probe, make playable, store every output encrypted.

The job runs on the job runner (`attune.core.jobs`): an atomic claim whose attempt number is
its token, a heartbeat, a private scratch dir swept when its worker dies, and audited recovery
(queued again up to MAX_ATTEMPTS, then failed with a retry button). What is particular to films:

* Outputs are written to storage first, under names recorded in `Film.pending_objects` *before*
  writing, then their rows are saved in one short transaction. A failure deletes what was
  written; a killed worker's writes are deleted when its job is recovered.
"""

from __future__ import annotations

import errno
import json
import logging
import uuid
from collections.abc import Callable
from functools import partial
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from attune.audit.actions import AuditAction
from attune.audit.services import audit_record, job_audit
from attune.core import hooks
from attune.core.jobs import Job, JobKind, Superseded, job_running, jobs_recover_stale
from attune.films import media
from attune.films.models import Film, FilmStatus
from attune.films.services import film_parts_drop, processing_enqueue
from attune.vault.models import ObjectKind, VaultObject
from attune.vault.services import (
    MediaGone,
    case_key_hold,
    names_discard,
    object_decrypt_to,
    object_storage_name,
    object_write,
    objects_discard,
)

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 3
DISK_FULL_REASON = (
    "The server ran out of disk space while processing this film. Nothing was kept from this "
    "attempt and your upload is safe: ask your administrator to free some space, then retry."
)
UNEXPECTED_REASON = (
    "Processing stopped unexpectedly. Your upload is safe: retry, and if it fails again ask "
    "your administrator to look at the server's log."
)
LOST_REASON = (
    "Processing was interrupted {n} times (the server stopped part-way). Your upload is safe: "
    "retry when the server is running normally."
)
DESTROYED_REASON = "The case's films have been deleted."

# Where each file the pipeline makes is stored, as its step declares it: (output, vault kind).
# ObjectKind() fails at import for a kind the vault does not know, not halfway through a film.
_OUTPUTS = [(output, ObjectKind(output.kind)) for output in media.OUTPUTS]


def _forget_pending(film: Film) -> Callable[[], None]:
    """A lost attempt may have written some outputs: forget them now, delete them after commit."""
    pending = list(film.pending_objects)
    Film.objects.filter(pk=film.pk).update(pending_objects=[], progress=0)
    return partial(names_discard, pending)


FILM_JOB = JobKind(
    name="film",
    model=Film,
    key="pk",
    queued=FilmStatus.QUEUED,
    running=FilmStatus.PROCESSING,
    failed=FilmStatus.FAILED,
    enqueue=processing_enqueue,
    case_path="case_id",
    audit=job_audit(lambda film: film.case),
    lost_reason=LOST_REASON,
    max_attempts=MAX_ATTEMPTS,
    select_related=("case",),
    claim_fields={"stage": "starting", "progress": 0},
    requeue_fields={"stage": "waiting (restarted)", "progress": 0},
    fail_fields={"stage": "", "pending_objects": []},
    on_lost=_forget_pending,
)


class _Progress:
    """Progress for the page: a new stage at once, the percentage at most twice a second."""

    def __init__(self, job: Job) -> None:
        self.job = job
        self._last_report = 0.0
        self._stage = ""

    def __call__(self, stage: str, fraction: float) -> None:
        now = timezone.now().timestamp()
        if now - self._last_report < 0.5 and fraction < 1.0 and stage == self._stage:
            return
        self._last_report, self._stage = now, stage
        self.job.mine().update(
            stage=stage, progress=round(fraction, 4), heartbeat_at=timezone.now()
        )


def film_process(film_id: str) -> None:
    """Probe, make playable, poster, sprite and waveform; encrypt every output into the vault.

    Safe to run twice: only a queued film is claimed. Never raises for a bad file or a failed
    step: the film is marked failed with a reason a guider can act on.
    """
    with job_running(FILM_JOB, film_id) as job:
        if job is not None:
            _run(job)


def _run(job: Job) -> None:
    film: Film = job.row
    report = _Progress(job)
    try:
        scratch = job.scratch
        src = scratch / "source"
        report("decrypting", 0.0)
        _assemble(film, src)
        result = media.probe(src, max_duration_s=settings.ATTUNE_FILM_MAX_MINUTES * 60)
        outputs = media.process(
            src,
            scratch / "out",
            result,
            max_height=settings.ATTUNE_FILM_MAX_HEIGHT,
            on_progress=report,
        )
        report("storing", 1.0)
        _store_outputs(job, src, result, outputs)
    except Superseded:
        logger.warning(
            "Film %s attempt %s was superseded; its work is dropped", film.pk, job.attempt
        )
    except media.MediaRejected as exc:
        _fail(job, exc.reason, drop_upload=True)
    except MediaGone:
        _fail(job, DESTROYED_REASON, drop_upload=False)
    except OSError as exc:
        if exc.errno in {errno.ENOSPC, errno.EDQUOT}:
            logger.error("Film %s: disk full while processing", film.pk)
            _fail(job, DISK_FULL_REASON, drop_upload=False)
        else:
            logger.exception("Film %s failed", film.pk)
            _fail(job, UNEXPECTED_REASON, drop_upload=False)
    except Exception:
        logger.exception("Film %s failed", film.pk)
        _fail(job, UNEXPECTED_REASON, drop_upload=False)


def _assemble(film: Film, dest: Path) -> None:
    """Decrypt the original (or the upload parts, in order) into the job's private scratch dir
    (the one plaintext a film job writes: ffmpeg transcodes from a file). It is removed when
    the job ends, by the sweep if the worker is killed, and with the case's media."""
    with open(dest, "wb") as out:
        if film.original_id is not None:
            object_decrypt_to(film.original, out)  # type: ignore[arg-type]
            return
        parts = list(film.parts.select_related("object").order_by("index"))
        if [p.index for p in parts] != list(range(len(parts))) or sum(
            p.size for p in parts
        ) != film.upload_size:
            raise media.MediaRejected(
                "The upload is incomplete (some of it is missing); upload the film again."
            )
        for part in parts:
            object_decrypt_to(part.object, out)


def _fail(job: Job, reason: str, *, drop_upload: bool) -> None:
    if job.fail(reason) and drop_upload:
        film_parts_drop(job.row)


def _write(job: Job, path: Path, kind: str, content_type: str, object_id: uuid.UUID) -> VaultObject:
    with open(path, "rb") as fh:
        return object_write(
            case=job.row.case, kind=kind, src=fh, content_type=content_type, object_id=object_id
        )


def _store_outputs(
    job: Job, src: Path, result: media.ProbeResult, outputs: media.ProcessOutputs
) -> None:
    film: Film = job.row
    case = film.case
    keep_original = settings.ATTUNE_KEEP_ORIGINAL and film.original_id is None
    plan = [
        (output.field, kind, output.content_type, outputs.path(output))
        for output, kind in _OUTPUTS
        if output.attr in outputs.files  # a step that did not apply made nothing
    ]
    if keep_original:
        plan.append(("original", ObjectKind.ORIGINAL, "application/octet-stream", src))
    ids = {field: uuid.uuid4() for field, *_ in plan}
    names = [object_storage_name(case, object_id) for object_id in ids.values()]
    # Record what is about to be written, so a killed worker's writes can be found and removed.
    if not job.mine().update(pending_objects=names):
        raise Superseded
    written: list[VaultObject] = []
    try:
        for field, kind, ctype, path in plan:
            written.append(_write(job, path, kind, ctype, ids[field]))
        with transaction.atomic():
            case_key_hold(case)
            if not job.mine().select_for_update().exists():
                raise Superseded
            VaultObject.objects.bulk_create(written)
            stored = {field: obj for (field, *_), obj in zip(plan, written, strict=True)}
            film_parts_drop(film)
            Film.objects.filter(pk=film.pk).update(
                status=FilmStatus.READY,
                stage="ready",
                progress=1.0,
                heartbeat_at=None,
                pending_objects=[],
                ready_at=timezone.now(),
                duration=outputs.duration,
                fps=outputs.fps,
                width=outputs.width,
                height=outputs.height,
                has_audio=outputs.has_audio,
                remuxed=outputs.remuxed,
                probe=json.loads(json.dumps(result.to_dict(), default=str)),
                **stored,
            )
            audit_record(
                actor=None,
                action=AuditAction.FILM_READY,
                case=case,
                obj=film,
                details={"duration": outputs.duration, "remuxed": outputs.remuxed},
            )
            # The moment finder queues its analysis (after commit) on this.
            hooks.film_ready.send(sender=Film, film=film)
    except BaseException:
        objects_discard(written)
        try:
            job.mine().update(pending_objects=[])
        except Exception:
            logger.exception("Could not clear the pending objects of film %s", film.pk)
        raise


# --- recovery -----------------------------------------------------------------------------------


def films_recover_stale() -> int:
    """Films whose worker died mid-job (no heartbeat for a while): remove what the dead attempt
    wrote, then queue the film again, or fail it with a retry button after MAX_ATTEMPTS."""
    return jobs_recover_stale(FILM_JOB)


def pending_names() -> set[str]:
    """Storage names that running jobs are writing (the orphan sweep must leave them alone)."""
    names: set[str] = set()
    for pending in Film.objects.filter(status=FilmStatus.PROCESSING).values_list(
        "pending_objects", flat=True
    ):
        names.update(pending or [])
    return names
