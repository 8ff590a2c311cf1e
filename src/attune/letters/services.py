"""The closing letter: the service's template, drafting, saving versions, finalising (which
moves the case to closing), corrections, and what leaves Attune (exports, the stills pack)."""

from __future__ import annotations

import io
import zipfile

from django.db import transaction
from django.utils import timezone

from attune.accounts.models import Service, User
from attune.audit.actions import AuditAction
from attune.audit.services import audit_record
from attune.cases import services as case_services
from attune.cases.models import Case, CaseState
from attune.core.errors import PermissionDenied, ServiceError
from attune.letters import selectors
from attune.letters.drafting import PLACEHOLDERS, letter_draft_text, unknown_placeholders
from attune.letters.models import Letter, LetterState, LetterTemplate, LetterVersion
from attune.reviews.models import Rescaling
from attune.vault.services import MediaGone, object_read_all

TEXT_LIMIT = 50_000


def letter_template_save(*, actor: User, service: Service, body: str) -> LetterTemplate:
    if not actor.is_service_admin or actor.service_id != service.pk:
        raise PermissionDenied("Only a service admin can change the letter template.")
    body = body.strip()
    if not body:
        raise ServiceError("The template cannot be empty.", field="body")
    unknown = unknown_placeholders(body)
    if unknown:
        known = ", ".join("{" + name + "}" for name in PLACEHOLDERS)
        raise ServiceError(
            f"Attune does not know {', '.join('{' + u + '}' for u in unknown)}. Use: {known}.",
            field="body",
        )
    with transaction.atomic():
        template, _ = LetterTemplate.objects.update_or_create(
            service=service, defaults={"body": body, "updated_by": actor}
        )
        audit_record(
            actor=actor, action=AuditAction.LETTER_TEMPLATE_SAVED, service=service, obj=template
        )
    return template


def _require_guider(actor: User, case: Case) -> None:
    if case.guider_id != actor.pk:
        raise PermissionDenied("Only the case's guider can write the closing letter.")
    if case.state not in selectors.LETTER_STATES:
        raise ServiceError(
            "The closing letter is written while the work is in cycles or closing; this case is "
            f"{case.get_state_display().lower()}."
        )


