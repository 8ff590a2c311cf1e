from __future__ import annotations

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as Forbidden
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from attune.accounts.models import User
from attune.accounts.selectors import guiders_for_user, service_user_for_admin
from attune.administration import reports as figures
from attune.administration import services
from attune.administration.charts import bar_chart
from attune.administration.forms import (
    HandoverForm,
    PeriodForm,
    RolesForm,
    ServiceSettingsForm,
    TargetsForm,
)
from attune.cases.selectors import cases_for_user
from attune.core.errors import ServiceError
from attune.supervision.models import AccreditationTargets
from attune.supervision.services import accreditation_targets_update


def _admin(request: HttpRequest) -> User:
    user: User = request.user  # type: ignore[assignment]
    if not user.is_service_admin or user.service is None:
        raise Forbidden("Only service admins can manage the service.")
    return user


@login_required
def person(request: HttpRequest, user_id: int) -> HttpResponse:
    """One member of staff: their roles, their open cases, leaving and coming back."""
    admin = _admin(request)
    found = service_user_for_admin(admin, user_id)
    guiders = guiders_for_user(admin).exclude(pk=found.pk)
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "roles":
                form = RolesForm(request.POST)
                form.is_valid()
                services.user_roles_change(actor=admin, person=found, **form.cleaned_data)
                messages.success(request, f"{found}'s roles saved.")
            elif action == "handover":
                case = (
                    cases_for_user(admin)
                    .filter(reference=request.POST.get("case", ""), guider=found)
                    .first()
                )
                handover = HandoverForm(request.POST, guiders=guiders)
                if case is None or not handover.is_valid():
                    messages.error(request, "Choose the guider to hand the case to.")
                else:
                    to = handover.cleaned_data["to_guider"]
                    services.case_handover(actor=admin, case=case, to_guider=to)
                    messages.success(request, f"{case.reference} handed to {to}.")
            elif action == "deactivate":
                services.user_deactivate(actor=admin, person=found)
                messages.success(request, f"{found} can no longer sign in.")
            elif action == "reactivate":
                services.user_reactivate(actor=admin, person=found)
                messages.success(request, f"{found} can sign in again.")
            else:
                messages.error(request, "Choose what to do.")
        except ServiceError as exc:
            messages.error(request, exc.message)
        return redirect("administration:person", user_id=found.pk)
    return render(
        request,
        "administration/person.html",
        {
            "person": found,
            "roles_form": RolesForm(initial={n: getattr(found, n) for n in services.ROLE_FIELDS}),
            "open_cases": services.open_cases_of(found),
            "handover_form": HandoverForm(guiders=guiders),
        },
    )


@login_required
def service_settings(request: HttpRequest) -> HttpResponse:
    admin = _admin(request)
    service = admin.service
    assert service is not None
    targets = AccreditationTargets.objects.filter(service=service).first() or AccreditationTargets(
        service=service
    )
    form = ServiceSettingsForm(request.POST or None, instance=service, prefix="service")
    targets_form = TargetsForm(request.POST or None, instance=targets, prefix="targets")
    # The services read the stored values afresh, so the audit trail says what changed.
    if request.method == "POST" and form.is_valid() and targets_form.is_valid():
        services.service_settings_update(actor=admin, service=service, **form.cleaned_data)
        accreditation_targets_update(actor=admin, service=service, **targets_form.cleaned_data)
        messages.success(request, "Settings saved.")
        return redirect("administration:settings")
    return render(
        request, "administration/settings.html", {"form": form, "targets_form": targets_form}
    )


def _period(request: HttpRequest) -> tuple[PeriodForm, figures.Period]:
    default = figures.Period.default()
    form = PeriodForm(request.GET or {"start": default.start, "end": default.end})
    if form.is_valid():
        return form, figures.Period(form.cleaned_data["start"], form.cleaned_data["end"])
    return form, default


@login_required
def reports(request: HttpRequest) -> HttpResponse:
    admin = _admin(request)
    assert admin.service is not None
    form, period = _period(request)
    report = figures.service_report(admin.service, period)
    charts = [
        bar_chart("Cases by state", report["caseload_by_state"]),
        bar_chart("Cycles held per case", report["cycles_per_case"]),
        bar_chart("Completed and withdrawn", report["completed_vs_withdrawn"]),
        bar_chart("Confirmed supervision hours", report["supervision_hours"] or {"None": 0}),
    ]
    states = list(report["caseload_by_state"])
    return render(
        request,
        "administration/reports.html",
        {
            "form": form,
            "report": report,
            "charts": charts,
            "states": states,
            "query": request.GET.urlencode(),
            "fewer": figures.FEWER,
        },
    )


@login_required
def reports_csv(request: HttpRequest) -> HttpResponse:
    admin = _admin(request)
    assert admin.service is not None
    _form, period = _period(request)
    report = figures.service_report(admin.service, period)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="attune-report-{period.start}-{period.end}.csv"'
    )
    csv.writer(response).writerows(figures.csv_rows(report))
    return response
