from __future__ import annotations

import time

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as Forbidden
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from attune.accounts.requests import signed_in_user
from attune.analysis.selectors import film_analysis_summary
from attune.cases.selectors import Access
from attune.consent.selectors import MediaState, media_state
from attune.core.errors import ServiceError
from attune.films import media, selectors, services
from attune.films.models import Film, FilmStatus
from attune.films.streaming import vault_response
from attune.vault.services import MediaGone

# The film's files the media URL serves: every file the pipeline makes, named by its Film field.
MEDIA_KINDS = {output.field for output in media.OUTPUTS}
VIEWING_SECONDS = 30 * 60


@login_required
@require_GET
def film_detail(request: HttpRequest, film_id: str) -> HttpResponse:
    film, access = selectors.film_for_user(signed_in_user(request), film_id)
    state = media_state(film.case)
    context: dict[str, object] = {
        "film": film,
        "case": film.case,
        "may_see_media": selectors.may_see_media(access, film.case)
        and state == MediaState.AVAILABLE,
        "media_state": state,
        "film_shown": selectors.film_shown(film, state),
        "may_retry": services.film_may_retry(film),
        "is_guider": film.case.guider_id == request.user.pk,
    }
    if context["may_see_media"] and film.status == FilmStatus.READY:
        context |= film_analysis_summary(film)
    return render(request, "films/film_detail.html", context)


@login_required
@require_GET
def film_status(request: HttpRequest, film_id: str) -> HttpResponse:
    film, access = selectors.film_for_user(signed_in_user(request), film_id)
    response = render(
        request,
        "films/_status.html",
        {
            "film": film,
            "film_shown": selectors.film_shown(film),
            "may_see_media": selectors.may_see_media(access, film.case),
        },
    )
    if film.status in {FilmStatus.READY, FilmStatus.FAILED} and request.headers.get("HX-Request"):
        response["HX-Refresh"] = "true"  # show the player (or the retry button) in full
    return response


def _note_viewing(request: HttpRequest, film: Film) -> None:
    """One audit event per viewing (per film, per session, per half hour), not per request."""
    seen: dict[str, float] = request.session.get("films_viewed", {})
    now = time.time()
    if now - seen.get(str(film.pk), 0) > VIEWING_SECONDS:
        services.film_viewed(actor=signed_in_user(request), film=film)
        seen[str(film.pk)] = now
        request.session["films_viewed"] = seen


@login_required
@require_GET
def film_media(
    request: HttpRequest, film_id: str, kind: str
) -> HttpResponse | StreamingHttpResponse:
    if kind not in MEDIA_KINDS:
        raise Http404
    film, access = selectors.film_for_user(signed_in_user(request), film_id)
    if not selectors.may_see_media(access, film.case):
        raise Forbidden("Films are seen by the guider, and by their supervisor with consent.")
    state = media_state(film.case)
    if state == MediaState.LOCKED:  # consent withdrawn: locked at once, destroyed in moments
        return HttpResponse("This film is being deleted: consent was withdrawn.", status=410)
    if state == MediaState.DESTROYED:
        # Crypto-shredded: nothing of it is left to answer for (issue 4: 410 while locked, then
        # 404 once destroyed). The case page shows the deletion receipt.
        raise Http404
    obj = getattr(film, kind) if film.status == FilmStatus.READY else None
    if obj is None:
        raise Http404
    try:
        response = vault_response(request, obj)
    except MediaGone:
        return HttpResponse("This film has been deleted.", status=410)
    if kind == "playable":  # the poster and timeline pictures alone are not a viewing
        _note_viewing(request, film)
    return response


@login_required
@require_POST
def film_retry(request: HttpRequest, film_id: str) -> HttpResponse:
    film, access = selectors.film_for_user(signed_in_user(request), film_id)
    if access != Access.GUIDER:
        raise Forbidden("Only the case's guider can retry processing.")
    try:
        services.film_retry(actor=signed_in_user(request), film=film)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Processing will start again shortly.")
    return redirect("films:detail", film_id=film.pk)


@login_required
@require_POST
def film_remove(request: HttpRequest, film_id: str) -> HttpResponse:
    film, access = selectors.film_for_user(signed_in_user(request), film_id)
    if access != Access.GUIDER:
        raise Forbidden("Only the case's guider can remove a failed upload.")
    name = film.original_filename or "The upload"
    try:
        services.film_remove(actor=signed_in_user(request), film=film)
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect("films:detail", film_id=film.pk)
    messages.success(request, f"“{name}” is removed, with everything stored of it.")
    return redirect("cases:cycle", reference=film.case.reference, number=film.cycle.number)
