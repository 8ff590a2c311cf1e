"""Permission-aware reads for micro-analysis. Anything out of reach is a 404.

Who may do what is decided from the case: its guider changes moments and the edit; a supervisor
of the guider reads them and sees the film; a service admin reads the record (never the media);
nobody outside the service sees that any of it exists.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from fractions import Fraction
from typing import TypeVar

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from attune.accounts.models import Service, User
from attune.cases.models import Case, CaseState, Cycle
from attune.cases.selectors import Access, access_for, cases_for_user
from attune.films.models import Film, FilmPurpose, FilmStatus
from attune.films.selectors import may_see_media
from attune.moments import timecode
from attune.moments.catalogue import KEYED_PRINCIPLES
from attune.moments.models import Behaviour, Moment, MomentKind, Principle, Render
from attune.vault.models import VaultObject

T = TypeVar("T", Moment, Render, Cycle)

#: A clip longer than this is hard to talk about in a review.
CLIP_WARN_SECONDS = 10.0
#: An edit past these limits makes for a long review.
EDIT_WARN_CLIPS = 5
EDIT_WARN_SECONDS = 120.0


def _uuid(value: uuid.UUID | str) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except ValueError as exc:
        raise Http404 from exc


def _with_access(obj: T | None, case: Case | None, user: User) -> T:
    access = access_for(user, case) if case is not None else None
    if obj is None or access is None:
        raise Http404
    return obj


def moments_queryset() -> QuerySet[Moment]:
    return Moment.objects.select_related("film", "film__case", "film__cycle").prefetch_related(
        "principles",
        "behaviours",
        Prefetch("renders", queryset=Render.objects.order_by("-created_at")),
    )


def moment_for_user(user: User, moment_id: uuid.UUID | str) -> tuple[Moment, Access]:
    moment = (
        moments_queryset().filter(pk=_uuid(moment_id), film__case__in=cases_for_user(user)).first()
    )
    case = moment.film.case if moment is not None else None
    moment = _with_access(moment, case, user)
    access = access_for(user, moment.film.case)
    assert access is not None
    return moment, access


def cycle_for_user(user: User, cycle_id: int) -> tuple[Cycle, Access]:
    cycle = (
        Cycle.objects.select_related("case", "case__guider", "case__service")
        .filter(pk=cycle_id, case__in=cases_for_user(user))
        .first()
    )
    cycle = _with_access(cycle, cycle.case if cycle is not None else None, user)
    access = access_for(user, cycle.case)
    assert access is not None
    return cycle, access


def render_for_user(user: User, render_id: uuid.UUID | str) -> tuple[Render, Access]:
    render = (
        Render.objects.select_related(
            "moment", "moment__film", "moment__film__case", "moment__film__case__service"
        )
        .filter(pk=_uuid(render_id), moment__film__case__in=cases_for_user(user))
        .first()
    )
    render = _with_access(render, render.moment.film.case if render is not None else None, user)
    access = access_for(user, render.moment.film.case)
    assert access is not None
    return render, access


def moments_for_film(film: Film) -> list[Moment]:
    return list(moments_queryset().filter(film=film))


# --- permissions in words -------------------------------------------------------------------------


def may_edit(user: User, case: Case) -> bool:
    """Only the case's guider marks moments, and only while the work is open."""
    return case.guider_id == user.pk and case.state not in {CaseState.CLOSED, CaseState.WITHDRAWN}


def may_download(user: User, case: Case) -> bool:
    """Rendered files leave Attune only with the guider, and only where the service allows it."""
    return case.guider_id == user.pk and case.service.allow_downloads


def may_view_media(access: Access, case: Case) -> bool:
    """The film, its moments and their renders go together: see one, see all."""
    return may_see_media(access, case)


def media_available(case: Case) -> bool:
    """False once consent was withdrawn (media locked) or the media was destroyed."""
    from attune.consent.selectors import MediaState, media_state

    return media_state(case) == MediaState.AVAILABLE


