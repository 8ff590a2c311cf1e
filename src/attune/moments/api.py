"""Moments, the edit and renders over the API. Frames are the truth; seconds are given for
convenience (a clip is frames ``[start_frame, end_frame)``; see ``attune.moments.timecode``)."""

from __future__ import annotations

import uuid
from datetime import datetime
from fractions import Fraction
from typing import Annotated

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.responses import Status

from attune.accounts.requests import signed_in_user
from attune.analysis import selectors as analysis_selectors
from attune.cases.models import Case
from attune.cases.selectors import Access
from attune.core.errors import PermissionDenied, ServiceError
from attune.films.selectors import film_for_user, may_see_media
from attune.moments import selectors, services, timecode
from attune.moments.models import Focus, Moment, MomentKind, Render, RenderStatus

router = Router(tags=["moments"])


def _media(access: Access, case: Case) -> None:
    """Moments are part of the film: who may not see the film may not see them."""
    if not may_see_media(access, case):
        raise PermissionDenied("Service admins see case records, not films or their moments.")


class RenderOut(Schema):
    id: uuid.UUID
    kind: MomentKind
    status: RenderStatus
    method: str
    start_frame: int
    end_frame: int
    failure_reason: str
    formats: list[str]
    created_at: datetime
    finished_at: datetime | None


class MomentOut(Schema):
    id: uuid.UUID
    film: uuid.UUID = Field(..., alias="film_id")
    kind: MomentKind
    start_frame: int
    end_frame: int = Field(..., description="The first frame after the moment (exclusive).")
    start: float = Field(..., description="Seconds from the start of the film.")
    end: float
    duration: float
    principles: list[int]
    behaviours: list[int]
    notes: str
    question: str
    focus: Focus | None
    for_training: bool
    edit_position: int | None
    warnings: list[str]
    renders: list[RenderOut]
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_principles(obj: Moment) -> list[int]:
        return sorted(p.pk for p in obj.principles.all())

    @staticmethod
    def resolve_behaviours(obj: Moment) -> list[int]:
        return sorted(b.pk for b in obj.behaviours.all())

    @staticmethod
    def resolve_focus(obj: Moment) -> str | None:
        return obj.focus or None

    @staticmethod
    def resolve_warnings(obj: Moment) -> list[str]:
        return selectors.moment_warnings(obj)

    @staticmethod
    def resolve_renders(obj: Moment) -> list[Render]:
        return list(obj.renders.all())


Text = Annotated[str, Field(max_length=services.TEXT_LIMIT)]
# No film is a day long: larger numbers are mistakes (or probes) and are refused plainly.
MAX_SECONDS = 24 * 3600
Frame = Annotated[int, Field(ge=0, le=MAX_SECONDS * 240)]
Seconds = Annotated[float, Field(ge=0, le=MAX_SECONDS, allow_inf_nan=False)]


class MomentIn(Schema):
    kind: MomentKind
    start_frame: Frame | None = Field(None, description="In-point frame (or give `start`).")
    end_frame: Frame | None = Field(None, description="First frame after a clip (or `end`).")
    start: Seconds | None = Field(None, description="In-point in seconds, when no frame given.")
    end: Seconds | None = Field(None, description="Out-point in seconds, when no frame given.")
    principles: list[int] = []
    behaviours: list[int] = []
    notes: Text = ""
    question: Text = ""
    focus: Focus | None = None


class MomentPatch(Schema):
    start_frame: Frame | None = None
    end_frame: Frame | None = None
    principles: list[int] | None = None
    behaviours: list[int] | None = None
    notes: Text | None = None
    question: Text | None = None
    focus: Focus | None = Field(None, description="Send null to clear it.")
    for_training: bool | None = Field(
        None, description="Mark for training use (needs every adult's training consent)."
    )


class EditIn(Schema):
    moment_ids: Annotated[list[uuid.UUID], Field(max_length=services.MAX_EDIT_LENGTH)]


class EditOut(Schema):
    cycle: int
    moment_ids: list[uuid.UUID]
    clips: int
    stills: int
    seconds: float
    warnings: list[str]


class BehaviourOut(Schema):
    id: int
    name: str
    active: bool


class PrincipleOut(Schema):
    id: int
    key: int | None
    name: str
    description: str
    active: bool
    behaviours: list[BehaviourOut]


def _frame(seconds: float | None, frame: int | None, rate: Fraction) -> int | None:
    if frame is not None:
        return frame
    return timecode.frame_at(seconds, rate) if seconds is not None else None


def _edit_out(cycle_id: int, summary: selectors.EditSummary) -> EditOut:
    return EditOut(
        cycle=cycle_id,
        moment_ids=[m.pk for m in summary.moments],
        clips=summary.clips,
        stills=summary.stills,
        seconds=round(summary.seconds, 3),
        warnings=summary.warnings,
    )


@router.get("/films/{film_id}/moments", response=list[MomentOut], summary="A film's moments")
def list_moments(request: HttpRequest, film_id: uuid.UUID) -> list[Moment]:
    film, access = film_for_user(signed_in_user(request), film_id)
    _media(access, film.case)
    return selectors.moments_for_film(film)


