"""Permission-aware reads for supervision. Anything out of reach is a 404.

A trainee sees their own supervision; their supervisor (an active supervision link) sees it
too; nobody else does, a service admin included (they see hours in the reports only). Comments
are about the film, so they follow the film's rule: the case's guider, and a supervisor only
while every adult filmed consents to supervision use.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from django.db.models import Count, Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone

from attune.accounts.models import Service, SupervisionLink, User
from attune.accounts.selectors import supervisee_ids
from attune.cases.models import Case, CaseState, Cycle
from attune.cases.selectors import Access, access_for
from attune.films.models import Film, FilmPurpose
from attune.films.selectors import may_see_media
from attune.reviews.models import Review
from attune.supervision.accreditation import (
    CompletedCycle,
    Progress,
    StageTarget,
    accreditation_progress,
)
from attune.supervision.models import (
    AccreditationTargets,
    Comment,
    Notification,
    RecordKind,
    SelfEvaluation,
    StageRecord,
    SupervisionSession,
)

#: A trainee with no confirmed session for longer than this is flagged to both sides.
MONTHLY_DAYS = 35

Side = Literal["trainee", "supervisor"]


# --- who is in supervision with whom --------------------------------------------------------------


def supervisors_of(trainee: User) -> list[User]:
    links = SupervisionLink.objects.filter(
        supervisee=trainee, ended_on__isnull=True, service_id=trainee.service_id or 0
    ).select_related("supervisor")
    return [link.supervisor for link in links if link.supervisor.is_active]


def supervisees_of(user: User) -> list[User]:
    ids = supervisee_ids(user)
    return list(User.objects.filter(pk__in=ids, is_active=True).order_by("full_name"))


def side_for(user: User, trainee: User) -> Side | None:
    if not user.is_authenticated or user.service_id != trainee.service_id:
        return None
    if user.pk == trainee.pk:
        return "trainee"
    if trainee.pk in supervisee_ids(user):
        return "supervisor"
    return None


def trainee_for_user(user: User, trainee_id: int) -> tuple[User, Side]:
    trainee = User.objects.filter(pk=trainee_id, service_id=user.service_id or 0).first()
    side = side_for(user, trainee) if trainee is not None else None
    if trainee is None or side is None:
        raise Http404
    return trainee, side


def session_for_user(user: User, session_id: int) -> tuple[SupervisionSession, Side]:
    session = (
        SupervisionSession.objects.select_related("trainee", "supervisor")
        .filter(pk=session_id, service_id=user.service_id or 0)
        .first()
    )
    side = side_for(user, session.trainee) if session is not None else None
    if session is None or side is None:
        raise Http404
    return session, side


# --- the supervision log and the road to accreditation ---------------------------------------------


def sessions_for(trainee: User) -> QuerySet[SupervisionSession]:
    return (
        SupervisionSession.objects.filter(trainee=trainee)
        .select_related("supervisor", "written_by")
        .prefetch_related("cases", "clips", "clips__film__cycle")
    )


def targets_for(service: Service) -> tuple[StageTarget, ...]:
    row = AccreditationTargets.objects.filter(service=service).first() or AccreditationTargets()
    return tuple(
        StageTarget(
            getattr(row, f"stage{n}_cycles"),
            getattr(row, f"stage{n}_clients"),
            getattr(row, f"stage{n}_hours"),
        )
        for n in (1, 2, 3)
    )


def completed_cycles(trainee: User) -> list[CompletedCycle]:
    """The trainee's completed cycles: the shared review held, on a film that was ready.

    The shared-review record will say when a review is complete; until then the cycle's
    ``reviewed_on`` does. A film whose media was deleted later still counts (``ready_at``)."""
    cycles = (
        Cycle.objects.filter(
            case__guider=trainee,
            case__service_id=trainee.service_id or 0,
            reviewed_on__isnull=False,
            not_needed=False,
            films__ready_at__isnull=False,
            films__purpose=FilmPurpose.FAMILY,
        )
        .distinct()
        .values_list("case_id", "reviewed_on")
    )
    return [CompletedCycle(client=case_id, completed_on=on) for case_id, on in cycles if on]


def progress_for(trainee: User) -> Progress:
    minutes = SupervisionSession.objects.filter(
        trainee=trainee, confirmed_at__isnull=False
    ).values_list("minutes", flat=True)
    signed = StageRecord.objects.filter(trainee=trainee, kind=RecordKind.SIGN_OFF).values_list(
        "stage", flat=True
    )
    assert trainee.service is not None
    return accreditation_progress(
        cycles=completed_cycles(trainee),
        minutes=list(minutes),
        signed_off=list(signed),
        targets=targets_for(trainee.service),
    )


def last_supervised(trainee: User) -> date | None:
    session = (
        SupervisionSession.objects.filter(trainee=trainee, confirmed_at__isnull=False)
        .order_by("-held_on")
        .first()
    )
    return session.held_on if session else None


def supervision_overdue(trainee: User, *, today: date | None = None) -> bool:
    """No confirmed session for more than 35 days (counted from the first supervision link
    when there has been none yet)."""
    today = today or timezone.localdate()
    last = last_supervised(trainee)
    if last is None:
        link = (
            SupervisionLink.objects.filter(supervisee=trainee, ended_on__isnull=True)
            .order_by("started_on")
            .first()
        )
        if link is None:
            return False
        last = link.started_on
    return today - last > timedelta(days=MONTHLY_DAYS)


def stage_records_for(trainee: User) -> QuerySet[StageRecord]:
    return StageRecord.objects.filter(trainee=trainee).select_related("recorded_by")


def evaluations_for(trainee: User) -> QuerySet[SelfEvaluation]:
    return SelfEvaluation.objects.filter(trainee=trainee)


# --- comments ----------------------------------------------------------------------------------------


def may_comment(user: User, film: Film) -> bool:
    """The case's guider, and a supervisor who may see the film."""
    access = access_for(user, film.case)
    return access in (Access.GUIDER, Access.SUPERVISOR) and may_see_media(access, film.case)


