"""Processing a film: decrypt into scratch, probe, make playable, store every output encrypted.

How a job survives trouble:

* The job is claimed atomically; each claim counts an attempt, and the attempt number is the
  claim's token: every later write checks it, so a job superseded after its worker hung can
  never overwrite the attempt that replaced it.
* A heartbeat thread keeps `heartbeat_at` fresh while the job runs. A job whose heartbeat is
  older than ATTUNE_STALE_JOB_SECONDS lost its worker (killed, machine restarted) and is queued
  again, up to MAX_ATTEMPTS; then it fails with a retry button.
* Every job works in its own scratch dir (0700), removed in `finally`; dirs that a killed worker
  left behind are swept at start-up.
* Outputs are written to storage first, under names recorded in `Film.pending_objects` *before*
  writing, then their rows are saved in one short transaction. A failure deletes what was
  written; a killed worker's writes are deleted when its job is recovered.
"""

from __future__ import annotations

import errno
import json
import logging
import shutil
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from functools import partial
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from attune.analysis.services import analysis_enqueue
from attune.audit.services import audit_record
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
_SCRATCH_PREFIX = "film-"

# (output attribute on ProcessOutputs, Film field, vault kind, content type)
_OUTPUTS = [
    ("film_path", "playable", ObjectKind.PLAYABLE, "video/mp4"),
    ("poster_path", "poster", ObjectKind.POSTER, "image/jpeg"),
    ("sprite_path", "sprite", ObjectKind.SPRITE, "image/jpeg"),
    ("sprite_json_path", "sprite_index", ObjectKind.SPRITE_INDEX, "application/json"),
    ("waveform_path", "waveform", ObjectKind.WAVEFORM, "application/json"),
]


class Superseded(Exception):
    """This attempt no longer owns the job (it was recovered and claimed again)."""


class _Job:
    """One claimed attempt at processing a film."""

    def __init__(self, film: Film) -> None:
        self.film = film
        self.attempt = film.attempts
        self.scratch = Path(settings.SCRATCH_DIR) / f"{_SCRATCH_PREFIX}{film.pk}-{self.attempt}"
        self._last_report = 0.0
        self._stage = ""

    def mine(self) -> QuerySet[Film]:
        """The film row, only while this attempt still owns it."""
        return Film.objects.filter(
            pk=self.film.pk, status=FilmStatus.PROCESSING, attempts=self.attempt
        )

    def report(self, stage: str, fraction: float) -> None:
        """Progress for the page: a new stage at once, the percentage at most twice a second."""
        now = timezone.now().timestamp()
        if now - self._last_report < 0.5 and fraction < 1.0 and stage == self._stage:
            return
        self._last_report, self._stage = now, stage
        self.mine().update(stage=stage, progress=round(fraction, 4), heartbeat_at=timezone.now())

    def make_scratch(self) -> Path:
        root = Path(settings.SCRATCH_DIR)
        root.mkdir(parents=True, exist_ok=True, mode=0o700)
        shutil.rmtree(self.scratch, ignore_errors=True)
        self.scratch.mkdir(mode=0o700)
        return self.scratch


def _claim(film_id: str) -> _Job | None:
    """Atomically take a queued film. None when someone else has it or it is done."""
    claimed = Film.objects.filter(pk=film_id, status=FilmStatus.QUEUED).update(
        status=FilmStatus.PROCESSING,
        stage="starting",
        progress=0,
        heartbeat_at=timezone.now(),
        attempts=F("attempts") + 1,
    )
    if not claimed:
        return None
    return _Job(Film.objects.select_related("case").get(pk=film_id))


def heartbeat_interval() -> float:
    return max(0.2, min(30.0, settings.ATTUNE_STALE_JOB_SECONDS / 4))


