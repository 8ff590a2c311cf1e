"""Films: resumable encrypted upload, processing into a playable film, retry and clean-up."""

from __future__ import annotations

import errno
import io
import json
import logging
import os
import shutil
import time
from datetime import timedelta
from functools import partial
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from attune.accounts.models import User
from attune.audit.services import audit_record
from attune.cases.models import Case, CaseState, Cycle
from attune.core.errors import PermissionDenied, ServiceError
from attune.films import media
from attune.films.models import Film, FilmStatus, UploadPart
from attune.vault.models import ObjectKind, VaultObject
from attune.vault.services import (
    MediaGone,
    object_decrypt_to,
    object_delete,
    object_store,
    object_store_path,
)

logger = logging.getLogger(__name__)

FILMABLE_STATES = {CaseState.AGREED, CaseState.IN_CYCLES}
DISK_FULL_REASON = (
    "The server ran out of disk space while processing this film. Nothing was kept from this "
    "attempt and your upload is safe: ask your administrator to free some space, then retry."
)


def case_may_film(case: Case) -> bool:
    """Filming needs an agreed piece of work that is still going on (consent is checked too
    once consent records exist)."""
    return case.state in FILMABLE_STATES


def _require_filming(actor: User, case: Case) -> None:
    if case.guider_id != actor.pk:
        raise PermissionDenied("Only the case's guider can add films.")
    if not case_may_film(case):
        raise ServiceError(
            "Films can be added once the work is agreed and until it starts closing "
            f"(this case is {case.get_state_display().lower()})."
        )


def film_upload_start(*, actor: User, case: Case, cycle: Cycle, filename: str, size: int) -> Film:
    _require_filming(actor, case)
    if cycle.case_id != case.pk:
        raise ServiceError("That cycle belongs to another case.", field="cycle")
    if size <= 0:
        raise ServiceError("The file is empty (0 bytes): choose the film again.", field="size")
    limit = settings.ATTUNE_UPLOAD_MAX_BYTES
    if size > limit:
        raise ServiceError(
            f"The file is {size / 1024**3:.1f} GB; the limit is {limit / 1024**3:.1f} GB.",
            field="size",
        )
    with transaction.atomic():
        film = Film.objects.create(
            case=case,
            cycle=cycle,
            uploaded_by=actor,
            original_filename=os.path.basename(filename)[:255],
            upload_size=size,
            upload_chunk_size=settings.ATTUNE_UPLOAD_CHUNK_BYTES,
            upload_expires_at=timezone.now() + timedelta(hours=settings.ATTUNE_UPLOAD_EXPIRY_HOURS),
        )
        audit_record(
            actor=actor, action="film.upload_started", case=case, obj=film, details={"bytes": size}
        )
    return film


def film_upload_chunk(*, actor: User, film: Film, index: int, data: bytes) -> Film:
    """Store chunk `index` (encrypted as it lands). Chunks must come in order; a chunk that
    was already stored is accepted again without change, so a client can safely resend."""
    if film.uploaded_by_id != actor.pk:
        raise PermissionDenied("Only the person who started this upload can continue it.")
    with transaction.atomic():
        film = Film.objects.select_for_update().get(pk=film.pk)
        if film.status != FilmStatus.UPLOADING:
            if index < film.next_chunk_index or film.status != FilmStatus.EXPIRED:
                return film  # a late resend after completion: nothing to do
            raise ServiceError("This upload expired; start it again.")
        expected = film.next_chunk_index
        if index < expected:
            return film
        if index > expected:
            raise ServiceError(f"Chunk {index} arrived before chunk {expected}.", field="index")
        remaining = film.upload_size - film.upload_received
        want = min(film.upload_chunk_size, remaining)
        if len(data) != want:
            raise ServiceError(
                f"Chunk {index} should be {want} bytes but was {len(data)}.", field="body"
            )
        part = object_store(case=film.case, kind=ObjectKind.UPLOAD_PART, src=io.BytesIO(data))
        UploadPart.objects.create(film=film, index=index, size=len(data), object=part)
        film.upload_received += len(data)
        film.upload_expires_at = timezone.now() + timedelta(
            hours=settings.ATTUNE_UPLOAD_EXPIRY_HOURS
        )
        if film.upload_received == film.upload_size:
            film.status = FilmStatus.QUEUED
            film.stage = "waiting"
            audit_record(actor=actor, action="film.uploaded", case=film.case, obj=film)
            transaction.on_commit(lambda: _enqueue(film.pk))
        film.save()
    return film