def threads_for_film(film: Film) -> list[Comment]:
    return list(
        Comment.objects.filter(film=film, thread__isnull=True)
        .select_related("author", "resolved_by", "moment")
        .prefetch_related(
            Prefetch("replies", queryset=Comment.objects.select_related("author").order_by("pk"))
        )
        .order_by("at_seconds", "pk")
    )


def comment_for_user(user: User, comment_id: int) -> Comment:
    comment = (
        Comment.objects.select_related("film", "film__case", "film__case__guider", "thread")
        .filter(pk=comment_id, film__case__service_id=user.service_id or 0)
        .first()
    )
    if comment is None or access_for(user, comment.film.case) is None:
        raise Http404
    return comment


def waiting_threads(*, guider: User, for_user: User) -> list[Comment]:
    """Open threads on the guider's films whose last word is not ``for_user``'s."""
    threads = (
        Comment.objects.filter(
            film__case__guider=guider, thread__isnull=True, resolved_at__isnull=True
        )
        .select_related("film", "film__case", "film__cycle")
        .prefetch_related("replies")
        .order_by("-created_at")
    )
    waiting = []
    for thread in threads:
        messages = [thread, *thread.replies.all()]
        if messages[-1].author_id != for_user.pk:
            waiting.append(thread)
    return waiting


# --- notifications -----------------------------------------------------------------------------------


def notifications_for(user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user, service_id=user.service_id or 0)


def unread_count(user: User) -> int:
    return notifications_for(user).filter(read_at__isnull=True).count()


def notification_for_user(user: User, notification_id: int) -> Notification:
    found = notifications_for(user).filter(pk=notification_id).first()
    if found is None:
        raise Http404
    return found


# --- the supervisor's home ---------------------------------------------------------------------------


@dataclass
class CaseRow:
    case: Case
    media_visible: bool  # every adult filmed consents to supervision use
    films: Sequence[Film]
    review_films: Sequence[Film] = ()


@dataclass
class SuperviseeView:
    trainee: User
    cases: list[CaseRow]
    recent_edits: list[tuple[object, str, Case]]
    recent_reviews: list[Review]
    waiting: list[Comment]
    last_supervised: date | None
    overdue: bool
    progress: Progress
    unconfirmed: int


EDIT_ACTIONS = ("moment.created", "moment.updated", "edit.updated", "cycle.updated")


def supervisee_view(supervisor: User, trainee: User) -> SuperviseeView:
    from attune.audit.models import AuditEvent
    from attune.consent.selectors import supervisor_may_see_media

    open_cases = (
        Case.objects.filter(guider=trainee, service_id=trainee.service_id or 0)
        .exclude(state__in=[CaseState.CLOSED, CaseState.WITHDRAWN])
        .order_by("-updated_at")
    )
    rows = []
    visible_ids = []
    for case in open_cases:
        visible = supervisor_may_see_media(case)
        films = (
            list(
                case.films.filter(ready_at__isnull=False)
                .select_related("cycle")
                .annotate(moment_count=Count("moments"))
                .order_by("cycle__number", "created_at")
            )
            if visible
            else []
        )
        rows.append(
            CaseRow(
                case=case,
                media_visible=visible,
                films=[f for f in films if not f.is_review_film],
                review_films=[f for f in films if f.is_review_film],
            )
        )
        if visible:
            visible_ids.append(case.pk)
    events = (
        AuditEvent.objects.filter(case_id__in=visible_ids, action__in=EDIT_ACTIONS)
        .select_related("case")
        .order_by("-seq")[:8]
    )
    from attune.cases.selectors import TIMELINE_LABELS

    edits = [(e.at, TIMELINE_LABELS.get(e.action, e.action), e.case) for e in events]
    waiting = [
        t
        for t in waiting_threads(guider=trainee, for_user=supervisor)
        if t.film.case_id in visible_ids
    ]
    reviews = list(
        Review.objects.filter(cycle__case_id__in=visible_ids, held_on__isnull=False)
        .select_related("cycle", "cycle__case")
        .order_by("-held_on", "-updated_at")[:5]
    )
    return SuperviseeView(
        trainee=trainee,
        cases=rows,
        recent_edits=edits,  # type: ignore[arg-type]
        recent_reviews=reviews,
        waiting=waiting,
        last_supervised=last_supervised(trainee),
        overdue=supervision_overdue(trainee),
        progress=progress_for(trainee),
        unconfirmed=SupervisionSession.objects.filter(
            trainee=trainee, confirmed_at__isnull=True
        ).count(),
    )