@contextmanager
def _heartbeat(job: _Job) -> Iterator[None]:
    """Keep the job's heartbeat fresh from a thread, whatever the job is busy with."""
    stop = threading.Event()

    def beat() -> None:
        try:
            while not stop.wait(heartbeat_interval()):
                try:
                    job.mine().update(heartbeat_at=timezone.now())
                except Exception:
                    logger.warning("Could not record the heartbeat of %s", job.film.pk)
        finally:
            connection.close()

    thread = threading.Thread(target=beat, name=f"heartbeat-{job.film.pk}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=5)


def film_process(film_id: str) -> None:
    """Probe, make playable, poster, sprite and waveform; encrypt every output into the vault.

    Safe to run twice: only a queued film is claimed. Never raises for a bad file or a failed
    step: the film is marked failed with a reason a guider can act on.
    """
    job = _claim(film_id)
    if job is None:
        return
    try:
        with _heartbeat(job):
            _run(job)
    finally:
        shutil.rmtree(job.scratch, ignore_errors=True)


def _run(job: _Job) -> None:
    film = job.film
    try:
        scratch = job.make_scratch()
        src = scratch / "source"
        job.report("decrypting", 0.0)
        _assemble(job, src)
        result = media.probe(src, max_duration_s=settings.ATTUNE_FILM_MAX_MINUTES * 60)
        outputs = media.process(
            src,
            scratch / "out",
            result,
            max_height=settings.ATTUNE_FILM_MAX_HEIGHT,
            on_progress=job.report,
        )
        job.report("storing", 1.0)
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


def _assemble(job: _Job, dest: Path) -> None:
    """Decrypt the original (or the upload parts, in order) into the scratch dir."""
    film = job.film
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


def _fail(job: _Job, reason: str, *, drop_upload: bool) -> None:
    film = job.film
    try:
        with transaction.atomic():
            updated = job.mine().update(
                status=FilmStatus.FAILED,
                failure_reason=reason,
                stage="",
                heartbeat_at=None,
                pending_objects=[],
            )
            if not updated:
                return
            if drop_upload:
                film_parts_drop(film)
            audit_record(
                actor=None,
                action="film.failed",
                case=film.case,
                obj=film,
                details={"reason": reason},
            )
    except Exception:
        # Even the failure could not be recorded (database gone?): the heartbeat stops, so the
        # job is recovered later. Never let it escape into the worker.
        logger.exception("Could not record the failure of film %s", film.pk)


def _write(
    job: _Job, path: Path, kind: str, content_type: str, object_id: uuid.UUID
) -> VaultObject:
    with open(path, "rb") as fh:
        return object_write(
            case=job.film.case, kind=kind, src=fh, content_type=content_type, object_id=object_id
        )


def _store_outputs(
    job: _Job, src: Path, result: media.ProbeResult, outputs: media.ProcessOutputs
) -> None:
    film, case = job.film, job.film.case
    keep_original = settings.ATTUNE_KEEP_ORIGINAL and film.original_id is None
    plan = [(field, kind, ctype, getattr(outputs, attr)) for attr, field, kind, ctype in _OUTPUTS]
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
                action="film.ready",
                case=case,
                obj=film,
                details={"duration": outputs.duration, "remuxed": outputs.remuxed},
            )
            transaction.on_commit(partial(analysis_enqueue, film.pk))
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
    cutoff = timezone.now() - timedelta(seconds=settings.ATTUNE_STALE_JOB_SECONDS)
    stale = Film.objects.filter(status=FilmStatus.PROCESSING, heartbeat_at__lt=cutoff)
    count = 0
    for film_id in list(stale.values_list("pk", flat=True)):
        with transaction.atomic():
            film = (
                Film.objects.select_for_update()
                .select_related("case")
                .filter(pk=film_id, status=FilmStatus.PROCESSING, heartbeat_at__lt=cutoff)
                .first()
            )
            if film is None:
                continue
            pending = list(film.pending_objects)
            film.pending_objects = []
            film.heartbeat_at = None
            film.progress = 0
            if film.attempts >= MAX_ATTEMPTS:
                film.status = FilmStatus.FAILED
                film.stage = ""
                film.failure_reason = LOST_REASON.format(n=film.attempts)
                audit_record(
                    actor=None,
                    action="film.failed",
                    case=film.case,
                    obj=film,
                    details={"reason": film.failure_reason},
                )
            else:
                film.status = FilmStatus.QUEUED
                film.stage = "waiting (restarted)"
                audit_record(actor=None, action="film.requeued", case=film.case, obj=film)
                transaction.on_commit(partial(processing_enqueue, film_id))
            film.save()
        names_discard(pending)
        count += 1
    scratch_sweep()
    return count


def scratch_sweep() -> int:
    """Remove scratch dirs that no running job owns (left by a killed worker)."""
    root = Path(settings.SCRATCH_DIR)
    if not root.is_dir():
        return 0
    live = {
        f"{_SCRATCH_PREFIX}{pk}-{attempt}"
        for pk, attempt in Film.objects.filter(status=FilmStatus.PROCESSING).values_list(
            "pk", "attempts"
        )
    }
    removed = 0
    for path in root.iterdir():
        if path.name.startswith(_SCRATCH_PREFIX) and path.name not in live:
            shutil.rmtree(path, ignore_errors=True)
            removed += 1
    return removed


def pending_names() -> set[str]:
    """Storage names that running jobs are writing (the orphan sweep must leave them alone)."""
    names: set[str] = set()
    for pending in Film.objects.filter(status=FilmStatus.PROCESSING).values_list(
        "pending_objects", flat=True
    ):
        names.update(pending or [])
    return names
