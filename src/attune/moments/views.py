from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as Forbidden
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from attune.accounts.models import User
from attune.accounts.requests import signed_in_user
from attune.analysis import selectors as analysis_selectors
from attune.consent.selectors import consent_allows_training
from attune.core.errors import ServiceError
from attune.films.models import Film, FilmStatus
from attune.films.selectors import DELETED, film_for_user, film_shown, may_see_media
from attune.films.streaming import vault_response
from attune.moments import selectors, services
from attune.moments.api import MomentOut
from attune.moments.forms import PrincipleForm
from attune.moments.models import Principle
from attune.vault.services import MediaGone

CONTENT_TYPES = {"mp4": "video/mp4", "png": "image/png", "jpeg": "image/jpeg"}
EXTENSIONS = {"mp4": "mp4", "png": "png", "jpeg": "jpg"}


def _api(path: str) -> str:
    return reverse("api:api-root") + path


def _editor_data(request: HttpRequest, film: Film, user: User) -> dict[str, Any]:
    rate = selectors.film_rate(film)
    case = film.case
    summary = selectors.edit_for_cycle(film.cycle)
    catalogue = selectors.catalogue_for_service(case.service)
    moments = [MomentOut.from_orm(m).dict() for m in selectors.moments_for_film(film)]
    in_edit_elsewhere = [
        {"id": str(m.pk), "label": f"A moment from another film of cycle {film.cycle.number}"}
        for m in summary.moments
        if m.film_id != film.pk
    ]
    return {
        "film": {
            "id": str(film.pk),
            "purpose": film.purpose,
            "duration": film.duration,
            "fps": film.fps,
            "rate": [rate.numerator, rate.denominator],
            "frames": selectors.film_frame_count(film),
            "width": film.width,
            "height": film.height,
            "has_audio": film.has_audio,
        },
        "cycle": {"id": film.cycle_id, "number": film.cycle.number},
        "urls": {
            "moments": _api(f"films/{film.pk}/moments"),
            "moment": _api("moments/"),
            "edit": _api(f"cycles/{film.cycle_id}/edit"),
            "analysis": _api(f"films/{film.pk}/suggestions"),
            "reanalyse": _api(f"films/{film.pk}/analysis"),
            "speakers": _api(f"films/{film.pk}/speakers"),
            "suggestion": _api("suggestions/"),
            "sprite": reverse("films:media", args=[film.pk, "sprite"]),
            "sprite_index": reverse("films:media", args=[film.pk, "sprite_index"]),
            "waveform": reverse("films:media", args=[film.pk, "waveform"]),
            "render_file": reverse(
                "moments:render_file", args=["00000000-0000-0000-0000-000000000000", "mp4"]
            ),
        },
        "catalogue": [
            {
                "id": entry.principle.pk,
                "key": entry.key,
                "name": entry.principle.name,
                "active": entry.principle.is_active,
                "behaviours": [
                    {"id": b.pk, "name": b.name, "active": b.is_active} for b in entry.behaviours
                ],
            }
            for entry in catalogue
        ],
        "moments": moments,
        "edit": {
            "moment_ids": [str(m.pk) for m in summary.moments],
            "other_films": in_edit_elsewhere,
            "clips": summary.clips,
            "stills": summary.stills,
            "seconds": round(summary.seconds, 3),
            "warnings": summary.warnings,
        },
        # The moment finder's lanes and suggestions (empty until the film is analysed).
        "analysis": analysis_selectors.editor_payload(film),
        "can_edit": selectors.may_edit(user, case),
        "can_download": selectors.may_download(user, case),
        "training_allowed": consent_allows_training(case),
        "limits": {
            "clip_seconds": selectors.CLIP_WARN_SECONDS,
            "edit_clips": selectors.EDIT_WARN_CLIPS,
            "edit_seconds": selectors.EDIT_WARN_SECONDS,
        },
    }


@login_required
@require_GET
def editor(request: HttpRequest, film_id: str) -> HttpResponse:
    user = signed_in_user(request)
    film, access = film_for_user(user, film_id)
    if not may_see_media(access, film.case):
        raise Forbidden("Service admins see case records, not films.")
    shown = film_shown(film)
    if shown.gone:
        messages.info(
            request,
            "This film has been deleted, so it cannot be opened in the editor."
            if shown.state == DELETED
            else "Filming consent was withdrawn: this film is being deleted and cannot be opened.",
        )
        return redirect("films:detail", film_id=film.pk)
    if film.status != FilmStatus.READY:
        messages.info(
            request,
            "This film could not be processed, so there is nothing to open in the editor."
            if film.status == FilmStatus.FAILED
            else "The editor opens once the film is ready.",
        )
        return redirect("films:detail", film_id=film.pk)
    services.catalogue_ensure(service=film.case.service)
    data = _editor_data(request, film, user)
    return render(
        request,
        "moments/editor.html",
        {
            "film": film,
            "case": film.case,
            "data": json.loads(json.dumps(data, cls=DjangoJSONEncoder)),
            "catalogue": data["catalogue"],
            "can_edit": data["can_edit"],
        },
    )


