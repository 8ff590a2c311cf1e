"""Micro-analysis: every change to the catalogue, to moments, to the edit and to renders.

Each service checks who may act, changes the database in one transaction with its audit event,
and leaves side effects (queueing a render, deleting ciphertext) to ``transaction.on_commit``.
Audit details name what changed, never the guider's notes themselves.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Iterable, Sequence
from functools import partial
from typing import Any

from django.db import transaction

from attune.accounts.models import Service, User
from attune.analysis import services as analysis_services
from attune.analysis.models import Decision, Suggestion
from attune.audit.actions import AuditAction
from attune.audit.services import audit_record
from attune.cases.models import Case, CaseState, Cycle
from attune.cases.services import require_case_guider
from attune.consent.selectors import consent_allows_training
from attune.core.errors import PermissionDenied, ServiceError
from attune.core.jobs import hand_over_on_commit
from attune.films.models import Film, FilmPurpose, FilmStatus
from attune.moments import rendering, selectors, timecode
from attune.moments.catalogue import SEED, catalogue_ensure, principle_add, principle_update
from attune.moments.models import (
    Behaviour,
    Focus,
    Moment,
    MomentKind,
    Principle,
    Render,
    RenderStatus,
)
from attune.vault.models import VaultObject
from attune.vault.services import names_discard

__all__ = ["catalogue_ensure", "principle_add", "principle_update"]  # their home is catalogue

MAX_MOMENTS_PER_FILM = 500
MAX_EDIT_LENGTH = 50
TEXT_LIMIT = 5000
CLOSED_STATES = {CaseState.CLOSED, CaseState.WITHDRAWN}


# --- moments -------------------------------------------------------------------------------------


def _require_guider(actor: User, case: Case, *, what: str = "mark moments") -> None:
    require_case_guider(
        actor, case, what=what, closed="This case is closed: its moments can no longer be changed."
    )


def _require_ready(film: Film) -> None:
    if not selectors.media_available(film.case):
        raise ServiceError("This film is no longer available: its media is being deleted.")
    if film.status != FilmStatus.READY or film.playable_id is None:
        raise ServiceError("Moments can be marked once the film is ready.")


def _frames(film: Film, kind: str, start: int, end: int | None) -> tuple[int, int]:
    count = selectors.film_frame_count(film)
    if not 0 <= start < count:
        raise ServiceError(
            f"The moment must start inside the film (frames 0 to {count - 1}).",
            field="start_frame",
        )
    if kind == MomentKind.STILL:
        return start, start + 1
    if end is None:
        raise ServiceError("A clip needs an out-point.", field="end_frame")
    if end <= start:
        raise ServiceError("A clip's out-point must come after its in-point.", field="end_frame")
    if end > count:
        raise ServiceError(
            f"The clip must end inside the film (by frame {count}).", field="end_frame"
        )
    return start, end


def _tags(
    service: Service, principle_ids: Iterable[int], behaviour_ids: Iterable[int]
) -> tuple[list[Principle], list[Behaviour]]:
    wanted_p, wanted_b = set(principle_ids), set(behaviour_ids)
    behaviours = list(
        Behaviour.objects.filter(principle__service=service, pk__in=wanted_b).select_related(
            "principle"
        )
    )
    if len(behaviours) != len(wanted_b):
        raise ServiceError("Choose behaviours from your service's catalogue.", field="behaviours")
    # A behaviour belongs to a principle: tagging one tags the other.
    wanted_p |= {b.principle_id for b in behaviours}
    principles = list(Principle.objects.filter(service=service, pk__in=wanted_p))
    if len(principles) != len(wanted_p):
        raise ServiceError("Choose principles from your service's catalogue.", field="principles")
    return principles, behaviours


def _text(value: str, field: str) -> str:
    value = value.strip()
    if len(value) > TEXT_LIMIT:
        raise ServiceError(f"Keep it under {TEXT_LIMIT} characters.", field=field)
    return value


def _focus(value: str) -> str:
    if value not in {"", *Focus.values}:
        raise ServiceError("Focus is the adult, the child or both.", field="focus")
    return value


def moment_create(
    *,
    actor: User,
    film: Film,
    kind: str,
    start_frame: int,
    end_frame: int | None = None,
    principles: Iterable[int] = (),
    behaviours: Iterable[int] = (),
    notes: str = "",
    question: str = "",
    focus: str = "",
) -> Moment:
    case = film.case
    _require_guider(actor, case)
    _require_ready(film)
    if kind not in MomentKind.values:
        raise ServiceError("A moment is a clip or a still.", field="kind")
    start, end = _frames(film, kind, start_frame, end_frame)
    tagged_p, tagged_b = _tags(case.service, principles, behaviours)
    with transaction.atomic():
        if Moment.objects.filter(film=film).count() >= MAX_MOMENTS_PER_FILM:
            raise ServiceError(f"A film can have at most {MAX_MOMENTS_PER_FILM} moments.")
        moment = Moment.objects.create(
            film=film,
            kind=kind,
            start_frame=start,
            end_frame=end,
            notes=_text(notes, "notes"),
            question=_text(question, "question"),
            focus=_focus(focus),
            created_by=actor,
        )
        moment.principles.set(tagged_p)
        moment.behaviours.set(tagged_b)
        audit_record(
            actor=actor,
            action=AuditAction.MOMENT_CREATED,
            case=case,
            obj=moment,
            details={"film": str(film.pk), "kind": kind, "frames": [start, end]},
        )
    return moment


UPDATABLE = {
    "start_frame",
    "end_frame",
    "principles",
    "behaviours",
    "notes",
    "question",
    "focus",
    "for_training",
}


def moment_update(*, actor: User, moment: Moment, **changes: Any) -> Moment:
    """Change any of ``UPDATABLE``; a still moves as one frame. Renders of old frames go."""
    unknown = set(changes) - UPDATABLE
    if unknown:
        raise ServiceError(f"Cannot change {', '.join(sorted(unknown))}.")
    film = moment.film
    _require_guider(actor, film.case)
    _require_ready(film)
    with transaction.atomic():
        moment = Moment.objects.select_for_update().select_related("film__case").get(pk=moment.pk)
        changed: list[str] = []
        if "start_frame" in changes or "end_frame" in changes:
            start = changes.get("start_frame", moment.start_frame)
            end = changes.get("end_frame", moment.end_frame)
            start, end = _frames(film, moment.kind, start, end)
            if (start, end) != (moment.start_frame, moment.end_frame):
                moment.start_frame, moment.end_frame = start, end
                changed.append("frames")
                _drop_renders(moment.renders.all())
        for name in ("notes", "question"):
            if name in changes:
                value = _text(changes[name] or "", name)
                if value != getattr(moment, name):
                    setattr(moment, name, value)
                    changed.append(name)
        if "focus" in changes:
            focus = _focus(changes["focus"] or "")
            if focus != moment.focus:
                moment.focus = focus
                changed.append("focus")
        if "for_training" in changes and bool(changes["for_training"]) != moment.for_training:
            if changes["for_training"] and not consent_allows_training(film.case):
                raise ServiceError(
                    "A moment can be marked for training only when every adult on the case has "
                    "agreed to training use.",
                    field="for_training",
                )
            moment.for_training = bool(changes["for_training"])
            changed.append("for_training")
        if "principles" in changes or "behaviours" in changes:
            principle_ids = changes.get("principles")
            behaviour_ids = changes.get("behaviours")
            if principle_ids is None:
                principle_ids = list(moment.principles.values_list("pk", flat=True))
            if behaviour_ids is None:
                # Untagging a principle untags its behaviours (a behaviour implies its principle).
                behaviour_ids = list(
                    moment.behaviours.filter(principle_id__in=principle_ids).values_list(
                        "pk", flat=True
                    )
                )
            tagged_p, tagged_b = _tags(film.case.service, principle_ids, behaviour_ids)
            moment.principles.set(tagged_p)
            moment.behaviours.set(tagged_b)
            changed.append("tags")
        if changed:
            moment.save()
            audit_record(
                actor=actor,
                action=AuditAction.MOMENT_UPDATED,
                case=film.case,
                obj=moment,
                details={"changed": changed, "frames": [moment.start_frame, moment.end_frame]},
            )
    return moment


def moment_delete(*, actor: User, moment: Moment) -> None:
    case = moment.film.case
    _require_guider(actor, case)
    with transaction.atomic():
        _drop_renders(moment.renders.all())
        audit_record(
            actor=actor,
            action=AuditAction.MOMENT_DELETED,
            case=case,
            obj=moment,
            details={"kind": moment.kind, "frames": [moment.start_frame, moment.end_frame]},
        )
        moment.delete()


def moments_training_withdrawn(*, actor: User, case: Case) -> int:
    """An adult withdrew training consent: no moment of the case stays marked for training.
    Called inside the withdrawal's transaction; returns how many were unmarked."""
    marked = list(
        Moment.objects.filter(film__case=case, for_training=True).values_list("pk", flat=True)
    )
    if not marked:
        return 0
    Moment.objects.filter(pk__in=marked).update(for_training=False)
    audit_record(
        actor=actor,
        action=AuditAction.MOMENTS_TRAINING_UNMARKED,
        case=case,
        details={"moments": [str(pk) for pk in marked], "because": "training consent withdrawn"},
    )
    return len(marked)


