"""Every change to consent, and to when a case's media ends, goes through here.

Atomic, checked and audited in the same transaction; background work is queued on commit.
"""

from __future__ import annotations

import hashlib
import io
import logging
import warnings
from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone
from PIL import Image, ImageOps, UnidentifiedImageError

from attune.accounts.models import Service, User
from attune.audit.actions import AuditAction
from attune.audit.services import audit_record
from attune.cases.models import Adult, Case
from attune.cases.services import require_case_guider
from attune.consent import wording
from attune.consent.models import (
    SCOPE_ORDER,
    ConsentForm,
    ConsentFormVersion,
    ConsentRecord,
    ConsentWithdrawal,
    Scope,
    SignatureMethod,
    WithdrawalChannel,
)
from attune.consent.selectors import active_scopes, current_record
from attune.core import hooks
from attune.core.errors import PermissionDenied, ServiceError
from attune.vault.models import ObjectKind, VaultObject
from attune.vault.services import MediaGone, object_store

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
                action=AuditAction.CONSENT_FORM_CREATED,
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
            action=AuditAction.CONSENT_FORM_VERSION_CREATED,
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


PAPER_TYPES = {"PNG": "image/png", "JPEG": "image/jpeg"}
MAX_PAPER_PIXELS = 60_000_000  # an A3 page at 600 dpi is about 70 MP; A4 at 300 dpi is 9 MP


def _clean_paper(data: bytes, content_type: str) -> tuple[bytes, str]:
    if not data:
        raise ServiceError("Choose the scanned or photographed signed form.", field="paper")
    if len(data) > MAX_PAPER_BYTES:
        raise ServiceError("The signed form must be 20 MB or smaller.", field="paper")
    if data.startswith(b"%PDF-"):
        return data, "application/pdf"
    refused = ServiceError(
        "The signed form must be a PDF, or a photo or scan as JPEG or PNG.", field="paper"
    )
    try:
        with warnings.catch_warnings():
            # A picture that claims to be enormous is refused before it is decoded.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                kind = image.format
                if kind not in PAPER_TYPES:
                    raise refused
                if image.width * image.height > MAX_PAPER_PIXELS:
                    raise ServiceError(
                        "The scan is too large a picture: scan it at 300 dpi or less.",
                        field="paper",
                    )
                image.load()
                # Re-encoded from its pixels, turned the way the camera meant: nothing else of
                # the file is kept (no EXIF, so no GPS position of the family's home).
                upright = ImageOps.exif_transpose(image)
                upright = upright.convert("RGB" if kind == "JPEG" else upright.mode)
    except ServiceError:
        raise
    except (
        UnidentifiedImageError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
        OSError,
        ValueError,
    ) as exc:
        raise refused from exc
    out = io.BytesIO()
    if kind == "JPEG":
        upright.save(out, format="JPEG", quality=90)
    else:
        upright.save(out, format="PNG", optimize=True)
    return out.getvalue(), PAPER_TYPES[kind]


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
    require_case_guider(actor, case)
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
            action=AuditAction.CONSENT_RECORDED,
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
        # None (from code) means every scope agreed now; from a person or a script the scopes
        # are always named, and an empty list is a mistake, never "everything".
        if scopes is not None and not scopes:
            raise ServiceError("Choose what to withdraw.", field="scopes")
        chosen = _clean_scopes(active if scopes is None else scopes, field="scopes")
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
            action=AuditAction.CONSENT_WITHDRAWN,
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
                action=AuditAction.CONSENT_SUPERVISION_ACCESS_ENDED,
                case=case,
                obj=withdrawal,
                details={"adult": latest.adult_id},
            )
        # Filming: retention locks the media now and destroys it in the background. Training:
        # moments unmark themselves. (Supervision needs nothing: every media read asks consent.)
        hooks.scope_withdrawn.send(
            sender=ConsentWithdrawal, actor=actor, case=case, withdrawal=withdrawal, scopes=chosen
        )
        case.save(update_fields=["updated_at"])
    return withdrawal
