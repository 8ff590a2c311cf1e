"""Films: resumable encrypted upload, retry and clean-up. Processing is in `processing.py`."""

from __future__ import annotations

import errno
import io
import os
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from attune.accounts.models import User
from attune.audit.actions import AuditAction
from attune.audit.services import audit_record
from attune.cases.models import Case, CaseState, Cycle
from attune.core.errors import PermissionDenied, ServiceError
from attune.core.jobs import hand_over_on_commit
from attune.films.models import Film, FilmPurpose, FilmStatus, UploadPart
from attune.vault.models import ObjectKind, VaultObject
from attune.vault.services import MediaGone, object_delete, object_store

FILMABLE_STATES = {CaseState.AGREED, CaseState.IN_CYCLES}
#: A film of adult and child that is in, or on its way: a shared review can follow it.
FILM_ON_ITS_WAY = (FilmStatus.QUEUED, FilmStatus.PROCESSING, FilmStatus.READY)
UPLOAD_EXPIRED_REASON = "The upload was not finished in time and has been removed."


class UploadStorageFull(ServiceError):
    """The server could not store a chunk for lack of space: the client may send it again."""

    code = "storage_full"


def filming_blockers(case: Case) -> list[str]:
    """Why no film can be added to `case` now, in plain English. Empty when one can."""
    from attune.consent.selectors import filming_consent_blockers

    if case.state not in FILMABLE_STATES:
        return [
            "Films can be added once the work is agreed and until it starts closing "
            f"(this case is {case.get_state_display().lower()})."
        ]
    return filming_consent_blockers(case)


def case_may_film(case: Case) -> bool:
    """Filming needs an agreed piece of work that is still going on, and filming consent in
    force from every adult on the case (withdrawn consent also locks the media)."""
    return not filming_blockers(case)


def review_filming_blockers(case: Case, cycle: Cycle | None = None) -> list[str]:
    """Why the shared review cannot be filmed for supervision now. A film of the review shows
    the adult as well as the guider, so it needs what any film needs, and supervision consent
    from every adult on the case, since its only use is the guider's own supervision."""
    from attune.consent.models import Scope
    from attune.consent.selectors import adults_without

    blockers = filming_blockers(case)
    missing = adults_without(case, Scope.SUPERVISION)
    if missing:
        names = ", ".join(adult.name for adult in missing)
        blockers.append(
            "A film of the shared review is only for supervision, and needs every adult's "
            f"consent to use in supervision ({names} has not given it)."
            if len(missing) == 1
            else "A film of the shared review is only for supervision, and needs every "
            f"adult's consent to use in supervision ({names} have not given it)."
        )
    if (
        cycle is not None
        and not cycle.films.of_family().filter(status__in=FILM_ON_ITS_WAY).exists()
    ):
        blockers.append(
            "Upload this cycle's film of adult and child first: the shared review looks at "
            "clips from it."
        )
    return blockers


def _upload_blockers(case: Case, purpose: str, cycle: Cycle) -> list[str]:
    if purpose == FilmPurpose.REVIEW:
        return review_filming_blockers(case, cycle)
    return filming_blockers(case)


def _require_filming(actor: User, case: Case, cycle: Cycle, purpose: str) -> None:
    if case.guider_id != actor.pk:
        raise PermissionDenied("Only the case's guider can add films.")
    if purpose not in FilmPurpose.values:
        raise ServiceError("A film is either of adult and child or of the shared review.")
    blockers = _upload_blockers(case, purpose, cycle)
    if blockers:
        raise ServiceError(" ".join(blockers))


def film_upload_start(
    *,
    actor: User,
    case: Case,
    cycle: Cycle,
    filename: str,
    size: int,
    purpose: str = FilmPurpose.FAMILY,
) -> Film:
    _require_filming(actor, case, cycle, purpose)
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
            purpose=purpose,
            upload_size=size,
            upload_chunk_size=settings.ATTUNE_UPLOAD_CHUNK_BYTES,
            upload_expires_at=timezone.now() + timedelta(hours=settings.ATTUNE_UPLOAD_EXPIRY_HOURS),
        )
        audit_record(
            actor=actor,
            action=AuditAction.FILM_UPLOAD_STARTED,
            case=case,
            obj=film,
            details={"bytes": size, "purpose": purpose},
        )
    return film