# --- moments from the moment finder's suggestions ----------------------------------------------


def _principles_for(service: Service, names: Sequence[str]) -> list[Principle]:
    """The service's principles for the names the analysis uses (the seed's names). A service
    may have reworded a principle: then the one in the seed's place stands for it."""
    active = list(Principle.objects.filter(service=service, is_active=True).order_by("position"))
    by_name = {p.name.casefold(): p for p in active}
    by_position = {p.position: p for p in active}
    seed_positions = {name.casefold(): i for i, (name, _) in enumerate(SEED, start=1)}
    found: list[Principle] = []
    for name in names:
        key = name.casefold()
        principle = by_name.get(key) or by_position.get(seed_positions.get(key, 0))
        if principle is not None and principle not in found:
            found.append(principle)
    return found


def _behaviours_named_in(principles: Sequence[Principle], text: str) -> list[Behaviour]:
    """Behaviours of those principles that the suggestion's sentence names ("waiting", "giving
    and taking short turns")."""
    wanted = text.casefold()
    return [
        b
        for b in Behaviour.objects.filter(principle__in=principles, is_active=True)
        if b.name.casefold() in wanted
    ]


def moment_from_suggestion(*, actor: User, suggestion: Suggestion) -> tuple[Moment, bool]:
    """Accept a suggestion: a clip over its window, tagged with its principles (and the
    behaviours its sentence names), its sentence as the first note. Accepting again gives the
    same moment back (or a new one if that moment was deleted). True if the moment is new."""
    film = suggestion.film
    _require_guider(actor, film.case)
    if suggestion.decision == Decision.ACCEPTED and suggestion.moment_id is not None:
        existing = Moment.objects.filter(pk=suggestion.moment_id, film=film).first()
        if existing is not None:
            return existing, False
    _require_ready(film)
    rate = selectors.film_rate(film)
    count = selectors.film_frame_count(film)
    catalogue_ensure(service=film.case.service)
    first = timecode.frame_at(suggestion.start, rate)
    after = math.ceil(suggestion.end * rate - timecode.TOLERANCE)
    # Whole frames may round a ten-second window up past ten seconds: stay within the limit.
    after = min(after, first + math.floor(selectors.CLIP_WARN_SECONDS * rate))
    start, end = timecode.clip_bounds(first, after, count)
    principles = _principles_for(film.case.service, suggestion.principles)
    behaviours = _behaviours_named_in(principles, suggestion.reason)
    with transaction.atomic():
        analysis_services.suggestion_accept(actor=actor, suggestion=suggestion)
        moment = moment_create(
            actor=actor,
            film=film,
            kind=MomentKind.CLIP,
            start_frame=start,
            end_frame=end,
            principles=[p.pk for p in principles],
            behaviours=[b.pk for b in behaviours],
            notes=suggestion.reason,
        )
        analysis_services.suggestion_link(actor=actor, suggestion=suggestion, moment_id=moment.pk)
    return moment, True


