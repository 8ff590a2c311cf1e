"""Permission-aware reads of films. Media (the pictures and sound) has a stricter rule than
case metadata: a service admin sees that a film exists, never the film itself."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.http import Http404
from django.utils import timezone

from attune.accounts.models import User
from attune.cases.models import Case, Cycle
from attune.cases.selectors import Access, access_for, cases_for_user
from attune.consent.models import DeletionStatus, MediaDeletion
from attune.consent.selectors import MediaState, media_state
from attune.films.models import Film, FilmPurpose, FilmStatus
from attune.vault.models import CaseKey

MEDIA_ACCESS = {Access.GUIDER, Access.SUPERVISOR}


def film_for_user(user: User, film_id: uuid.UUID | str) -> tuple[Film, Access]:
    try:
        key = uuid.UUID(str(film_id))
    except ValueError as exc:
        raise Http404 from exc
    film = (
        Film.objects.select_related("case", "cycle", "case__guider")
        .filter(pk=key, case__in=cases_for_user(user))
        .first()
    )
    access = access_for(user, film.case) if film is not None else None
    if film is None or access is None:
        raise Http404("No such film.")
    return film, access


def may_see_media(access: Access | None, case: Case | None = None) -> bool:
    """The guider sees their case's media; a supervisor only while every adult's supervision
    consent is in force (without the case to check, a supervisor is refused)."""
    if access not in MEDIA_ACCESS:
        return False
    if access == Access.SUPERVISOR:
        from attune.consent.selectors import supervisor_may_see_media

        return case is not None and supervisor_may_see_media(case)
    return True


#: What a film is, as the guider sees it: its processing status, unless the case's media is
#: locked (filming consent withdrawn) or deleted, which outranks whatever processing reached.
LOCKED = "locked"
DELETED = "deleted"
SHOWN_LABELS = {
    **dict(FilmStatus.choices),
    LOCKED: "Locked: being deleted",
    DELETED: "Deleted",
}


@dataclass(frozen=True)
class FilmShown:
    film: Film
    state: str  # a FilmStatus value, LOCKED or DELETED

    @property
    def label(self) -> str:
        return SHOWN_LABELS[self.state]

    @property
    def gone(self) -> bool:
        return self.state in {LOCKED, DELETED}


def film_shown(film: Film, media: MediaState | None = None) -> FilmShown:
    media = media if media is not None else media_state(film.case)
    if media == MediaState.DESTROYED:
        return FilmShown(film, DELETED)
    if media == MediaState.LOCKED:
        return FilmShown(film, LOCKED)
    return FilmShown(film, film.status)


def films_for_cycle(cycle: Cycle) -> list[Film]:
    """The cycle's films of adult and child: the ones its edit, review and letter are made from."""
    return list(cycle.films.of_family().exclude(status=FilmStatus.EXPIRED).order_by("-created_at"))


def review_films_for_cycle(cycle: Cycle) -> list[Film]:
    """Films of the cycle's shared review, kept for the guider's supervision only."""
    return list(cycle.films.of_review().exclude(status=FilmStatus.EXPIRED).order_by("-created_at"))


def cases_filming_ended(cases: Iterable[Case]) -> set[int]:
    """The cases (ids) whose media is locked or destroyed: no film will be added to them again,
    so their next step is never a film. Two queries, whatever the number of cases."""
    ids = [case.pk for case in cases]
    destroyed = CaseKey.objects.filter(case_id__in=ids, destroyed_at__isnull=False)
    locked = MediaDeletion.objects.filter(
        case_id__in=ids, locked_at__isnull=False, status=DeletionStatus.SCHEDULED
    )
    return set(destroyed.values_list("case_id", flat=True)) | set(
        locked.values_list("case_id", flat=True)
    )


def open_upload_for_cycle(
    cycle: Cycle, user: User, purpose: str = FilmPurpose.FAMILY
) -> Film | None:
    """The user's unfinished upload that can still be resumed (not past its deadline)."""
    return cycle.films.filter(
        purpose=purpose,
        status=FilmStatus.UPLOADING,
        uploaded_by=user,
        upload_expires_at__gt=timezone.now(),
    ).first()


def film_panel(user: User, case: Case, cycle: Cycle, access: Access) -> dict[str, object]:
    """What the cycle page shows about its films and the uploader."""
    from attune.films.services import filming_blockers, review_filming_blockers

    blockers = filming_blockers(case)
    review_blockers = review_filming_blockers(case, cycle)
    state = media_state(case)
    return {
        "films": [film_shown(film, state) for film in films_for_cycle(cycle)],
        "review_films": [film_shown(film, state) for film in review_films_for_cycle(cycle)],
        "may_film_review": not review_blockers,
        "review_film_blockers": review_blockers,
        "open_review_upload": open_upload_for_cycle(cycle, user, FilmPurpose.REVIEW),
        "may_see_media": may_see_media(access, case) and state == MediaState.AVAILABLE,
        "media_state": state,
        "may_film": not blockers,
        "film_blockers": blockers,
        "open_upload": open_upload_for_cycle(cycle, user),
        "upload_limit_gb": round(settings.ATTUNE_UPLOAD_MAX_BYTES / 1024**3, 1),
    }
