"""Safeguarding pages. There is no route to edit or delete a concern or an amendment."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as Forbidden
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from attune.accounts.requests import signed_in_user
from attune.cases.selectors import case_for_user
from attune.core.errors import ServiceError
from attune.core.views import form_error
from attune.safeguarding import selectors, services
from attune.safeguarding.forms import AmendmentForm, ConcernForm


@login_required
@require_http_methods(["GET", "POST"])
def concern_create(request: HttpRequest, reference: str) -> HttpResponse:
    user = signed_in_user(request)
    case, access = case_for_user(user, reference)
    if not selectors.may_record(access):
        raise Forbidden("Only the case's guider or their supervisor can record a concern.")
    form = ConcernForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.concern_record(actor=user, case=case, **form.cleaned_data)
        except ServiceError as exc:
            form_error(form, exc)
        else:
            messages.success(request, "The safeguarding concern is recorded.")
            return redirect("cases:detail", reference=case.reference)
    return render(request, "safeguarding/concern_form.html", {"case": case, "form": form})


@login_required
@require_GET
def concern_detail(request: HttpRequest, concern_id: str) -> HttpResponse:
    user = signed_in_user(request)
    concern, access = selectors.concern_for_user(user, concern_id)
    services.concern_viewed(actor=user, concern=concern)
    return render(
        request,
        "safeguarding/concern_detail.html",
        {
            "case": concern.case,
            "concern": concern,
            "amendments": list(concern.amendments.all()),
            "may_record": selectors.may_record(access),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def amendment_create(request: HttpRequest, concern_id: str) -> HttpResponse:
    user = signed_in_user(request)
    concern, access = selectors.concern_for_user(user, concern_id)
    if not selectors.may_record(access):
        raise Forbidden("Only the case's guider or their supervisor can add to a concern.")
    form = AmendmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.concern_amend(actor=user, concern=concern, **form.cleaned_data)
        except ServiceError as exc:
            form_error(form, exc)
        else:
            messages.success(request, "Your amendment is added beneath the concern.")
            return redirect("safeguarding:detail", concern_id=concern.pk)
    return render(
        request,
        "safeguarding/amendment_form.html",
        {"case": concern.case, "concern": concern, "form": form},
    )