# --- the edit ------------------------------------------------------------------------------------


def edit_set(
    *, actor: User, cycle: Cycle, moment_ids: Sequence[uuid.UUID | str]
) -> selectors.EditSummary:
    """Make the cycle's edit exactly these moments, in this order."""
    _require_guider(actor, cycle.case, what="build the edit")
    try:
        ids = [uuid.UUID(str(value)) for value in moment_ids]
    except ValueError as exc:
        raise ServiceError("Those are not moment ids.", field="moment_ids") from exc
    if len(set(ids)) != len(ids):
        raise ServiceError("A moment can be in the edit only once.", field="moment_ids")
    if len(ids) > MAX_EDIT_LENGTH:
        raise ServiceError(f"An edit has at most {MAX_EDIT_LENGTH} moments.", field="moment_ids")
    with transaction.atomic():
        # The edit is made from the films of adult and child: a film of the shared review is
        # for supervision and never shown to the family.
        in_cycle = Moment.objects.select_for_update().filter(
            film__cycle=cycle, film__purpose=FilmPurpose.FAMILY
        )
        found = set(in_cycle.filter(pk__in=ids).values_list("pk", flat=True))
        if found != set(ids):
            if Moment.objects.filter(pk__in=set(ids) - found, film__cycle=cycle).exists():
                raise ServiceError(
                    "Moments of a film of the shared review are for supervision, never for "
                    "the family's edit.",
                    field="moment_ids",
                )
            raise ServiceError("Some of those moments are not in this cycle.", field="moment_ids")
        in_cycle.exclude(pk__in=ids).update(edit_position=None)
        for position, moment_id in enumerate(ids):
            Moment.objects.filter(pk=moment_id).update(edit_position=position)
        audit_record(
            actor=actor,
            action=AuditAction.EDIT_UPDATED,
            case=cycle.case,
            obj=cycle,
            details={"moments": [str(i) for i in ids]},
        )
    return selectors.edit_for_cycle(cycle)