@router.post(
    "/films/{film_id}/moments", response={201: MomentOut}, summary="Mark a clip or a still"
)
def create_moment(request: HttpRequest, film_id: uuid.UUID, payload: MomentIn) -> Status:
    film, _ = film_for_user(signed_in_user(request), film_id)
    rate = selectors.film_rate(film)
    start = _frame(payload.start, payload.start_frame, rate)
    if start is None:
        raise ServiceError("Give the in-point as start_frame or start.", field="start_frame")
    moment = services.moment_create(
        actor=signed_in_user(request),
        film=film,
        kind=payload.kind,
        start_frame=start,
        end_frame=_frame(payload.end, payload.end_frame, rate),
        principles=payload.principles,
        behaviours=payload.behaviours,
        notes=payload.notes,
        question=payload.question,
        focus=payload.focus or "",
    )
    moment, _ = selectors.moment_for_user(signed_in_user(request), moment.pk)
    return Status(201, moment)


@router.post(
    "/suggestions/{suggestion_id}/accept",
    response={200: MomentOut, 201: MomentOut},
    summary="Accept a suggestion: a clip with its principles filled in (201; 200 if it was made before)",
)
def accept_suggestion(request: HttpRequest, suggestion_id: uuid.UUID) -> Status:
    suggestion = analysis_selectors.suggestion_for_user(signed_in_user(request), suggestion_id)
    moment, made = services.moment_from_suggestion(
        actor=signed_in_user(request), suggestion=suggestion
    )
    moment, _ = selectors.moment_for_user(signed_in_user(request), moment.pk)
    return Status(201 if made else 200, moment)


@router.get("/moments/{moment_id}", response=MomentOut, summary="One moment")
def get_moment(request: HttpRequest, moment_id: uuid.UUID) -> Moment:
    moment, access = selectors.moment_for_user(signed_in_user(request), moment_id)
    _media(access, moment.film.case)
    return moment


@router.patch("/moments/{moment_id}", response=MomentOut, summary="Change a moment")
def update_moment(request: HttpRequest, moment_id: uuid.UUID, payload: MomentPatch) -> Moment:
    moment, _ = selectors.moment_for_user(signed_in_user(request), moment_id)
    changes = payload.dict(exclude_unset=True)
    if "focus" in changes:
        changes["focus"] = changes["focus"] or ""
    services.moment_update(actor=signed_in_user(request), moment=moment, **changes)
    moment, _ = selectors.moment_for_user(signed_in_user(request), moment_id)
    return moment


@router.delete("/moments/{moment_id}", response={204: None}, summary="Delete a moment")
def delete_moment(request: HttpRequest, moment_id: uuid.UUID) -> Status:
    moment, _ = selectors.moment_for_user(signed_in_user(request), moment_id)
    services.moment_delete(actor=signed_in_user(request), moment=moment)
    return Status(204, None)


@router.post(
    "/moments/{moment_id}/render",
    response={202: RenderOut},
    summary="Render a moment (MP4 for a clip, PNG and JPEG for a still) in the background",
)
def render_moment(request: HttpRequest, moment_id: uuid.UUID) -> Status:
    moment, _ = selectors.moment_for_user(signed_in_user(request), moment_id)
    return Status(202, services.moment_render(actor=signed_in_user(request), moment=moment))


@router.get("/cycles/{cycle_id}/edit", response=EditOut, summary="The edit for a cycle's review")
def get_edit(request: HttpRequest, cycle_id: int) -> EditOut:
    cycle, access = selectors.cycle_for_user(signed_in_user(request), cycle_id)
    _media(access, cycle.case)
    return _edit_out(cycle.pk, selectors.edit_for_cycle(cycle))


@router.put(
    "/cycles/{cycle_id}/edit",
    response=EditOut,
    summary="Set the edit: the moments for the shared review, in order",
)
def put_edit(request: HttpRequest, cycle_id: int, payload: EditIn) -> EditOut:
    cycle, _ = selectors.cycle_for_user(signed_in_user(request), cycle_id)
    summary = services.edit_set(
        actor=signed_in_user(request), cycle=cycle, moment_ids=payload.moment_ids
    )
    return _edit_out(cycle.pk, summary)


@router.get(
    "/principles",
    response=list[PrincipleOut],
    summary="Your service's principles and behaviours (the number key is the editor shortcut)",
)
def list_principles(request: HttpRequest) -> list[PrincipleOut]:
    user = signed_in_user(request)
    if user.service is None:
        return []
    services.catalogue_ensure(service=user.service)
    return [
        PrincipleOut(
            id=entry.principle.pk,
            key=entry.key,
            name=entry.principle.name,
            description=entry.principle.description,
            active=entry.principle.is_active,
            behaviours=[
                BehaviourOut(id=b.pk, name=b.name, active=b.is_active) for b in entry.behaviours
            ],
        )
        for entry in selectors.catalogue_for_service(user.service)
    ]