def film_upload_chunk(*, actor: User, film: Film, index: int, data: bytes) -> Film:
    """Store chunk `index` (encrypted as it lands). Chunks must come in order; a chunk that
    was already stored is accepted again without change, so a client can safely resend."""
    if film.uploaded_by_id != actor.pk:
        raise PermissionDenied("Only the person who started this upload can continue it.")
    with transaction.atomic():
        film = Film.objects.select_for_update().select_related("case").get(pk=film.pk)
        if film.status == FilmStatus.EXPIRED or (
            film.status == FilmStatus.UPLOADING and film.upload_expires_at < timezone.now()
        ):
            raise ServiceError(
                "This upload was not finished in time and has been removed: start it again."
            )
        expected = film.next_chunk_index
        if film.status != FilmStatus.UPLOADING or index < expected:
            return film  # a resend of a chunk already stored: nothing changes
        blockers = _upload_blockers(film.case, film.purpose, film.cycle)
        if blockers:
            raise ServiceError(" ".join(blockers))
        if index > expected:
            raise ServiceError(
                f"Chunk {index} arrived before chunk {expected}: send chunk {expected} next.",
                field="index",
            )
        remaining = film.upload_size - film.upload_received
        want = min(film.upload_chunk_size, remaining)
        if len(data) != want:
            raise ServiceError(
                f"Chunk {index} should be {want} bytes but was {len(data)}.", field="body"
            )
        try:
            part = object_store(case=film.case, kind=ObjectKind.UPLOAD_PART, src=io.BytesIO(data))
        except MediaGone as exc:
            raise ServiceError(
                "This case's films have been deleted; no more can be added."
            ) from exc
        except OSError as exc:
            if exc.errno in {errno.ENOSPC, errno.EDQUOT}:
                raise UploadStorageFull(
                    "The server is out of storage space. Nothing was lost: the upload will carry "
                    "on when space is freed."
                ) from exc
            raise
        UploadPart.objects.create(film=film, index=index, size=len(data), object=part)
        film.upload_received += len(data)
        film.upload_expires_at = timezone.now() + timedelta(
            hours=settings.ATTUNE_UPLOAD_EXPIRY_HOURS
        )
        if film.upload_received == film.upload_size:
            film.status = FilmStatus.QUEUED
            film.stage = "waiting"
            audit_record(actor=actor, action=AuditAction.FILM_UPLOADED, case=film.case, obj=film)
            film_id = film.pk
            hand_over_on_commit(processing_enqueue, film_id)
        film.save()
    return film


def processing_enqueue(film_id: object) -> None:
    from attune.films.tasks import process_film

    process_film.enqueue(str(film_id))


def film_import(
    *,
    actor: User,
    case: Case,
    cycle: Cycle,
    path: Path,
    on_progress: Callable[[int, int], None] | None = None,
    purpose: str = FilmPurpose.FAMILY,
) -> Film:
    """The command line's way in: the same checks, encryption and audit as a browser upload."""
    size = path.stat().st_size
    film = film_upload_start(
        actor=actor, case=case, cycle=cycle, filename=path.name, size=size, purpose=purpose
    )
    with open(path, "rb") as fh:
        index = 0
        while data := fh.read(film.upload_chunk_size):
            film = film_upload_chunk(actor=actor, film=film, index=index, data=data)
            index += 1
            if on_progress is not None:
                on_progress(film.upload_received, size)
    return film