def _enqueue(film_id: object) -> None:
    from attune.films.tasks import process_film

    process_film.enqueue(str(film_id))


def film_import(
    *, actor: User, case: Case, cycle: Cycle, path: Path, on_progress: object = None
) -> Film:
    """The command line's way in: the same checks, encryption and audit as a browser upload."""
    size = path.stat().st_size
    film = film_upload_start(actor=actor, case=case, cycle=cycle, filename=path.name, size=size)
    with open(path, "rb") as fh:
        index = 0
        while data := fh.read(film.upload_chunk_size):
            film = film_upload_chunk(actor=actor, film=film, index=index, data=data)
            index += 1
            if callable(on_progress):
                on_progress(film.upload_received, size)
    return film


def film_retry(*, actor: User, film: Film) -> Film:
    if film.case.guider_id != actor.pk:
        raise PermissionDenied("Only the case's guider can retry processing.")
    with transaction.atomic():
        film = Film.objects.select_for_update().get(pk=film.pk)
        if film.status != FilmStatus.FAILED:
            raise ServiceError("Only a film that failed can be retried.")
        if not film.parts.exists() and film.original_id is None:
            raise ServiceError("The upload is no longer kept: upload the film again.")
        film.status = FilmStatus.QUEUED
        film.stage = "waiting"
        film.progress = 0
        film.failure_reason = ""
        film.save()
        audit_record(actor=actor, action="film.retried", case=film.case, obj=film)
        transaction.on_commit(lambda: _enqueue(film.pk))
    return film


# --- processing ---------------------------------------------------------------------------------


def _scratch_dir(film: Film) -> Path:
    root = Path(settings.SCRATCH_DIR)
    root.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = root / f"film-{film.pk}"
    shutil.rmtree(path, ignore_errors=True)  # a killed earlier attempt may have left one
    path.mkdir(mode=0o700)
    return path


def _claim(film_id: str) -> Film | None:
    """Atomically take a queued film. Returns None when someone else has it or it is done."""
    now = timezone.now()
    claimed = Film.objects.filter(pk=film_id, status=FilmStatus.QUEUED).update(
        status=FilmStatus.PROCESSING, stage="starting", progress=0, heartbeat_at=now
    )
    if not claimed:
        return None
    film = Film.objects.select_related("case").get(pk=film_id)
    Film.objects.filter(pk=film_id).update(attempts=film.attempts + 1)
    return film


class _Progress:
    """Writes progress at most twice a second; each write is also the job's heartbeat."""

    def __init__(self, film: Film) -> None:
        self.film = film
        self.last = 0.0

    def __call__(self, stage: str, fraction: float) -> None:
        now = time.monotonic()
        if now - self.last < 0.5 and fraction < 1.0:
            return
        self.last = now
        Film.objects.filter(pk=self.film.pk, status=FilmStatus.PROCESSING).update(
            stage=stage, progress=round(fraction, 4), heartbeat_at=timezone.now()
        )


def _assemble(film: Film, dest: Path) -> None:
    """Decrypt the original (or the upload parts, in order) into the scratch dir."""
    with open(dest, "wb") as out:
        if film.original_id is not None:
            object_decrypt_to(film.original, out)  # type: ignore[arg-type]
            return
        for part in film.parts.select_related("object").order_by("index"):
            object_decrypt_to(part.object, out)


def _fail(film: Film, reason: str, *, drop_upload: bool) -> None:
    with transaction.atomic():
        Film.objects.filter(pk=film.pk).update(
            status=FilmStatus.FAILED, failure_reason=reason, stage="", heartbeat_at=None
        )
        if drop_upload:
            _drop_parts(film)
        audit_record(
            actor=None, action="film.failed", case=film.case, obj=film, details={"reason": reason}
        )


def _drop_parts(film: Film) -> None:
    for part in film.parts.select_related("object"):
        object_delete(part.object)


