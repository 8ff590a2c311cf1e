"""Shared review pages: the capture form, the presentation the family watches, the guider's
panel beside it, and rewording a helping question. Thin: fetch through a selector, one service
call, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as Forbidden
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from attune.accounts.models import User
from attune.cases.models import Cycle
from attune.cases.selectors import case_for_user, helping_question_for_case
from attune.consent.selectors import MediaState, media_state
from attune.core.errors import ServiceError
from attune.core.views import form_error
from attune.moments.selectors import cycle_for_user, edit_for_cycle
from attune.reviews import selectors, services
from attune.reviews.forms import ReviewForm, RewordForm

MEDIA_GONE = {
    MediaState.LOCKED: "Filming consent has been withdrawn: the films can no longer be shown, "
    "and they are being deleted.",
    MediaState.DESTROYED: "This case's films have been deleted.",
}


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


@login_required
def review(request: HttpRequest, cycle_id: int) -> HttpResponse:
    user = _user(request)
    cycle, access = cycle_for_user(user, cycle_id)
    case = cycle.case
    writer = selectors.may_write(access, case)
    if request.method == "POST" and not writer:
        raise Forbidden("Only the case's guider can record the shared review.")
    existing = selectors.review_for_cycle(cycle)
    form = ReviewForm(
        request.POST or None,
        moments=edit_for_cycle(cycle).moments,
        adults=list(case.adults.all()),
        questions=list(case.helping_questions.select_related("adult")),
        review=existing,
    )
    if request.method == "POST" and form.is_valid():
        complete = request.POST.get("action") == "complete"
        try:
            outcome = services.review_record(
                actor=user, cycle=cycle, complete=complete, **form.service_kwargs()
            )
        except ServiceError as exc:
            form_error(form, exc)
        else:
            if not complete:
                messages.success(
                    request, "Saved. Complete the review when every question is re-scaled."
                )
                return redirect("reviews:review", cycle_id=cycle.pk)
            if outcome.next_cycle is not None:
                messages.success(
                    request,
                    f"Shared review {cycle.number} completed. Next: film {outcome.next_cycle.number}"
                    " — plan its date.",
                )
                return redirect(
                    "cases:cycle", reference=case.reference, number=outcome.next_cycle.number
                )
            messages.success(
                request,
                f"Shared review {cycle.number} completed: every planned cycle is done. Add a cycle, "
                "or begin closing and write the closing letter.",
            )
            return redirect("cases:detail", reference=case.reference)
    return render(
        request,
        "reviews/review.html",
        {
            "case": case,
            "cycle": cycle,
            "form": form,
            "review": existing,
            "writer": writer,
            "blockers": selectors.review_blockers(cycle),
            "presentation": selectors.presentation_for_cycle(cycle),
            "may_present": selectors.may_present(access, case),
        },
    )


def _presentable(request: HttpRequest, cycle_id: int) -> tuple[User, Cycle]:
    user = _user(request)
    cycle, access = cycle_for_user(user, cycle_id)
    if not selectors.may_present(access, cycle.case):
        raise Forbidden("Service admins see case records, not films.")
    return user, cycle


@login_required
@require_GET
def present(request: HttpRequest, cycle_id: int) -> HttpResponse:
    user, cycle = _presentable(request, cycle_id)
    state = media_state(cycle.case)
    presentation = selectors.presentation_for_cycle(cycle)
    if state == MediaState.AVAILABLE:
        services.presentation_opened(actor=user, cycle=cycle)
    else:
        presentation = selectors.Presentation(items=[], missing=0)
    return render(
        request,
        "reviews/present.html",
        {
            "case": cycle.case,
            "cycle": cycle,
            "gone": MEDIA_GONE.get(state, ""),
            "presentation": presentation,
            "data": {"items": presentation.items, "cycle": cycle.pk},
        },
    )


@login_required
@require_GET
def check(request: HttpRequest, cycle_id: int) -> JsonResponse:
    """Asked by the presentation now and then: may the films still be shown?"""
    _, cycle = _presentable(request, cycle_id)
    state = media_state(cycle.case)
    if state != MediaState.AVAILABLE:
        return JsonResponse({"ok": False, "reason": MEDIA_GONE[state]}, status=410)
    return JsonResponse({"ok": True})


@login_required
@require_GET
def guide(request: HttpRequest, cycle_id: int) -> HttpResponse:
    _, cycle = _presentable(request, cycle_id)
    items = selectors.guide_for_cycle(cycle)
    return render(
        request,
        "reviews/guide.html",
        {"case": cycle.case, "cycle": cycle, "items": items, "data": {"cycle": cycle.pk}},
    )


@login_required
@require_POST
def prepare(request: HttpRequest, cycle_id: int) -> HttpResponse:
    user = _user(request)
    cycle, access = cycle_for_user(user, cycle_id)
    if not selectors.may_write(access, cycle.case):
        raise Forbidden("Only the case's guider can prepare the review.")
    try:
        asked = services.review_clips_prepare(actor=user, cycle=cycle)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.info(
            request,
            f"Preparing {asked} clip{'s' if asked != 1 else ''} and still{'s' if asked != 1 else ''}."
            if asked
            else "Every clip and still of the edit is ready.",
        )
    return redirect("reviews:review", cycle_id=cycle.pk)


@login_required
def reword(request: HttpRequest, reference: str, question_id: int) -> HttpResponse:
    user = _user(request)
    case, access = case_for_user(user, reference)
    if not selectors.may_write(access, case):
        raise Forbidden("Only the case's guider can reword a helping question.")
    question = helping_question_for_case(case, question_id)
    form = RewordForm(request.POST or None, initial={"text": question.text})
    if request.method == "POST" and form.is_valid():
        try:
            services.helping_question_reword(
                actor=user, case=case, question=question, text=form.cleaned_data["text"]
            )
        except ServiceError as exc:
            form_error(form, exc)
        else:
            messages.success(request, "Helping question reworded; the earlier words are kept.")
            return redirect("cases:detail", reference=case.reference)
    return render(
        request,
        "reviews/reword.html",
        {
            "case": case,
            "question": question,
            "form": form,
            "old": question.old_wordings.all(),
            "locked": selectors.question_rescaled(question),
        },
    )
