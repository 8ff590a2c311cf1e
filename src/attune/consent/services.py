"""Every change to consent, and to when a case's media ends, goes through here.

Atomic, checked and audited in the same transaction; background work is queued on commit.
"""

from __future__ import annotations

import hashlib
import io
import logging
from datetime import date, datetime, timedelta
from functools import partial

from django.db import IntegrityError, transaction
from django.utils import timezone
from PIL import Image, UnidentifiedImageError

from attune.accounts.models import Service, User
from attune.analysis.services import case_analyses_drop
from attune.audit.services import audit_record
from attune.cases.models import Adult, Case, CaseState
from attune.cases.services import _require_guider
from attune.consent import wording
from attune.consent.models import (
    SCOPE_ORDER,
    ConsentForm,
    ConsentFormVersion,
    ConsentRecord,
    ConsentWithdrawal,
    DeletionReason,
    DeletionStatus,
    MediaDeletion,
    Scope,
    SignatureMethod,
    WithdrawalChannel,
)
from attune.consent.selectors import MediaState, active_scopes, current_record, media_state
from attune.core.errors import PermissionDenied, ServiceError
from attune.moments.services import moments_training_withdrawn
from attune.vault.models import DeletionReceipt, ObjectKind, VaultObject
from attune.vault.services import MediaGone, case_media_destroy, object_store

logger = logging.getLogger(__name__)

MAX_SIGNATURE_BYTES = 1024 * 1024
MAX_SIGNATURE_SIDE = 4000
MAX_PAPER_BYTES = 20 * 1024 * 1024


# --- consent forms ----------------------------------------------------------------------------------


def consent_form_default_ensure(*, service: Service) -> ConsentForm:
    """The service's consent form, seeded with the default wording the first time it is needed."""
    form = ConsentForm.objects.filter(service=service).order_by("pk").first()
    if form is not None:
        return form
    try:
        with transaction.atomic():
            form = ConsentForm.objects.create(service=service, name=wording.DEFAULT_FORM_NAME)
            version = ConsentFormVersion.objects.create(
                form=form,
                number=1,
                title=wording.DEFAULT_TITLE,
                introduction=wording.DEFAULT_INTRODUCTION,
                scope_texts={str(k): v for k, v in wording.DEFAULT_SCOPE_TEXTS.items()},
                closing=wording.DEFAULT_CLOSING,
            )
            audit_record(
                actor=None,
                action="consent_form.created",
                service=service,
                obj=version,
                details={"form": form.name, "version": 1},
            )
    except IntegrityError:  # another request seeded it first
        form = ConsentForm.objects.get(service=service, name=wording.DEFAULT_FORM_NAME)
    return form


def consent_form_current_version(*, service: Service) -> ConsentFormVersion:
    form = consent_form_default_ensure(service=service)
    version = form.current
    assert version is not None  # a form is always created with its first version
    return version


def consent_form_edit(
    *,
    actor: User,
    form: ConsentForm,
    title: str,
    introduction: str,
    scope_texts: dict[str, str],
    closing: str,
) -> ConsentFormVersion:
    """Editing never changes what anyone signed: it writes the next version."""
    if not actor.is_service_admin or actor.service_id != form.service_id:
        raise PermissionDenied("Only a service admin can change the consent form.")
    texts = {s.value: (scope_texts.get(s.value) or "").strip() for s in SCOPE_ORDER}
    for scope, text in texts.items():
        if not text:
            raise ServiceError("Every part of the form needs its wording.", field=f"scope_{scope}")
    if not title.strip():
        raise ServiceError("Give the form a title.", field="title")
    if not introduction.strip():
        raise ServiceError("Say what VIG is and what will happen.", field="introduction")
    if not closing.strip():
        raise ServiceError("Say how to withdraw and how films are kept.", field="closing")
    with transaction.atomic():
        ConsentForm.objects.select_for_update().filter(pk=form.pk).first()
        last = form.versions.order_by("-number").first()
        unchanged = last is not None and (
            last.title,
            last.introduction,
            last.scope_texts,
            last.closing,
        ) == (title.strip(), introduction.strip(), texts, closing.strip())
        if unchanged:
            raise ServiceError("Nothing was changed, so no new version was made.")
        version = ConsentFormVersion.objects.create(
            form=form,
            number=(last.number if last else 0) + 1,
            title=title.strip(),
            introduction=introduction.strip(),
            scope_texts=texts,
            closing=closing.strip(),
            created_by=actor,
        )
        audit_record(
            actor=actor,
            action="consent_form.version_created",
            service=form.service,
            obj=version,
            details={"form": form.name, "version": version.number},
        )
    return version


# --- recording consent ------------------------------------------------------------------------------


def _clean_scopes(scopes: list[str] | set[str] | tuple[str, ...], *, field: str) -> list[str]:
    unknown = set(scopes) - set(Scope.values)
    if unknown:
        raise ServiceError(f"Unknown scope: {', '.join(sorted(unknown))}.", field=field)
    return [s.value for s in SCOPE_ORDER if s.value in set(scopes)]


