"""Retention: the end of every film. Locking a case's media when filming consent is withdrawn,
planning and scheduling its deletion when the case closes, carrying deletions out (crypto-shred,
receipt), and the sweep that runs whatever is due.

This app sits above films, moments and analysis: it reacts to consent and case events through
the hooks in ``attune.core.hooks`` (see ``receivers``), so consent and cases never import it.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from functools import partial

from django.db import transaction
from django.utils import timezone

from attune.accounts.models import User
from attune.analysis.services import case_analyses_drop
from attune.audit.actions import AuditAction
from attune.audit.services import audit_record
from attune.cases.models import Case, CaseState
from attune.consent.models import (
    ConsentWithdrawal,
    DeletionReason,
    DeletionStatus,
    MediaDeletion,
)
from attune.consent.selectors import MediaState, media_state
from attune.core.dates import day
from attune.films.models import Film
from attune.films.services import film_stored_objects
from attune.moments.models import Render
from attune.vault.models import DeletionReceipt, VaultObject
from attune.vault.services import case_media_destroy, object_delete

logger = logging.getLogger(__name__)


def media_lock_for_withdrawal(*, actor: User, case: Case, withdrawal: ConsentWithdrawal) -> None:
    """Filming consent withdrawn: nobody can watch the case's media from now on, and it is
    destroyed in the background straight away."""
    if media_state(case) == MediaState.DESTROYED:
        return  # nothing left to lock or destroy
    now = timezone.now()
    deletion = MediaDeletion.objects.create(
        case=case,
        reason=DeletionReason.WITHDRAWAL,
        status=DeletionStatus.SCHEDULED,
        withdrawal=withdrawal,
        due_at=now,
        locked_at=now,
    )
    audit_record(
        actor=actor,
        action=AuditAction.MEDIA_LOCKED,
        case=case,
        obj=deletion,
        details={"reason": DeletionReason.WITHDRAWAL, "withdrawal": withdrawal.pk},
    )
    transaction.on_commit(partial(_enqueue_deletion, deletion.pk))


def _enqueue_deletion(deletion_id: int) -> None:
    from attune.retention.tasks import run_media_deletion

    try:
        run_media_deletion.enqueue(deletion_id)
    except Exception:  # the periodic sweep picks it up within a minute
        logger.exception("Could not queue media deletion %s", deletion_id)


# --- deleting --------------------------------------------------------------------------------------


def _receipt_reason(deletion: MediaDeletion) -> str:
    if deletion.reason == DeletionReason.WITHDRAWAL and deletion.withdrawal is not None:
        w = deletion.withdrawal
        return (
            f"Filming consent withdrawn: {w.asked_by} asked {w.get_channel_display().lower()} "
            f"on {day(w.asked_on)}."
        )[:300]
    days = deletion.retention_days or 0
    return (
        "Retention period ended: the case closed and its media was kept "
        f"{days} day{'s' if days != 1 else ''}."
    )


def media_deletion_run(*, deletion_id: int, now: datetime | None = None) -> DeletionReceipt | None:
    """Carry out one due deletion. Safe to run twice: only a scheduled, due row is taken."""
    now = now or timezone.now()
    with transaction.atomic():
        deletion = (
            MediaDeletion.objects.select_for_update(of=("self",))
            .select_related("case", "withdrawal", "withdrawal__recorded_by")
            .filter(pk=deletion_id)
            .first()
        )
        if (
            deletion is None
            or deletion.status != DeletionStatus.SCHEDULED
            or deletion.due_at is None
            or deletion.due_at > now
        ):
            return None
        case = deletion.case
        actor = deletion.withdrawal.recorded_by if deletion.withdrawal else None
        if deletion.locked_at is None:
            deletion.locked_at = now
        receipt = case_media_destroy(case=case, reason=_receipt_reason(deletion), actor=actor)
        # Speech and face timings were read from the films: they go with them.
        case_analyses_drop(case)
        # Whatever else was waiting for this case's media is done too: there is nothing left.
        others = list(
            MediaDeletion.objects.select_for_update()
            .filter(case=case, status__in=[DeletionStatus.WAITING, DeletionStatus.SCHEDULED])
            .exclude(pk=deletion.pk)
        )
        for row in [deletion, *others]:
            row.status = DeletionStatus.DONE
            row.done_at = now
            row.receipt = receipt
            row.last_error = ""
            if row.locked_at is None:
                row.locked_at = now
            row.save()
        audit_record(
            actor=None,
            action=AuditAction.MEDIA_DELETION_COMPLETED,
            case=case,
            obj=deletion,
            details={
                "reason": deletion.reason,
                "receipt": receipt.pk,
                "objects": receipt.object_count,
                "bytes": receipt.total_bytes,
                "also_completed": [row.pk for row in others],
            },
        )
    return receipt


def retention_sweep(*, now: datetime | None = None) -> list[DeletionReceipt]:
    """Delete every case's media whose time has come (withdrawals not yet done included)."""
    now = now or timezone.now()
    due = list(
        MediaDeletion.objects.filter(status=DeletionStatus.SCHEDULED, due_at__lte=now)
        .order_by("due_at", "pk")
        .values_list("pk", flat=True)
    )
    receipts = []
    for deletion_id in due:
        try:
            receipt = media_deletion_run(deletion_id=deletion_id, now=now)
        except Exception as exc:  # one failure must not stop the rest; it is retried next sweep
            logger.exception("Media deletion %s failed", deletion_id)
            MediaDeletion.objects.filter(pk=deletion_id).update(last_error=str(exc)[:2000])
            continue
        if receipt is not None:
            receipts.append(receipt)
    return receipts


