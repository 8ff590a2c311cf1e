"""Permission-aware reads of films. Media (the pictures and sound) has a stricter rule than
case metadata: a service admin sees that a film exists, never the film itself."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.http import Http404

from attune.accounts.models import User
from attune.cases.models import Case, Cycle
from attune.cases.selectors import Access, access_for, cases_for_user
from attune.films.models import Film, FilmStatus

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


def may_see_media(access: Access) -> bool:
    return access in MEDIA_ACCESS


def films_for_cycle(cycle: Cycle) -> list[Film]:
    return list(cycle.films.exclude(status=FilmStatus.EXPIRED).order_by("-created_at"))


def open_upload_for_cycle(cycle: Cycle, user: User) -> Film | None:
    return cycle.films.filter(status=FilmStatus.UPLOADING, uploaded_by=user).first()


def film_panel(user: User, case: Case, cycle: Cycle, access: Access) -> dict[str, object]:
    """What the cycle page shows about its films and the uploader."""
    from attune.films.services import case_may_film

    return {
        "films": films_for_cycle(cycle),
        "may_see_media": may_see_media(access),
        "may_film": case_may_film(case),
        "open_upload": open_upload_for_cycle(cycle, user),
        "upload_limit_gb": round(settings.ATTUNE_UPLOAD_MAX_BYTES / 1024**3, 1),
    }
