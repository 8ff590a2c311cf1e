"""Subject access: everything held about one adult or one child, as JSON and a readable page.

People are named by an id that says what they are: `adult:<adult id>` for an adult taking part,
`child:<case reference>` for the child a case is about. Media is decrypted into the export only
when asked for.
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.db import transaction
from django.http import Http404
from django.template.loader import render_to_string
from django.utils import timezone

from attune.accounts.models import Service, User
from attune.audit.actions import AuditAction
from attune.audit.models import AuditEvent
from attune.audit.services import audit_record
from attune.cases.models import Adult, Case
from attune.consent.models import ConsentRecord
from attune.consent.selectors import active_scopes, receipts_for_case
from attune.core.errors import ServiceError
from attune.films.models import Film
from attune.moments.models import Moment
from attune.safeguarding.models import Concern
from attune.vault.models import ObjectKind, VaultObject
from attune.vault.services import MediaGone, object_decrypt_to

MEDIA_KINDS = {ObjectKind.PLAYABLE, ObjectKind.CLIP, ObjectKind.STILL}
EXTENSIONS = {
    "video/mp4": ".mp4",
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "application/pdf": ".pdf",
}


@dataclass(frozen=True)
class Person:
    kind: str  # "adult" or "child"
    case: Case
    adult: Adult | None = None

    @property
    def person_id(self) -> str:
        return f"adult:{self.adult.pk}" if self.adult else f"child:{self.case.reference}"

    @property
    def url_key(self) -> str:
        return f"adult-{self.adult.pk}" if self.adult else "child"

    @property
    def name(self) -> str:
        return self.adult.name if self.adult else self.case.child_name

    @property
    def description(self) -> str:
        if self.adult:
            return f"{self.adult.relationship or self.adult.get_kind_display()} in {self.case}"
        return f"the child in {self.case}"


#: What higher apps hold about a person (the reviews app: the adult's own words). Each section
#: is a function of the person returning ``{name: rows}`` to add to the export; it is registered
#: from the app's ``AppConfig.ready``, as retention may not import the apps above it.
SarSection = Callable[["Person"], dict[str, Any]]
SAR_SECTIONS: list[SarSection] = []


def sar_section(func: SarSection) -> SarSection:
    SAR_SECTIONS.append(func)
    return func


def _moments(case: Case) -> list[dict[str, Any]]:
    """Every moment marked in the case's films: what the guider wrote about it and the question
    kept for the shared review. Both are about the child and the adults filmed with them."""
    moments = (
        Moment.objects.filter(film__case=case)
        .select_related("film__cycle")
        .prefetch_related("principles")
        .order_by("film__created_at", "start_frame")
    )
    return [
        {
            "film": str(m.film_id),
            "cycle": m.film.cycle.number,
            "kind": m.get_kind_display(),
            "start_seconds": round(m.start_frame / m.film.fps, 2) if m.film.fps else None,
            "principles": [p.name for p in m.principles.all()],
            "notes": m.notes,
            "question_for_the_review": m.question,
            "marked": _when(m.created_at),
        }
        for m in moments
    ]


def people_of_case(case: Case) -> list[Person]:
    return [Person("child", case)] + [Person("adult", case, a) for a in case.adults.all()]


def person_in_case(case: Case, key: str) -> Person:
    """`child` or `adult-<id>` within a case the user can already see (else 404)."""
    if key == "child":
        return Person("child", case)
    if key.startswith("adult-") and key[6:].isdigit():
        adult = case.adults.filter(pk=int(key[6:])).first()
        if adult is not None:
            return Person("adult", case, adult)
    raise Http404("No such person in this case.")


def person_from_id(person_id: str, *, service: Service | None = None) -> Person:
    """Resolve `adult:<id>` or `child:<reference>` (within `service` when given)."""
    kind, _, value = person_id.partition(":")
    cases = Case.objects.all() if service is None else Case.objects.filter(service=service)
    if kind == "adult" and value.isdigit():
        adult = Adult.objects.filter(pk=int(value), case__in=cases).select_related("case").first()
        if adult is not None:
            return Person("adult", adult.case, adult)
    elif kind == "child" and value:
        case = cases.filter(reference=value.upper()).first()
        if case is not None:
            return Person("child", case)
    else:
        raise ServiceError("Name the person as adult:<id> or child:<case reference>.")
    raise ServiceError(f"Nobody is held under {person_id}.")


# --- what is held --------------------------------------------------------------------------------


def _when(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def _consent(record: ConsentRecord) -> dict[str, Any]:
    return {
        "id": str(record.pk),
        "adult": record.adult.name,
        "form": record.form_version.title,
        "form_version": record.form_version.number,
        "form_wording": {
            "introduction": record.form_version.introduction,
            "scopes": record.form_version.scope_texts,
            "closing": record.form_version.closing,
        },
        "scopes_agreed": record.scopes,
        "scopes_active_now": sorted(active_scopes(record)),
        "signed_by": record.get_method_display(),
        "typed_name": record.typed_name,
        "signed_on": _when(record.signed_on),
        "witness": str(record.witness),
        "child_view": record.child_view,
        "document_sha256": record.document_sha256,
        "withdrawals": [
            {
                "scopes": w.scopes,
                "asked_by": w.asked_by,
                "how": w.get_channel_display(),
                "asked_on": _when(w.asked_on),
                "note": w.note,
                "recorded_by": str(w.recorded_by),
                "recorded_at": _when(w.created_at),
            }
            for w in record.withdrawals.all()
        ],
    }


def collect(person: Person) -> dict[str, Any]:
    case = person.case
    adult = person.adult
    questions = case.helping_questions.select_related("adult")
    records = (
        ConsentRecord.objects.filter(case=case)
        .select_related("adult", "form_version", "witness")
        .prefetch_related("withdrawals", "withdrawals__recorded_by")
        .order_by("created_at")
    )
    if adult is not None:
        questions = questions.filter(adult=adult)
        records = records.filter(adult=adult)
    events = AuditEvent.objects.filter(case=case).order_by("seq")
    if adult is not None:
        ids = {str(adult.pk)} | {str(r.pk) for r in records}
        ids |= {str(w.pk) for r in records for w in r.withdrawals.all()}
        events = events.filter(object_id__in=ids)
    data: dict[str, Any] = {
        "person": {"id": person.person_id, "name": person.name, "held_as": person.description},
        "generated_at": _when(timezone.now()),
        "case": {
            "reference": case.reference,
            "state": case.get_state_display(),
            "guider": str(case.guider),
            "opened": _when(case.created_at),
        },
    }
    if adult is not None:
        data["adult"] = {
            "name": adult.name,
            "kind": adult.get_kind_display(),
            "relationship": adult.relationship,
            "has_parental_responsibility": adult.has_parental_responsibility,
            "added": _when(adult.created_at),
        }
    else:
        data["child"] = {
            "name": case.child_name,
            "date_of_birth": _when(case.child_date_of_birth),
            "age_years": case.child_age_years,
            "school_or_setting": case.child_school,
            "filmed_at": case.get_setting_display(),
            "referred_by": case.referrer,
            "reason_for_referral": case.referral_reason,
            "closure_reason": case.closure_reason,
            "adults": [{"name": a.name, "relationship": a.relationship} for a in case.adults.all()],
        }
        meeting = getattr(case, "initial_meeting", None)
        if meeting is not None:
            data["initial_meeting"] = {"met_on": _when(meeting.met_on), "agreed": meeting.agreed}
        data["cycles"] = [
            {
                "number": c.number,
                "filmed_on": _when(c.filmed_on),
                "reviewed_on": _when(c.reviewed_on),
                "not_needed": c.not_needed,
            }
            for c in case.cycles.order_by("number")
        ]
    data["helping_questions"] = [
        {
            "adult": q.adult.name,
            "text": q.text,
            "baseline": q.baseline,
            "hoped_for": q.hoped_for,
            "added": _when(q.created_at),
        }
        for q in questions
    ]
    data["consent"] = [_consent(r) for r in records]
    data["films"] = [
        {
            "id": str(f.pk),
            "cycle": f.cycle.number,
            "uploaded": _when(f.created_at),
            "status": f.get_status_display(),
            "duration_seconds": f.duration,
            "media_kept": f.playable_id is not None,
        }
        for f in Film.objects.filter(case=case).select_related("cycle").order_by("created_at")
    ]
    data["deletion_receipts"] = [
        {
            "at": _when(r.at),
            "reason": r.reason,
            "objects_destroyed": r.object_count,
            "bytes_destroyed": r.total_bytes,
        }
        for r in receipts_for_case(case)
    ]
    data["safeguarding_concerns"] = [
        {
            "recorded_at": _when(c.recorded_at),
            "recorded_by": str(c.recorded_by),
            "seen_or_heard": c.seen_or_heard,
            "when": _when(c.happened_at),
            "action_taken": c.action_taken,
            "informed": [c.informed_name, c.informed_role, _when(c.informed_on)],
            "amendments": [
                {
                    "recorded_at": _when(a.recorded_at),
                    "recorded_by": str(a.recorded_by),
                    "text": a.text,
                    "informed": [a.informed_name, a.informed_role, _when(a.informed_on)],
                }
                for a in c.amendments.all()
            ],
        }
        for c in Concern.objects.filter(case=case)
        .select_related("recorded_by")
        .prefetch_related("amendments__recorded_by")
        .order_by("recorded_at")
    ]
    data["moments"] = _moments(case)
    for section in SAR_SECTIONS:
        data.update(section(person))
    data["activity"] = [{"at": _when(e.at), "by": e.actor_label, "what": e.action} for e in events]
    return data


def media_objects(person: Person) -> list[VaultObject]:
    objects = VaultObject.objects.filter(case=person.case, kind__in=MEDIA_KINDS)
    documents = ConsentRecord.objects.filter(case=person.case, document_id__isnull=False)
    if person.adult is not None:
        documents = documents.filter(adult=person.adult)
    doc_ids = [i for i in documents.values_list("document_id", flat=True) if i is not None]
    return list(objects) + list(VaultObject.objects.filter(pk__in=doc_ids, case=person.case))


def write_zip(person: Person, dest: IO[bytes] | Path, *, include_media: bool) -> dict[str, Any]:
    """Write the export. Returns what went in (for the audit event)."""
    data = collect(person)
    media_names: list[str] = []
    with zipfile.ZipFile(dest, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        if include_media:
            for obj in media_objects(person):
                name = f"media/{obj.get_kind_display().lower().replace(' ', '-')}-{obj.pk}"
                name += EXTENSIONS.get(obj.content_type, ".bin")
                try:
                    with zf.open(name, "w", force_zip64=True) as out:
                        object_decrypt_to(obj, out)
                except MediaGone:
                    continue
                media_names.append(name)
        data["media_files"] = media_names
        data["media_included"] = include_media
        zf.writestr("data.json", json.dumps(data, indent=2, ensure_ascii=False))
        zf.writestr("index.html", render_to_string("retention/sar_export.html", {"data": data}))
    return {"person": person.person_id, "media": include_media, "media_files": len(media_names)}


def export_filename(person: Person) -> str:
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    who = person.url_key
    return f"subject-access-{person.case.reference}-{who}-{stamp}.zip"


def sar_export(
    *, actor: User | None, person: Person, dest: IO[bytes] | Path, include_media: bool = False
) -> dict[str, Any]:
    """Write one person's export to `dest`, audited."""
    summary = write_zip(person, dest, include_media=include_media)
    with transaction.atomic():
        audit_record(
            actor=actor,
            action=AuditAction.SUBJECT_ACCESS_EXPORTED,
            case=person.case,
            details=summary,
        )
    return summary


def sar_export_bytes(
    *, actor: User, person: Person, include_media: bool = False
) -> tuple[str, bytes]:
    """An export in memory, for the page's download button."""
    import io

    buffer = io.BytesIO()
    sar_export(actor=actor, person=person, dest=buffer, include_media=include_media)
    return export_filename(person), buffer.getvalue()