# --- renders -------------------------------------------------------------------------------------

ACTIVE_RENDERS = {RenderStatus.QUEUED, RenderStatus.RENDERING, RenderStatus.READY}


def _drop_renders(renders: Iterable[Render]) -> None:
    """Remove renders and their files (the ciphertext goes once the transaction commits)."""
    renders = list(renders)
    object_ids = [
        object_id
        for render in renders
        for object_id in (render.video_id, render.png_id, render.jpeg_id)
        if object_id is not None
    ]
    objects = VaultObject.objects.filter(pk__in=object_ids)
    names = list(objects.values_list("storage_name", flat=True))
    Render.objects.filter(pk__in=[r.pk for r in renders]).delete()
    objects.delete()
    if names:
        transaction.on_commit(partial(names_discard, names))


def moment_render(*, actor: User, moment: Moment) -> Render:
    """Ask for the moment's clip (MP4) or still (PNG and JPEG). Asking again while a render of
    the same frames exists gives that render back."""
    film = moment.film
    _require_guider(actor, film.case, what="render moments")
    _require_ready(film)
    with transaction.atomic():
        moment = Moment.objects.select_for_update().get(pk=moment.pk)
        current = moment.renders.filter(
            start_frame=moment.start_frame, end_frame=moment.end_frame, status__in=ACTIVE_RENDERS
        ).first()
        if current is not None:
            return current
        _drop_renders(moment.renders.all())
        render = Render.objects.create(
            moment=moment,
            kind=moment.kind,
            start_frame=moment.start_frame,
            end_frame=moment.end_frame,
            requested_by=actor,
        )
        audit_record(
            actor=actor,
            action=AuditAction.MOMENT_RENDER_REQUESTED,
            case=film.case,
            obj=render,
            details={"moment": str(moment.pk), "kind": moment.kind},
        )
        hand_over_on_commit(rendering.enqueue_render, render.pk)
    return render


def render_download(*, actor: User, render: Render, fmt: str) -> VaultObject:
    """A rendered file leaving Attune: the guider only, where the service allows it; audited."""
    case = render.moment.film.case
    if not selectors.may_download(actor, case):
        if case.guider_id == actor.pk:
            raise PermissionDenied("Your service does not allow downloads.")
        raise PermissionDenied("Only the case's guider can download clips and stills.")
    obj = selectors.render_object(render, fmt)
    audit_record(
        actor=actor,
        action=AuditAction.RENDER_DOWNLOADED,
        case=case,
        obj=render,
        details={"format": fmt, "moment": str(render.moment_id)},
    )
    return obj


def render_viewed(*, actor: User, render: Render, fmt: str) -> VaultObject:
    """A rendered file watched inside Attune (guider or supervisor); audited like a film."""
    obj = selectors.render_object(render, fmt)
    audit_record(
        actor=actor,
        action=AuditAction.RENDER_VIEWED,
        case=render.moment.film.case,
        obj=render,
        details={"format": fmt},
    )
    return obj
