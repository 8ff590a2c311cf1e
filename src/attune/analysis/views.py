"""Pages of the moment finder: the analysis state on the film page (and the guider's "analyse
again"), and the service admin's report on how useful the suggestions have been."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as Forbidden
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from attune.accounts.requests import signed_in_user
from attune.analysis import selectors, services
from attune.cases.selectors import Access
from attune.consent.selectors import MediaState, media_state
from attune.core.errors import ServiceError
from attune.films.models import FilmStatus
from attune.films.selectors import film_for_user


@login_required
@require_GET
def film_status(request: HttpRequest, film_id: str) -> HttpResponse:
    """The analysis panel alone, which the film page polls while the analysis runs."""
    film, _analysis = selectors.analysis_for_user(signed_in_user(request), film_id)
    context: dict[str, Any] = {"film": film, "shown": False}
    if film.status == FilmStatus.READY and media_state(film.case) == MediaState.AVAILABLE:
        context |= {
            "shown": True,
            "is_guider": film.case.guider_id == request.user.pk,
            **selectors.film_analysis_summary(film),
        }
    return render(request, "analysis/_film_status.html", context)


@login_required
@require_POST
def reanalyse(request: HttpRequest, film_id: str) -> HttpResponse:
    film, access = film_for_user(signed_in_user(request), film_id)
    if access != Access.GUIDER:
        raise Forbidden("Only the case's guider can ask for the film to be analysed again.")
    try:
        services.analysis_retry(actor=signed_in_user(request), film=film)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "The film will be analysed again shortly.")
    return redirect("films:detail", film_id=film.pk)


@login_required
@require_GET
def usefulness(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    if not user.is_service_admin or user.service is None:
        raise Forbidden("Only service admins can see how useful the suggestions are.")
    return render(
        request,
        "analysis/usefulness.html",
        {"service": user.service, "report": selectors.usefulness_report(user.service)},
    )
