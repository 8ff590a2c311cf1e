from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as Forbidden
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from attune.accounts.models import User
from attune.cases.models import Case
from attune.core.errors import ServiceError
from attune.moments.models import Moment
from attune.supervision import selectors, services
from attune.supervision.forms import EvaluationForm, SessionForm, StageRecordForm


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _session_form(trainee: User, side: str, data: object = None) -> SessionForm:
    cases = Case.objects.filter(guider=trainee, service_id=trainee.service_id or 0)
    clips = Moment.objects.filter(film__case__in=cases).select_related("film__case", "film__cycle")
    if side == "supervisor":
        # A supervisor picks only clips they may see: every adult consented to supervision.
        from attune.consent.selectors import supervisor_may_see_media

        visible = [c.pk for c in cases if supervisor_may_see_media(c)]
        clips = clips.filter(film__case_id__in=visible)
    # The most recent 200 clips, as a queryset the form can still filter when it validates.
    recent = list(clips.order_by("-created_at").values_list("pk", flat=True)[:200])
    return SessionForm(
        data,
        cases=cases.order_by("reference"),
        clips=clips.filter(pk__in=recent),
        prefix="session",
    )


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The supervisor's "Supervisees", and a trainee's own supervision."""
    user = _user(request)
    supervisees = [selectors.supervisee_view(user, t) for t in selectors.supervisees_of(user)]
    mine = None
    if selectors.supervisors_of(user) or user.is_trainee:
        mine = {
            "progress": selectors.progress_for(user),
            "supervisors": selectors.supervisors_of(user),
            "last_supervised": selectors.last_supervised(user),
            "overdue": selectors.supervision_overdue(user),
            "waiting": selectors.waiting_threads(guider=user, for_user=user),
        }
    return render(
        request,
        "supervision/home.html",
        {"supervisees": supervisees, "mine": mine, "monthly_days": selectors.MONTHLY_DAYS},
    )


@login_required
def trainee(request: HttpRequest, trainee_id: int) -> HttpResponse:
    user = _user(request)
    person, side = selectors.trainee_for_user(user, trainee_id)
    return render(
        request,
        "supervision/trainee.html",
        {
            "trainee": person,
            "side": side,
            "progress": selectors.progress_for(person),
            "sessions": selectors.sessions_for(person),
            "records": selectors.stage_records_for(person),
            "evaluations": selectors.evaluations_for(person),
            "last_supervised": selectors.last_supervised(person),
            "overdue": selectors.supervision_overdue(person),
            "monthly_days": selectors.MONTHLY_DAYS,
            "session_form": _session_form(person, side),
            "record_form": StageRecordForm(prefix="record", side=side),
            "evaluation_form": EvaluationForm(prefix="evaluation") if side == "trainee" else None,
        },
    )


def _refused(request: HttpRequest, exc: ServiceError) -> None:
    """A refusal on one of these forms is said on the page it came from."""
    messages.error(request, exc.message)


@login_required
@require_POST
def session_add(request: HttpRequest, trainee_id: int) -> HttpResponse:
    user = _user(request)
    person, side = selectors.trainee_for_user(user, trainee_id)
    form = _session_form(person, side, request.POST)
    if not form.is_valid():
        messages.error(request, "Check the session's date and length.")
    else:
        try:
            services.session_log(actor=user, trainee=person, **form.cleaned_data)
        except ServiceError as exc:
            _refused(request, exc)
        else:
            messages.success(
                request,
                "Session logged."
                if side == "supervisor"
                else "Session logged: it counts once your supervisor confirms it.",
            )
    return redirect("supervision:trainee", trainee_id=person.pk)


@login_required
@require_POST
def session_confirm(request: HttpRequest, session_id: int) -> HttpResponse:
    user = _user(request)
    session, side = selectors.session_for_user(user, session_id)
    if side != "supervisor":
        raise Forbidden("Only the supervisor confirms a session.")
    services.session_confirm(actor=user, session=session)
    messages.success(request, f"Session on {session.held_on:%-d %b %Y} confirmed.")
    return redirect("supervision:trainee", trainee_id=session.trainee_id)


@login_required
@require_POST
def record_add(request: HttpRequest, trainee_id: int) -> HttpResponse:
    user = _user(request)
    person, _side = selectors.trainee_for_user(user, trainee_id)
    form = StageRecordForm(request.POST, prefix="record")
    if not form.is_valid():
        messages.error(request, "Choose what happened, the stage and the date.")
    else:
        try:
            record = services.stage_record_add(actor=user, trainee=person, **form.cleaned_data)
        except ServiceError as exc:
            _refused(request, exc)
        else:
            messages.success(request, f"{record.get_kind_display()} recorded.")
    return redirect("supervision:trainee", trainee_id=person.pk)


@login_required
@require_POST
def evaluation_add(request: HttpRequest, trainee_id: int) -> HttpResponse:
    user = _user(request)
    person, side = selectors.trainee_for_user(user, trainee_id)
    if side != "trainee":
        raise Forbidden("Trainees write their own self-evaluations.")
    form = EvaluationForm(request.POST, prefix="evaluation")
    if not form.is_valid():
        messages.error(request, "Write your self-evaluation first.")
    else:
        services.self_evaluation_add(actor=user, trainee=person, **form.cleaned_data)
        messages.success(request, "Saved.")
    return redirect("supervision:trainee", trainee_id=person.pk)


@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if request.method == "POST":
        services.notifications_read_all(actor=user)
        return redirect("supervision:notifications")
    return render(
        request,
        "supervision/notifications.html",
        {"notifications": selectors.notifications_for(user)[:100]},
    )


@login_required
def notification_open(request: HttpRequest, notification_id: int) -> HttpResponse:
    user = _user(request)
    notification = selectors.notification_for_user(user, notification_id)
    services.notification_read(actor=user, notification=notification)
    target = notification.url
    if not url_has_allowed_host_and_scheme(target, allowed_hosts=None):
        target = "/"
    return redirect(target)