def film_retry(*, actor: User, film: Film) -> Film:
    if film.case.guider_id != actor.pk:
        raise PermissionDenied("Only the case's guider can retry processing.")
    with transaction.atomic():
        film = Film.objects.select_for_update().select_related("case").get(pk=film.pk)
        if film.status != FilmStatus.FAILED:
            raise ServiceError("Only a film that failed can be retried.")
        if not film.parts.exists() and film.original_id is None:
            raise ServiceError("The upload is no longer kept: upload the film again.")
        film.status = FilmStatus.QUEUED
        film.stage = "waiting"
        film.progress = 0
        film.failure_reason = ""
        film.attempts = 0
        film.save()
        audit_record(actor=actor, action=AuditAction.FILM_RETRIED, case=film.case, obj=film)
        film_id = film.pk
        hand_over_on_commit(processing_enqueue, film_id)
    return film


def film_may_retry(film: Film) -> bool:
    """Retrying helps only a film that failed while its upload is still kept: a file refused for
    what it is (not a video, a PDF) had its upload removed, and would fail the same way again."""
    return film.status == FilmStatus.FAILED and (
        film.original_id is not None or film.parts.exists()
    )


#: The film's own stored files, by field: whatever processing had made before it stopped.
FILM_OBJECT_FIELDS = ("original", "playable", "poster", "sprite", "sprite_index", "waveform")


def film_stored_objects(film: Film) -> list[VaultObject]:
    """Everything of `film` in the vault: its upload's parts and the files processing made."""
    objects = [part.object for part in film.parts.select_related("object")]
    return objects + [
        obj for name in FILM_OBJECT_FIELDS if (obj := getattr(film, name)) is not None
    ]


def film_remove(*, actor: User, film: Film) -> None:
    """Remove a film that could not be processed: its row, its upload and whatever processing
    made of it, from the vault, audited with the file's name. A film that is ready, or still
    uploading or processing, is not removed this way."""
    from attune.cases.services import require_case_guider

    require_case_guider(actor, film.case, what="remove a failed upload")
    with transaction.atomic():
        film = Film.objects.select_for_update().select_related("case").get(pk=film.pk)
        if film.status not in {FilmStatus.FAILED, FilmStatus.EXPIRED}:
            raise ServiceError("Only an upload that could not be processed can be removed.")
        objects = film_stored_objects(film)
        audit_record(
            actor=actor,
            action=AuditAction.FILM_REMOVED,
            case=film.case,
            obj=film,
            details={
                "filename": film.original_filename,
                "status": film.status,
                "objects": len(objects),
            },
        )
        film.delete()  # the upload parts' rows go with it
        for obj in objects:
            object_delete(obj)
        film.case.save(update_fields=["updated_at"])


def film_viewed(*, actor: User, film: Film) -> None:
    audit_record(actor=actor, action=AuditAction.FILM_VIEWED, case=film.case, obj=film)


def film_parts_drop(film: Film) -> None:
    """Delete an upload's encrypted parts (rows now, files once the transaction commits)."""
    for part in film.parts.select_related("object"):
        object_delete(part.object)


def film_uploads_expire() -> int:
    """Interrupted uploads stay resumable for ATTUNE_UPLOAD_EXPIRY_HOURS, then are removed."""
    count = 0
    candidates = Film.objects.filter(
        status=FilmStatus.UPLOADING, upload_expires_at__lt=timezone.now()
    ).values_list("pk", flat=True)
    for film_id in list(candidates):
        with transaction.atomic():
            # Checked again under the lock: a chunk may have arrived since.
            film = (
                Film.objects.select_for_update()
                .select_related("case")
                .filter(
                    pk=film_id, status=FilmStatus.UPLOADING, upload_expires_at__lt=timezone.now()
                )
                .first()
            )
            if film is None:
                continue
            film_parts_drop(film)
            film.status = FilmStatus.EXPIRED
            film.stage = ""
            film.failure_reason = UPLOAD_EXPIRED_REASON
            film.save(update_fields=["status", "stage", "failure_reason"])
            audit_record(
                actor=None, action=AuditAction.FILM_UPLOAD_EXPIRED, case=film.case, obj=film
            )
        count += 1
    return count
