"""Case pages. Each view: validate → fetch through a selector → one service call → render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as Forbidden
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from attune.accounts.requests import signed_in_user
from attune.accounts.selectors import guiders_for_user
from attune.cases import selectors, services
from attune.cases.forms import (
    AdultForm,
    CaseCreateForm,
    CaseForm,
    CycleForm,
    HelpingQuestionForm,
    InitialMeetingForm,
    TransitionForm,
)
from attune.cases.models import Case, CaseState
from attune.core.errors import ServiceError
from attune.core.views import form_error
from attune.films.selectors import cases_filming_ended, film_panel


def _case_for_guider(request: HttpRequest, reference: str) -> Case:
    return selectors.case_for_guider(signed_in_user(request), reference)


@login_required
def caseload(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    state = request.GET.get("state", "open")
    valid = {"open", "all", *CaseState.values}
    state = state if state in valid else "open"
    rows = selectors.caseload(
        user, state=None if state == "all" else state, filming_ended=cases_filming_ended
    )
    overdue = sum(1 for _, action in rows if action and action.overdue)
    return render(
        request,
        "cases/caseload.html",
        {
            "rows": rows,
            "state": state,
            "states": CaseState.choices,
            "overdue_count": overdue,
            "has_cases": bool(rows) or selectors.cases_for_user(user).exists(),
            "can_create": user.is_guider or user.is_service_admin,
        },
    )


@login_required
def case_create(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    if not (user.is_guider or user.is_service_admin):
        raise Forbidden("Only guiders and service admins can open cases.")
    guiders = guiders_for_user(user) if user.is_service_admin else None
    form = CaseCreateForm(request.POST or None, guiders=guiders)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        guider = data.pop("guider", None)
        try:
            case = services.case_create(actor=user, guider=guider, **data)
        except ServiceError as exc:
            form_error(form, exc)
        else:
            messages.success(request, f"Case {case.reference} opened. Add the adults taking part.")
            return redirect("cases:adult_add", reference=case.reference)
    return render(request, "cases/case_form.html", {"form": form, "title": "Open a case"})


@login_required
@require_GET
def case_detail(request: HttpRequest, reference: str) -> HttpResponse:
    user = signed_in_user(request)
    case, access = selectors.case_for_user(user, reference)
    services.case_viewed(actor=user, case=case, page="case")
    transitions = [
        (
            state,
            services.transition_label(case.state, state),
            services.transition_blockers(case, state),
            services.transition_is_forward(case.state, state),
        )
        for state in sorted(services.TRANSITIONS[case.state], key=list(CaseState.values).index)
    ]
    questions_by_adult = {
        adult: [q for q in case.helping_questions.all() if q.adult_id == adult.pk]
        for adult in case.adults.all()
    }
    cycles = [(cycle, selectors.cycle_stage(cycle)) for cycle in case.cycles.all()]
    return render(
        request,
        "cases/case_detail.html",
        {
            "case": case,
            "access": access,
            "is_guider": access == selectors.Access.GUIDER and case.is_open,
            "meeting": getattr(case, "initial_meeting", None),
            "questions_by_adult": questions_by_adult,
            "cycles": cycles,
            "next_action": selectors.next_action(
                case, filming_ended=bool(cases_filming_ended([case]))
            ),
            "transitions": transitions,
            "timeline": selectors.case_timeline(case),
            "states": CaseState,
        },
    )


@login_required
def case_edit(request: HttpRequest, reference: str) -> HttpResponse:
    case = _case_for_guider(request, reference)
    form = CaseForm(request.POST or None, instance=case)
    if request.method == "POST" and form.is_valid():
        try:
            services.case_update(actor=signed_in_user(request), case=case, **form.cleaned_data)
        except ServiceError as exc:
            form_error(form, exc)
        else:
            messages.success(request, "Case details saved.")
            return redirect("cases:detail", reference=case.reference)
    case.refresh_from_db()
    return render(
        request, "cases/case_form.html", {"form": form, "case": case, "title": "Edit case details"}
    )


@login_required
def adult_add(request: HttpRequest, reference: str) -> HttpResponse:
    case = _case_for_guider(request, reference)
    form = AdultForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            adult = services.adult_add(
                actor=signed_in_user(request), case=case, **form.cleaned_data
            )
        except ServiceError as exc:
            form_error(form, exc)
        else:
            messages.success(request, f"{adult.name} added.")
            if "another" in request.POST:
                return redirect("cases:adult_add", reference=case.reference)
            return redirect("cases:detail", reference=case.reference)
    return render(request, "cases/adult_form.html", {"form": form, "case": case})


@login_required
def initial_meeting(request: HttpRequest, reference: str) -> HttpResponse:
    case = _case_for_guider(request, reference)
    form = InitialMeetingForm(request.POST or None, instance=getattr(case, "initial_meeting", None))
    if request.method == "POST" and form.is_valid():
        try:
            services.initial_meeting_record(
                actor=signed_in_user(request), case=case, **form.cleaned_data
            )
        except ServiceError as exc:
            form_error(form, exc)
        else:
            messages.success(request, "Initial meeting recorded.")
            return redirect("cases:detail", reference=case.reference)
    return render(request, "cases/meeting_form.html", {"form": form, "case": case})


@login_required
def helping_question_add(request: HttpRequest, reference: str) -> HttpResponse:
    case = _case_for_guider(request, reference)
    initial = {"adult": request.GET.get("adult")} if request.GET.get("adult") else None
    form = HelpingQuestionForm(request.POST or None, case=case, initial=initial)
    if not case.adults.exists():
        messages.info(request, "Add the adults taking part before their helping questions.")
        return redirect("cases:adult_add", reference=case.reference)
    if request.method == "POST" and form.is_valid():
        try:
            services.helping_question_add(
                actor=signed_in_user(request), case=case, **form.cleaned_data
            )
        except ServiceError as exc:
            form_error(form, exc)
        else:
            messages.success(request, "Helping question added.")
            if "another" in request.POST:
                return redirect("cases:question_add", reference=case.reference)
            return redirect("cases:detail", reference=case.reference)
    return render(request, "cases/question_form.html", {"form": form, "case": case})


@login_required
@require_POST
def helping_question_remove(request: HttpRequest, reference: str, question_id: int) -> HttpResponse:
    case = _case_for_guider(request, reference)
    question = selectors.helping_question_for_case(case, question_id)
    try:
        services.helping_question_remove(
            actor=signed_in_user(request), case=case, question=question
        )
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Helping question removed.")
    return redirect("cases:detail", reference=case.reference)


@login_required
@require_POST
def cycle_add(request: HttpRequest, reference: str) -> HttpResponse:
    case = _case_for_guider(request, reference)
    try:
        cycle = services.cycle_add(actor=signed_in_user(request), case=case)
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect("cases:detail", reference=case.reference)
    messages.success(request, f"Cycle {cycle.number} added. Plan its dates.")
    return redirect("cases:cycle", reference=case.reference, number=cycle.number)


@login_required
def cycle_detail(request: HttpRequest, reference: str, number: int) -> HttpResponse:
    user = signed_in_user(request)
    case, access = selectors.case_for_user(user, reference)
    cycle = selectors.cycle_for_case(case, number)
    is_guider = access == selectors.Access.GUIDER and case.is_open
    if request.method == "POST" and not is_guider:
        raise Forbidden("Only the case's guider can change it.")
    form = CycleForm(request.POST or None, instance=cycle)
    if request.method == "POST" and form.is_valid():
        try:
            services.cycle_update(actor=user, case=case, cycle=cycle, **form.cleaned_data)
        except ServiceError as exc:
            form_error(form, exc)
        else:
            messages.success(request, f"Cycle {cycle.number} saved.")
            return redirect("cases:detail", reference=case.reference)
    if request.method == "GET":
        services.case_viewed(actor=user, case=case, page=f"cycle {number}")
    cycle.refresh_from_db()
    return render(
        request,
        "cases/cycle_detail.html",
        {
            "case": case,
            "cycle": cycle,
            "stage": selectors.cycle_stage(cycle),
            "form": form,
            "is_guider": is_guider,
            **film_panel(user, case, cycle, access),
        },
    )


@login_required
def case_transition(request: HttpRequest, reference: str, state: str) -> HttpResponse:
    case = _case_for_guider(request, reference)
    if state not in services.TRANSITION_LABELS:
        raise Http404("No such state.")
    # Bound on every POST: the reason is optional, so an empty POST is still a submission.
    form = TransitionForm(
        request.POST if request.method == "POST" else None,
        reason_required=state == CaseState.WITHDRAWN,
    )
    blockers = services.transition_blockers(case, state)
    if request.method == "POST" and form.is_valid():
        try:
            services.case_transition(
                actor=signed_in_user(request),
                case=case,
                to_state=state,
                reason=form.cleaned_data["reason"],
            )
        except ServiceError as exc:
            form_error(form, exc)
            case.refresh_from_db()
        else:
            messages.success(request, f"The case is now {case.get_state_display().lower()}.")
            return redirect("cases:detail", reference=case.reference)
    return render(
        request,
        "cases/transition_form.html",
        {
            "case": case,
            "form": form,
            "to_state": state,
            "label": services.transition_label(case.state, state),
            "blockers": blockers,
            "needs_reason": state == CaseState.WITHDRAWN,
        },
    )