def _render_file(request: HttpRequest, render_id: str, fmt: str, *, download: bool) -> Any:
    if fmt not in CONTENT_TYPES:
        raise Http404
    user = signed_in_user(request)
    render_obj, access = selectors.render_for_user(user, render_id)
    if not may_see_media(access, render_obj.moment.film.case):
        raise Forbidden("Service admins see case records, not films.")
    if not selectors.media_available(render_obj.moment.film.case):
        return HttpResponse("This film has been deleted or is being deleted.", status=410)
    try:
        if download:
            obj = services.render_download(actor=user, render=render_obj, fmt=fmt)
        elif request.headers.get("Range", "bytes=0-").startswith("bytes=0-"):
            # One audit event per viewing, not one per Range request of the same viewing.
            obj = services.render_viewed(actor=user, render=render_obj, fmt=fmt)
        else:
            obj = selectors.render_object(render_obj, fmt)
    except ServiceError as exc:
        if exc.code == "forbidden":
            raise Forbidden(exc.message) from exc
        raise Http404(exc.message) from exc
    try:
        response = vault_response(request, obj)
    except MediaGone:
        return HttpResponse("This film has been deleted.", status=410)
    moment = render_obj.moment
    name = f"{moment.film.case.reference}-cycle{moment.film.cycle.number}-{moment.kind}-frame{render_obj.start_frame}.{EXTENSIONS[fmt]}"
    disposition = "attachment" if download else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{name}"'
    return response


@login_required
@require_GET
def render_file(
    request: HttpRequest, render_id: str, fmt: str
) -> HttpResponse | StreamingHttpResponse:
    return _render_file(request, render_id, fmt, download=False)  # type: ignore[no-any-return]


@login_required
@require_GET
def render_download(
    request: HttpRequest, render_id: str, fmt: str
) -> HttpResponse | StreamingHttpResponse:
    return _render_file(request, render_id, fmt, download=True)  # type: ignore[no-any-return]


# --- the catalogue --------------------------------------------------------------------------------


@login_required
def catalogue(request: HttpRequest) -> HttpResponse:
    """Everyone in the service may read the principles and behaviours; service admins change
    them here (the form says which principle in its ``principle`` field, or "new")."""
    user = signed_in_user(request)
    if user.service is None:
        raise Http404
    if request.method == "POST":
        return _catalogue_save(request, user)
    services.catalogue_ensure(service=user.service)
    entries = selectors.catalogue_for_service(user.service)
    is_admin = user.is_service_admin
    return render(
        request,
        "moments/catalogue.html",
        {
            "entries": [
                (
                    entry,
                    PrincipleForm.for_principle(
                        entry.principle, entry.behaviours, prefix=f"p{entry.principle.pk}"
                    )
                    if is_admin
                    else None,
                )
                for entry in entries
            ],
            "is_admin": is_admin,
            "add_form": PrincipleForm(prefix="new") if is_admin else None,
        },
    )


def _catalogue_save(request: HttpRequest, user: User) -> HttpResponse:
    if not user.is_service_admin or user.service is None:
        raise Forbidden("Only service admins can change the principles and behaviours.")
    which = request.POST.get("principle", "")
    if which == "new":
        form = PrincipleForm(request.POST, prefix="new")
        if not form.is_valid():
            messages.error(request, "Give the new principle a name.")
            return redirect("moments:catalogue")
        kwargs = form.service_kwargs()
        kwargs.pop("is_active")
        try:
            principle = services.principle_add(actor=user, service=user.service, **kwargs)
        except ServiceError as exc:
            messages.error(request, exc.message)
            return redirect("moments:catalogue")
    else:
        found = (
            Principle.objects.filter(pk=which, service=user.service).first()
            if which.isdigit()
            else None
        )
        if found is None:
            raise Http404
        form = PrincipleForm(request.POST, prefix=f"p{found.pk}")
        if not form.is_valid():
            messages.error(request, "Check the principle's name.")
            return redirect("moments:catalogue")
        try:
            principle = services.principle_update(
                actor=user, principle=found, **form.service_kwargs()
            )
        except ServiceError as exc:
            messages.error(request, exc.message)
            return redirect("moments:catalogue")
    messages.success(request, f"Saved “{principle.name}”.")
    return redirect(reverse("moments:catalogue") + f"#principle-{principle.pk}")