def _add_version(*, actor: User, letter: Letter, text: str, reason: str = "") -> LetterVersion:
    text = text.strip()
    if not text:
        raise ServiceError("The letter cannot be empty.", field="text")
    if len(text) > TEXT_LIMIT:
        raise ServiceError("The letter is too long.", field="text")
    number = (letter.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    return LetterVersion.objects.create(
        letter=letter, number=number, text=text, reason=reason, created_by=actor
    )


def letter_draft(*, actor: User, case: Case) -> Letter:
    """The case's letter, drafted from the service's template and the work the first time."""
    _require_guider(actor, case)
    with transaction.atomic():
        Case.objects.select_for_update().get(pk=case.pk)
        letter, created = Letter.objects.get_or_create(case=case)
        if created:
            text = letter_draft_text(case, selectors.template_body(case.service))
            version = _add_version(actor=actor, letter=letter, text=text)
            audit_record(
                actor=actor,
                action=AuditAction.LETTER_DRAFTED,
                case=case,
                obj=letter,
                details={"version": version.number},
            )
    return letter


def letter_save(*, actor: User, letter: Letter, text: str, redraft: bool = False) -> LetterVersion:
    """Save the guider's edits (or a fresh draft from the work) as a new version."""
    case = letter.case
    _require_guider(actor, case)
    with transaction.atomic():
        letter = Letter.objects.select_for_update().get(pk=letter.pk)
        if letter.is_final:
            raise ServiceError(
                "This letter is final: make a correction, with its reason, instead.", field="text"
            )
        if redraft:
            text = letter_draft_text(case, selectors.template_body(case.service))
        current = letter.current
        if current is not None and current.text == text.strip():
            return current
        version = _add_version(actor=actor, letter=letter, text=text)
        letter.save(update_fields=["updated_at"])
        audit_record(
            actor=actor,
            action=AuditAction.LETTER_SAVED,
            case=case,
            obj=letter,
            details={"version": version.number, "redrafted": redraft},
        )
    return version


def letter_finalise(*, actor: User, letter: Letter, no_rescaling_reason: str = "") -> Letter:
    """Fix the letter and move the case to closing (closing starts retention as before)."""
    case = letter.case
    _require_guider(actor, case)
    reason = no_rescaling_reason.strip()
    if not Rescaling.objects.filter(question__case=case).exists() and not reason:
        raise ServiceError(
            "No helping question has been re-scaled in a shared review. Re-scale at a review, "
            "or say why the letter goes without it.",
            field="no_rescaling_reason",
        )
    with transaction.atomic():
        letter = Letter.objects.select_for_update().get(pk=letter.pk)
        if letter.is_final:
            raise ServiceError("This letter is already final.")
        letter.state = LetterState.FINAL
        letter.finalised_at = timezone.now()
        letter.finalised_by = actor
        letter.no_rescaling_reason = reason
        letter.save()
        current = letter.current
        audit_record(
            actor=actor,
            action=AuditAction.LETTER_FINALISED,
            case=case,
            obj=letter,
            details={"version": current.number if current else None, "reason": reason},
        )
        if case.state == CaseState.IN_CYCLES:
            case_services.case_transition(
                actor=actor, case=case, to_state=CaseState.CLOSING, reason="Closing letter final"
            )
    return letter


def letter_correct(*, actor: User, letter: Letter, text: str, reason: str) -> LetterVersion:
    """A final letter is never edited: a correction is a new version, with its reason."""
    case = letter.case
    if case.guider_id != actor.pk:
        raise PermissionDenied("Only the case's guider can correct the closing letter.")
    if not case.is_open:
        raise ServiceError("This case is closed; its letter can no longer change.")
    if not letter.is_final:
        raise ServiceError("The letter is still a draft: edit it and save.")
    if not reason.strip():
        raise ServiceError("Say why the final letter is corrected.", field="reason")
    with transaction.atomic():
        version = _add_version(actor=actor, letter=letter, text=text, reason=reason.strip())
        audit_record(
            actor=actor,
            action=AuditAction.LETTER_CORRECTED,
            case=case,
            obj=letter,
            details={"version": version.number, "reason": reason.strip()},
        )
    return version


def letter_exported(*, actor: User, letter: Letter, fmt: str, copy: str, stills: int) -> None:
    with transaction.atomic():
        _exported(actor=actor, letter=letter, fmt=fmt, copy=copy, stills=stills)


def _exported(*, actor: User, letter: Letter, fmt: str, copy: str, stills: int) -> None:
    audit_record(
        actor=actor,
        action=AuditAction.LETTER_EXPORTED,
        case=letter.case,
        obj=letter,
        details={"format": fmt, "copy": copy, "stills": stills},
    )


def stills_pack_build(*, actor: User, case: Case) -> bytes:
    """A zip of the chosen stills with captions, built in memory (never stored), audited."""
    if case.guider_id != actor.pk:
        raise PermissionDenied("Only the case's guider can download the family's stills.")
    blockers = selectors.stills_blockers(case)
    if blockers:
        raise ServiceError("The stills pack cannot be made. " + " ".join(blockers))
    stills = selectors.stills_for_case(case)
    if not stills:
        raise ServiceError("No stills were chosen for the reviews, or none is rendered yet.")
    buffer = io.BytesIO()
    captions = [f"Stills for {case.child_name}'s family, from {case.service.name}", ""]
    try:
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as pack:
            for n, still in enumerate(stills, start=1):
                name = f"still-{n:02d}.jpg"
                pack.writestr(name, object_read_all(still.jpeg))
                captions.append(f"{name}: {still.caption}")
            pack.writestr("captions.txt", "\n".join(captions) + "\n")
    except MediaGone as exc:
        raise ServiceError("This case's films and stills have been deleted.") from exc
    with transaction.atomic():
        audit_record(
            actor=actor,
            action=AuditAction.LETTER_STILLS_PACK_DOWNLOADED,
            case=case,
            obj=case,
            details={"stills": len(stills)},
        )
    return buffer.getvalue()