def _clean_signature_png(data: bytes) -> bytes:
    """A drawn signature: a real, non-blank PNG, re-encoded so nothing but pixels is kept."""
    if not data:
        raise ServiceError("Draw the signature in the box first.", field="signature")
    if len(data) > MAX_SIGNATURE_BYTES or not data.startswith(b"\x89PNG\r\n\x1a\n"):
        raise ServiceError(
            "The drawn signature could not be read; draw it again.", field="signature"
        )
    try:
        with Image.open(io.BytesIO(data)) as image:
            if max(image.size) > MAX_SIGNATURE_SIDE:
                raise ServiceError("The drawn signature is too large.", field="signature")
            image.load()
            rgba = image.convert("RGBA")
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise ServiceError(
            "The drawn signature could not be read; draw it again.", field="signature"
        ) from exc
    if rgba.getchannel("A").getbbox() is None or rgba.convert("L").getextrema() == (255, 255):
        raise ServiceError(
            "The signature box is empty: draw the signature first.", field="signature"
        )
    out = io.BytesIO()
    rgba.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _clean_paper(data: bytes, content_type: str) -> tuple[bytes, str]:
    if not data:
        raise ServiceError("Choose the scanned or photographed signed form.", field="paper")
    if len(data) > MAX_PAPER_BYTES:
        raise ServiceError("The signed form must be 20 MB or smaller.", field="paper")
    if data.startswith(b"%PDF-"):
        return data, "application/pdf"
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.verify()
            kind = image.format
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise ServiceError(
            "The signed form must be a PDF, or a photo or scan as JPEG or PNG.", field="paper"
        ) from exc
    types = {"PNG": "image/png", "JPEG": "image/jpeg"}
    if kind not in types:
        raise ServiceError(
            "The signed form must be a PDF, or a photo or scan as JPEG or PNG.", field="paper"
        )
    return data, types[kind]


def consent_record(
    *,
    actor: User,
    case: Case,
    adult: Adult,
    scopes: list[str],
    method: str,
    signed_on: date | None = None,
    typed_name: str = "",
    confirmed: bool = False,
    signature_png: bytes | None = None,
    paper: bytes | None = None,
    paper_content_type: str = "",
    child_view: str = "",
    form_version: ConsentFormVersion | None = None,
) -> ConsentRecord:
    """Record one adult's consent, witnessed by the case's guider.

    A new record replaces the adult's current one; to give up a scope, record a withdrawal
    (so that what happens to the media is never a side effect of re-signing).
    """
    _require_guider(actor, case)
    if adult.case_id != case.pk:
        raise ServiceError("That adult is not part of this case.", field="adult")
    chosen = _clean_scopes(scopes, field="scopes")
    if not chosen:
        raise ServiceError("Tick at least one part that the adult agrees to.", field="scopes")
    signed_on = signed_on or timezone.localdate()
    if signed_on > timezone.localdate():
        raise ServiceError("The date signed cannot be in the future.", field="signed_on")
    if form_version is None:
        form_version = consent_form_current_version(service=case.service)
    elif form_version.form.service_id != case.service_id:
        raise ServiceError("That consent form belongs to another service.", field="form_version")
    if method not in SignatureMethod.values:
        raise ServiceError("Choose how the adult signs.", field="method")

    document: bytes | None = None
    document_type = ""
    typed_name = typed_name.strip()
    if method == SignatureMethod.TYPED:
        if not typed_name:
            raise ServiceError("Type the adult's full name as their signature.", field="typed_name")
        if not confirmed:
            raise ServiceError(
                "The adult must tick to confirm that their typed name is their signature.",
                field="confirmed",
            )
    elif method == SignatureMethod.DRAWN:
        document, document_type = _clean_signature_png(signature_png or b""), "image/png"
    else:
        document, document_type = _clean_paper(paper or b"", paper_content_type)

    with transaction.atomic():
        previous = current_record(adult)
        if previous is not None:
            still_active = active_scopes(previous)
            dropped = [s for s in SCOPE_ORDER if s.value in still_active - set(chosen)]
            if dropped:
                labels = ", ".join(s.label.lower() for s in dropped)
                raise ServiceError(
                    f"{adult.name} has agreed to {labels}. To stop that, record a withdrawal "
                    "rather than signing again without it.",
                    field="scopes",
                )
        stored: VaultObject | None = None
        if document is not None:
            try:
                stored = object_store(
                    case=case,
                    kind=ObjectKind.DOCUMENT,
                    src=io.BytesIO(document),
                    content_type=document_type,
                )
            except MediaGone as exc:
                raise ServiceError(
                    "This case's stored media has been destroyed, so a signature image cannot "
                    "be kept: record consent by typed name instead.",
                    field="method",
                ) from exc
        record = ConsentRecord.objects.create(
            case=case,
            adult=adult,
            form_version=form_version,
            scopes=chosen,
            method=method,
            typed_name=typed_name if method == SignatureMethod.TYPED else "",
            confirmed=confirmed if method == SignatureMethod.TYPED else False,
            document_id=stored.pk if stored else None,
            document_sha256=hashlib.sha256(document).hexdigest() if document else "",
            document_type=document_type,
            signed_on=signed_on,
            witness=actor,
            child_view=child_view.strip(),
        )
        audit_record(
            actor=actor,
            action="consent.recorded",
            case=case,
            obj=record,
            details={
                "adult": adult.pk,
                "scopes": chosen,
                "method": method,
                "form_version": form_version.pk,
                "version_number": form_version.number,
                "replaces": str(previous.pk) if previous else None,
            },
        )
        case.save(update_fields=["updated_at"])
    return record