FORMATS = {"mp4": "video", "png": "png", "jpeg": "jpeg"}


def render_object(render: Render, fmt: str) -> VaultObject:
    """A ready render's file in ``fmt`` (mp4, png or jpeg)."""
    from attune.core.errors import ServiceError
    from attune.moments.models import RenderStatus

    obj = getattr(render, FORMATS[fmt]) if fmt in FORMATS else None
    if render.status != RenderStatus.READY or obj is None:
        raise ServiceError("That file is not ready.")
    return obj  # type: ignore[no-any-return]


# --- the catalogue -------------------------------------------------------------------------------


@dataclass(frozen=True)
class CatalogueEntry:
    principle: Principle
    behaviours: list[Behaviour]
    key: int | None  # the editor's number key (1–6), or None


def catalogue_for_service(
    service: Service, *, include_retired: bool = True
) -> list[CatalogueEntry]:
    principles = Principle.objects.filter(service=service).prefetch_related(
        Prefetch("behaviours", queryset=Behaviour.objects.order_by("position", "pk"))
    )
    if not include_retired:
        principles = principles.filter(is_active=True)
    entries = []
    key = 0
    for principle in principles.order_by("position", "pk"):
        behaviours = list(principle.behaviours.all())
        if not include_retired:
            behaviours = [b for b in behaviours if b.is_active]
        shortcut = None
        if principle.is_active and key < KEYED_PRINCIPLES:
            key += 1
            shortcut = key
        entries.append(CatalogueEntry(principle, behaviours, shortcut))
    return entries


# --- moments and the edit ------------------------------------------------------------------------


def film_rate(film: Film) -> Fraction:
    return timecode.frame_rate(film.fps or 25.0)


def film_frame_count(film: Film) -> int:
    return timecode.frame_count(film.duration or 0.0, film_rate(film))


def moment_warnings(moment: Moment) -> list[str]:
    if moment.kind == MomentKind.CLIP and moment.duration > CLIP_WARN_SECONDS + 1e-9:
        return [
            f"This clip is {moment.duration:.1f} seconds long: clips of 10 seconds or less "
            "are easier to talk about in a review."
        ]
    return []


@dataclass
class EditSummary:
    moments: list[Moment]
    clips: int = 0
    stills: int = 0
    seconds: float = 0.0
    warnings: list[str] = field(default_factory=list)


def edit_moments_for_case(case: Case) -> list[Moment]:
    """Every cycle's edit on the case at once (one query, not one per cycle), ordered by cycle
    and then as each edit is."""
    return list(
        moments_queryset()
        .filter(film__case=case, film__purpose=FilmPurpose.FAMILY, edit_position__isnull=False)
        .exclude(film__status=FilmStatus.EXPIRED)
        .order_by("film__cycle__number", "edit_position", "start_frame")
    )


def edit_for_cycle(cycle: Cycle) -> EditSummary:
    """The moments chosen for the cycle's shared review, in order, with totals and warnings.

    The total counts clips only: how long a still stays on screen is up to the guider.
    """
    moments = list(
        moments_queryset()
        .filter(film__cycle=cycle, film__purpose=FilmPurpose.FAMILY, edit_position__isnull=False)
        .exclude(film__status=FilmStatus.EXPIRED)
        .order_by("edit_position", "start_frame")
    )
    summary = EditSummary(moments=moments)
    for moment in moments:
        if moment.kind == MomentKind.CLIP:
            summary.clips += 1
            summary.seconds += moment.duration
        else:
            summary.stills += 1
    if summary.clips > EDIT_WARN_CLIPS:
        summary.warnings.append(
            f"The edit has {summary.clips} clips: a review usually works best with "
            f"{EDIT_WARN_CLIPS} or fewer."
        )
    if summary.seconds > EDIT_WARN_SECONDS:
        summary.warnings.append(
            f"The clips last {summary.seconds / 60:.1f} minutes in total: keep the edit to "
            "about 2 minutes so there is time to talk."
        )
    return summary