def retention_after_transition(*, actor: User, case: Case, from_state: str) -> None:
    """After the case state machine moved a case (inside its transaction).

    Closing: the media will go `retention_days` after the case closes. Closed (or the work
    ended early): the countdown starts. Back from closing to the cycles: the plan is cancelled.
    """
    to_state = case.state
    waiting = MediaDeletion.objects.filter(
        case=case, reason=DeletionReason.RETENTION, status=DeletionStatus.WAITING
    )
    if to_state == CaseState.CLOSING:
        if waiting.exists() or media_state(case) == MediaState.DESTROYED:
            return
        deletion = MediaDeletion.objects.create(
            case=case,
            reason=DeletionReason.RETENTION,
            status=DeletionStatus.WAITING,
            retention_days=case.service.retention_days,
        )
        audit_record(
            actor=actor,
            action=AuditAction.RETENTION_PLANNED,
            case=case,
            obj=deletion,
            details={"days_after_closure": deletion.retention_days},
        )
    elif to_state == CaseState.IN_CYCLES and from_state == CaseState.CLOSING:
        for deletion in waiting:
            deletion.status = DeletionStatus.CANCELLED
            deletion.save(update_fields=["status"])
            audit_record(
                actor=actor, action=AuditAction.RETENTION_CANCELLED, case=case, obj=deletion
            )
    elif to_state in {CaseState.CLOSED, CaseState.WITHDRAWN}:
        if media_state(case) == MediaState.DESTROYED:
            waiting.update(status=DeletionStatus.CANCELLED)
            return
        now = timezone.now()
        days = case.service.retention_days
        deletion = waiting.first() or MediaDeletion(
            case=case, reason=DeletionReason.RETENTION, retention_days=days
        )
        days = deletion.retention_days if deletion.retention_days is not None else days
        deletion.retention_days = days
        deletion.status = DeletionStatus.SCHEDULED
        deletion.due_at = now + timedelta(days=days)
        deletion.save()
        audit_record(
            actor=actor,
            action=AuditAction.RETENTION_SCHEDULED,
            case=case,
            obj=deletion,
            details={"due_at": deletion.due_at, "days": days},
        )
        if days == 0:
            transaction.on_commit(partial(_enqueue_deletion, deletion.pk))


def review_films_delete(*, actor: User, case: Case, withdrawal: ConsentWithdrawal) -> int:
    """A film of the shared review is kept only for the guider's supervision: when an adult
    withdraws supervision consent, every review film on the case goes at once, with its
    moments, clips, stills and comments, and one audit event counts what went."""
    with transaction.atomic():
        films = list(Film.objects.of_review().select_for_update().filter(case=case))
        if not films:
            return 0
        objects = [obj for film in films for obj in film_stored_objects(film)]
        renders = Render.objects.filter(moment__film__in=films)
        rendered = {i for r in renders for i in (r.video_id, r.png_id, r.jpeg_id) if i is not None}
        objects += VaultObject.objects.filter(pk__in=rendered)
        moments = sum(film.moments.count() for film in films)
        film_ids = [str(film.pk) for film in films]
        for obj in objects:
            object_delete(obj)
        for film in films:
            film.delete()
        audit_record(
            actor=actor,
            action=AuditAction.FILM_REVIEW_FILMS_DELETED,
            case=case,
            obj=withdrawal,
            details={
                "films": film_ids,
                "moments": moments,
                "objects": len(objects),
                "bytes": sum(o.ciphertext_size for o in objects),
                "reason": "supervision consent withdrawn",
            },
        )
    return len(films)