# --- withdrawing --------------------------------------------------------------------------------------


def consent_withdraw(
    *,
    actor: User,
    record: ConsentRecord,
    scopes: list[str] | None,
    asked_by: str,
    channel: str,
    asked_on: date | None = None,
    note: str = "",
) -> ConsentWithdrawal:
    """Withdraw some or all scopes of an adult's current consent, at any stage of the work.

    Filming withdrawn: the case's media is locked at once (nobody can watch it) and destroyed in
    the background. Supervision withdrawn: the supervisor's access to the media ends at once,
    because every media read asks the consent gate.
    """
    case = record.case
    if case.guider_id != actor.pk:
        raise PermissionDenied("Only the case's guider records a withdrawal.")
    if not asked_by.strip():
        raise ServiceError("Say who asked to withdraw.", field="asked_by")
    if channel not in WithdrawalChannel.values:
        raise ServiceError("Say how they asked.", field="channel")
    asked_on = asked_on or timezone.localdate()
    if asked_on > timezone.localdate():
        raise ServiceError("The date they asked cannot be in the future.", field="asked_on")
    with transaction.atomic():
        latest = current_record(record.adult)
        if latest is None or latest.pk != record.pk:
            raise ServiceError(
                "This record was replaced by a later one: withdraw from the current record."
            )
        active = active_scopes(latest)
        chosen = _clean_scopes(scopes if scopes else active, field="scopes")
        if not active:
            raise ServiceError("Nothing is left to withdraw from this record.")
        not_active = set(chosen) - active
        if not_active:
            raise ServiceError("Only scopes that are agreed now can be withdrawn.", field="scopes")
        withdrawal = ConsentWithdrawal.objects.create(
            record=latest,
            scopes=chosen,
            asked_by=asked_by.strip(),
            channel=channel,
            asked_on=asked_on,
            note=note.strip(),
            recorded_by=actor,
        )
        audit_record(
            actor=actor,
            action="consent.withdrawn",
            case=case,
            obj=withdrawal,
            details={
                "record": str(latest.pk),
                "adult": latest.adult_id,
                "scopes": chosen,
                "asked_by": withdrawal.asked_by,
                "channel": channel,
                "asked_on": asked_on,
            },
        )
        if Scope.SUPERVISION in chosen:
            audit_record(
                actor=actor,
                action="consent.supervision_access_ended",
                case=case,
                obj=withdrawal,
                details={"adult": latest.adult_id},
            )
        if Scope.TRAINING in chosen:
            moments_training_withdrawn(actor=actor, case=case)
        if Scope.FILMING in chosen:
            _lock_for_withdrawal(actor=actor, case=case, withdrawal=withdrawal)
        case.save(update_fields=["updated_at"])
    return withdrawal


def _lock_for_withdrawal(*, actor: User, case: Case, withdrawal: ConsentWithdrawal) -> None:
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
        action="media.locked",
        case=case,
        obj=deletion,
        details={"reason": DeletionReason.WITHDRAWAL, "withdrawal": withdrawal.pk},
    )
    transaction.on_commit(partial(_enqueue_deletion, deletion.pk))


def _enqueue_deletion(deletion_id: int) -> None:
    from attune.consent.tasks import run_media_deletion

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
            f"on {w.asked_on:%d %b %Y}."
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
            action="media_deletion.completed",
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
    """Called by the case state machine inside its transaction.

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
            action="retention.planned",
            case=case,
            obj=deletion,
            details={"days_after_closure": deletion.retention_days},
        )
    elif to_state == CaseState.IN_CYCLES and from_state == CaseState.CLOSING:
        for deletion in waiting:
            deletion.status = DeletionStatus.CANCELLED
            deletion.save(update_fields=["status"])
            audit_record(actor=actor, action="retention.cancelled", case=case, obj=deletion)
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
            action="retention.scheduled",
            case=case,
            obj=deletion,
            details={"due_at": deletion.due_at, "days": days},
        )
        if days == 0:
            transaction.on_commit(partial(_enqueue_deletion, deletion.pk))
