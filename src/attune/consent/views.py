"""Consent pages. Each view: validate → fetch through a selector → one service call → render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as Forbidden
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from attune.accounts.requests import signed_in_user
from attune.cases.models import Case
from attune.cases.selectors import Access, adult_for_case, case_for_guider, case_for_user
from attune.consent import selectors, services
from attune.consent.forms import ConsentCaptureForm, ConsentFormEditForm, WithdrawForm
from attune.consent.models import ConsentRecord, Scope
from attune.core.errors import ServiceError
from attune.core.views import form_error
from attune.retention.selectors import media_inventory, review_films_inventory
from attune.vault.services import MediaGone, object_read_all


def _case_for_guider(request: HttpRequest, reference: str) -> Case:
    return case_for_guider(
        signed_in_user(request), reference, refusal="Only the case's guider records consent."
    )


@login_required
@require_http_methods(["GET", "POST"])
def consent_capture(request: HttpRequest, reference: str, adult_id: int) -> HttpResponse:
    case = _case_for_guider(request, reference)
    adult = adult_for_case(case, adult_id)
    version = services.consent_form_current_version(service=case.service)
    previous = selectors.current_record(adult)
    agreed = selectors.active_scopes(previous) if previous else set()
    # Signing again starts from what is agreed and still in force (to stop any of it is a
    # withdrawal), so the form is never refused for leaving those unticked.
    form = ConsentCaptureForm(
        request.POST or None,
        request.FILES or None,
        version=version,
        initial={"scopes": sorted(agreed)},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        paper = data.get("paper")
        try:
            services.consent_record(
                actor=signed_in_user(request),
                case=case,
                adult=adult,
                scopes=sorted(set(data["scopes"]) | agreed),
                method=data["method"],
                signed_on=data["signed_on"],
                typed_name=data["typed_name"],
                confirmed=data["confirmed"],
                signature_png=data["signature"],
                paper=paper.read() if paper else None,
                paper_content_type=getattr(paper, "content_type", "") or "",
                child_view=data["child_view"],
                form_version=version,
            )
        except ServiceError as exc:
            form_error(form, exc)
        else:
            messages.success(request, f"{adult.name}'s consent is recorded.")
            return redirect("cases:detail", reference=case.reference)
    return render(
        request,
        "consent/capture.html",
        {
            "case": case,
            "adult": adult,
            "version": version,
            "form": form,
            "previous_active": [label for value, label in Scope.choices if value in agreed],
            "witness": signed_in_user(request),
        },
    )


@login_required
@require_GET
def consent_print(request: HttpRequest, reference: str, adult_id: int) -> HttpResponse:
    """The form on paper, for adults who would rather sign with a pen."""
    case, _ = case_for_user(signed_in_user(request), reference)
    adult = adult_for_case(case, adult_id)
    version = services.consent_form_current_version(service=case.service)
    return render(
        request,
        "consent/print.html",
        {"case": case, "adult": adult, "version": version, "record": None},
    )


@login_required
@require_GET
def record_detail(request: HttpRequest, record_id: str) -> HttpResponse:
    record, access = selectors.record_for_user(signed_in_user(request), record_id)
    return render(
        request,
        "consent/print.html",
        {
            "case": record.case,
            "adult": record.adult,
            "version": record.form_version,
            "record": record,
            "active": selectors.active_scopes(record),
            "withdrawals": list(record.withdrawals.all()),
            "document": selectors.record_document(record),
            "may_see_document": access in {Access.GUIDER, Access.ADMIN},
            "is_current": selectors.current_record(record.adult) == record,
            "is_guider": access == Access.GUIDER,
        },
    )


@login_required
@require_GET
def record_document(request: HttpRequest, record_id: str) -> HttpResponse:
    record, access = selectors.record_for_user(signed_in_user(request), record_id)
    if access not in {Access.GUIDER, Access.ADMIN}:
        raise Forbidden("Only the guider and the service admin see signatures.")
    obj = selectors.record_document(record)
    if obj is None:
        if record.document_id is not None:
            return HttpResponse("This document was destroyed with the case's media.", status=410)
        raise Http404("This consent was typed: there is no signature image or scan.")
    try:
        data = object_read_all(obj)
    except MediaGone:
        return HttpResponse("This document was destroyed with the case's media.", status=410)
    response = HttpResponse(data, content_type=obj.content_type or "application/octet-stream")
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    disposition = "attachment" if obj.content_type == "application/pdf" else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="consent-{record.pk}"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def consent_withdraw(request: HttpRequest, record_id: str) -> HttpResponse:
    record, access = selectors.record_for_user(signed_in_user(request), record_id)
    if access != Access.GUIDER:
        raise Forbidden("Only the case's guider records a withdrawal.")
    active = selectors.active_scopes(record)
    form = WithdrawForm(
        request.POST or None, active=active, initial={"asked_by": record.adult.name}
    )
    going_back = "back" in request.POST  # from the confirmation, to change the answers
    if request.method == "POST" and not going_back and form.is_valid():
        data = form.cleaned_data
        confirmed = request.POST.get("confirm") == "destroy"
        if Scope.FILMING in data["scopes"] and not confirmed:
            # Nothing is destroyed until the guider has seen what goes and said so again.
            return _withdraw_confirmation(request, record, form)
        if (
            Scope.SUPERVISION in data["scopes"]
            and not confirmed
            and not review_films_inventory(record.case).empty
        ):
            # Withdrawing supervision deletes the films of the shared review: confirmed too.
            return _withdraw_confirmation(request, record, form, review_films=True)
        try:
            withdrawal = services.consent_withdraw(
                actor=signed_in_user(request),
                record=record,
                scopes=data["scopes"],
                asked_by=data["asked_by"],
                channel=data["channel"],
                asked_on=data["asked_on"],
                note=data["note"],
            )
        except ServiceError as exc:
            form_error(form, exc)
        else:
            if Scope.FILMING in withdrawal.scopes:
                done = selectors.media_state(record.case) == selectors.MediaState.DESTROYED
                messages.warning(
                    request,
                    "Filming consent is withdrawn. "
                    + (
                        "The films have been deleted: the receipt is below."
                        if done
                        else "The films are locked and are being deleted; the receipt will "
                        "show here within minutes."
                    ),
                )
            else:
                messages.success(request, "The withdrawal is recorded.")
            return redirect("cases:detail", reference=record.case.reference)
    return render(
        request,
        "consent/withdraw.html",
        {"case": record.case, "record": record, "form": form, "active": active},
    )


def _withdraw_confirmation(
    request: HttpRequest, record: ConsentRecord, form: WithdrawForm, *, review_films: bool = False
) -> HttpResponse:
    """The second step of withdrawing filming: what will be destroyed, counted, with the answers
    carried forward unchanged for the guider to confirm (or go back and change)."""
    carried = [(name, value) for name in form.fields for value in request.POST.getlist(name)]
    labels = dict(Scope.choices)
    return render(
        request,
        "consent/withdraw_confirm.html",
        {
            "case": record.case,
            "record": record,
            "form": form,
            "carried": carried,
            "scope_labels": [labels[s] for s in form.cleaned_data["scopes"]],
            "inventory": review_films_inventory(record.case)
            if review_films
            else media_inventory(record.case),
            "review_films": review_films,
        },
    )


# --- the service's form, deletions and subject access -----------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def consent_forms(request: HttpRequest) -> HttpResponse:
    """Everyone reads the consent form their service uses; a service admin changes it (which
    writes a new version)."""
    user = signed_in_user(request)
    if user.service is None:
        raise Forbidden("You do not belong to a service.")
    consent_form = services.consent_form_default_ensure(service=user.service)
    current = consent_form.current
    if request.method == "POST" and not user.is_service_admin:
        raise Forbidden("Only a service admin can change the consent form.")
    form = None
    if user.is_service_admin:
        initial = ConsentFormEditForm.initial_from(current) if current else None
        form = ConsentFormEditForm(request.POST or None, initial=initial)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                version = services.consent_form_edit(
                    actor=user,
                    form=consent_form,
                    title=data["title"],
                    introduction=data["introduction"],
                    scope_texts=form.scope_texts(),
                    closing=data["closing"],
                )
            except ServiceError as exc:
                form_error(form, exc)
            else:
                messages.success(
                    request,
                    f"Version {version.number} saved. New consent uses it; everything signed "
                    "before keeps the words that were signed.",
                )
                return redirect("consent:forms")
    return render(
        request,
        "consent/forms.html",
        {
            "consent_form": consent_form,
            "current": current,
            "versions": list(consent_form.versions.order_by("-number")),
            "form": form,
        },
    )


@login_required
@require_GET
def deletion_queue(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    return render(
        request,
        "consent/deletion_queue.html",
        {
            "queue": selectors.deletion_queue(user),
            "done": selectors.recent_deletions(user),
            "now": timezone.now(),
            "retention_days": user.service.retention_days if user.service else None,
        },
    )
