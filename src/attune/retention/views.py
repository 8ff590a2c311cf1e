"""Subject access pages. Each view: validate → fetch through a selector → one service call."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as Forbidden
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from attune.accounts.requests import signed_in_user
from attune.cases.models import Case
from attune.cases.selectors import Access, case_for_user
from attune.retention import sar


def _case_for_subject_access(request: HttpRequest, reference: str) -> tuple[Case, Access]:
    case, access = case_for_user(signed_in_user(request), reference)
    if access not in {Access.GUIDER, Access.ADMIN}:
        raise Forbidden("Subject access is handled by the guider or the service admin.")
    return case, access


@login_required
@require_GET
def subject_access(request: HttpRequest, reference: str) -> HttpResponse:
    case, access = _case_for_subject_access(request, reference)
    return render(
        request,
        "retention/subject_access.html",
        {"case": case, "people": sar.people_of_case(case), "may_include_media": access == "guider"},
    )


@login_required
@require_GET
def subject_access_export(request: HttpRequest, reference: str, person: str) -> HttpResponse:
    """The export is a download (a read, audited); films go in only for the guider, and only
    when asked for."""
    case, access = _case_for_subject_access(request, reference)
    found = sar.person_in_case(case, person)
    include_media = request.GET.get("media") == "1"
    if include_media and access != Access.GUIDER:
        raise Forbidden("A service admin's export never holds films or pictures.")
    name, data = sar.sar_export_bytes(
        actor=signed_in_user(request), person=found, include_media=include_media
    )
    response = HttpResponse(data, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response