def film_process(film_id: str) -> None:
    """Probe, make playable, poster, sprite and waveform; encrypt every output into the vault.

    Safe to run twice: only a queued film is claimed. Scratch files go in `finally`; outputs
    are stored in one transaction, so a failure or a killed worker leaves nothing half-stored.
    """
    film = _claim(film_id)
    if film is None:
        return
    scratch = _scratch_dir(film)
    report = _Progress(film)
    try:
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
        _store_outputs(film, src, result, outputs)
    except media.MediaRejected as exc:
        _fail(film, exc.reason, drop_upload=True)
    except MediaGone:
        _fail(film, "The case's media was destroyed.", drop_upload=False)
    except OSError as exc:
        if exc.errno == errno.ENOSPC:
            _fail(film, DISK_FULL_REASON, drop_upload=False)
        else:
            logger.exception("Film %s failed", film_id)
            _fail(
                film, f"Processing stopped unexpectedly ({exc.strerror}); retry.", drop_upload=False
            )
    except Exception as exc:
        logger.exception("Film %s failed", film_id)
        _fail(
            film,
            f"Processing stopped unexpectedly: {exc}. Retry, or upload again.",
            drop_upload=False,
        )
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _store_outputs(
    film: Film, src: Path, result: media.ProbeResult, outputs: media.ProcessOutputs
) -> None:
    case = film.case
    with transaction.atomic():
        stored: dict[str, VaultObject] = {
            "playable": object_store_path(
                case=case,
                kind=ObjectKind.PLAYABLE,
                path=outputs.film_path,
                content_type="video/mp4",
            ),
            "poster": object_store_path(
                case=case,
                kind=ObjectKind.POSTER,
                path=outputs.poster_path,
                content_type="image/jpeg",
            ),
            "sprite": object_store_path(
                case=case,
                kind=ObjectKind.SPRITE,
                path=outputs.sprite_path,
                content_type="image/jpeg",
            ),
            "sprite_index": object_store_path(
                case=case,
                kind=ObjectKind.SPRITE_INDEX,
                path=outputs.sprite_json_path,
                content_type="application/json",
            ),
            "waveform": object_store_path(
                case=case,
                kind=ObjectKind.WAVEFORM,
                path=outputs.waveform_path,
                content_type="application/json",
            ),
        }
        original = film.original
        if settings.ATTUNE_KEEP_ORIGINAL and original is None:
            original = object_store_path(
                case=case,
                kind=ObjectKind.ORIGINAL,
                path=src,
                content_type="application/octet-stream",
            )
        _drop_parts(film)
        Film.objects.filter(pk=film.pk).update(
            status=FilmStatus.READY,
            stage="ready",
            progress=1.0,
            heartbeat_at=None,
            ready_at=timezone.now(),
            duration=outputs.duration,
            fps=outputs.fps,
            width=outputs.width,
            height=outputs.height,
            has_audio=outputs.has_audio,
            remuxed=outputs.remuxed,
            probe=json.loads(json.dumps(result.to_dict(), default=str)),
            original=original,
            **stored,
        )
        audit_record(
            actor=None,
            action="film.ready",
            case=case,
            obj=film,
            details={"duration": outputs.duration, "remuxed": outputs.remuxed},
        )


def film_viewed(*, actor: User, film: Film) -> None:
    audit_record(actor=actor, action="film.viewed", case=film.case, obj=film)


def films_recover_stale() -> int:
    """Put back in the queue the films whose worker died mid-job (no heartbeat for a while)."""
    cutoff = timezone.now() - timedelta(seconds=settings.ATTUNE_STALE_JOB_SECONDS)
    stale = list(
        Film.objects.filter(status=FilmStatus.PROCESSING, heartbeat_at__lt=cutoff).values_list(
            "pk", flat=True
        )
    )
    for film_id in stale:
        with transaction.atomic():
            updated = Film.objects.filter(
                pk=film_id, status=FilmStatus.PROCESSING, heartbeat_at__lt=cutoff
            ).update(status=FilmStatus.QUEUED, stage="waiting (restarted)", progress=0)
            if updated:
                film = Film.objects.select_related("case").get(pk=film_id)
                audit_record(actor=None, action="film.requeued", case=film.case, obj=film)
                transaction.on_commit(partial(_enqueue, film_id))
        shutil.rmtree(Path(settings.SCRATCH_DIR) / f"film-{film_id}", ignore_errors=True)
    return len(stale)


def film_uploads_expire() -> int:
    """Interrupted uploads stay resumable for ATTUNE_UPLOAD_EXPIRY_HOURS, then are removed."""
    count = 0
    for film in Film.objects.filter(
        status=FilmStatus.UPLOADING, upload_expires_at__lt=timezone.now()
    ).select_related("case"):
        with transaction.atomic():
            _drop_parts(film)
            Film.objects.filter(pk=film.pk).update(
                status=FilmStatus.EXPIRED,
                failure_reason="The upload was not finished in time and has been removed.",
            )
            audit_record(actor=None, action="film.upload_expired", case=film.case, obj=film)
        count += 1
    return count
