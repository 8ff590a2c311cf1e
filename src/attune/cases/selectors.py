"""Permission-aware reads of cases. Views never fetch a case any other way.

A guider sees their own cases; a supervisor sees their supervisees' cases; a service admin sees the
metadata of every case in their service. Nothing crosses services; anything out of reach is a 404.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from attune.accounts.models import User
from attune.accounts.selectors import supervisee_ids
from attune.audit.actions import LABELS, action_label
from attune.cases.models import Adult, Case, CaseState, Cycle, HelpingQuestion
from attune.core.errors import PermissionDenied
from attune.safeguarding.models import Concern


class Access(StrEnum):
    GUIDER = "guider"  # the case's own guider: may change everything
    SUPERVISOR = "supervisor"  # supervises the guider: reads
    ADMIN = "admin"  # service admin: reads metadata, never media


def cases_for_user(user: User) -> QuerySet[Case]:
    if not user.is_authenticated or user.service_id is None:
        return Case.objects.none()
    scope = Q(guider=user)
    if user.is_service_admin:
        scope |= Q(pk__isnull=False)
    ids = supervisee_ids(user)
    if ids:
        scope |= Q(guider_id__in=ids)
    return Case.objects.filter(Q(service_id=user.service_id) & scope).select_related("guider")


def access_for(user: User, case: Case) -> Access | None:
    if not user.is_authenticated or case.service_id != user.service_id:
        return None
    if case.guider_id == user.pk:
        return Access.GUIDER
    if case.guider_id in supervisee_ids(user):
        return Access.SUPERVISOR
    if user.is_service_admin:
        return Access.ADMIN
    return None


def case_for_user(user: User, reference: str) -> tuple[Case, Access]:
    case = (
        cases_for_user(user)
        .prefetch_related(
            Prefetch("adults", queryset=Adult.objects.order_by("created_at", "pk")),
            Prefetch(
                "helping_questions",
                queryset=HelpingQuestion.objects.select_related("adult"),
            ),
            Prefetch("cycles", queryset=Cycle.objects.order_by("number")),
        )
        .filter(reference=reference)
        .first()
    )
    access = access_for(user, case) if case is not None else None
    if case is None or access is None:
        raise Http404("No such case.")
    return case, access


def case_for_guider(
    user: User, reference: str, *, refusal: str = "Only the case's guider can change it."
) -> Case:
    """The case, fetched to be changed: 404 when the user cannot see it, 403 when they can
    see it but only read it (supervisor, service admin)."""
    case, access = case_for_user(user, reference)
    if access != Access.GUIDER:
        raise PermissionDenied(refusal)
    return case


def adult_for_case(case: Case, adult_id: int) -> Adult:
    adult = case.adults.filter(pk=adult_id).first()
    if adult is None:
        raise Http404
    return adult


def cycle_for_case(case: Case, number: int) -> Cycle:
    cycle = case.cycles.filter(number=number).first()
    if cycle is None:
        raise Http404
    return cycle


def helping_question_for_case(case: Case, question_id: int) -> HelpingQuestion:
    question = case.helping_questions.filter(pk=question_id).first()
    if question is None:
        raise Http404
    return question


# --- what to do next ------------------------------------------------------------------------------


class Stage(StrEnum):
    FILM = "film"
    REVIEW = "review"
    DONE = "done"
    NOT_NEEDED = "not_needed"


def cycle_stage(cycle: Cycle) -> Stage:
    if cycle.not_needed:
        return Stage.NOT_NEEDED
    if cycle.filmed_on is None:
        return Stage.FILM
    if cycle.reviewed_on is None:
        return Stage.REVIEW
    return Stage.DONE


@dataclass(frozen=True)
class NextAction:
    text: str
    due: date | None = None

    @property
    def overdue(self) -> bool:
        return self.due is not None and self.due < timezone.localdate()


FILMING_ENDED = (
    "Filming consent was withdrawn and this case's films are deleted, so no more films or "
    "reviews of them: begin closing (the letter and plan go on), or record withdrawal from the work"
)


def next_action(case: Case, *, filming_ended: bool = False) -> NextAction | None:
    """The one thing the guider should do next on a case, with its due date where one is set.

    `filming_ended`: the case's media is locked or destroyed (filming consent withdrawn), so the
    cycles can never again be filmed or reviewed on film; whatever was planned is no longer due.
    """
    state = case.state
    if filming_ended and state in {CaseState.AGREED, CaseState.IN_CYCLES}:
        return NextAction(FILMING_ENDED)
    if state == CaseState.REFERRED:
        if not case.adults.all():
            return NextAction("Add the adults taking part")
        if not hasattr(case, "initial_meeting"):
            return NextAction("Record the initial meeting")
        return NextAction("Record helping questions and mark the work agreed")
    if state == CaseState.AGREED:
        first = next(iter(case.cycles.all()), None)
        if first is None or first.planned_film_date is None:
            return NextAction("Plan the date of the first film")
        return NextAction("Start the cycles", due=first.planned_film_date)
    if state == CaseState.IN_CYCLES:
        for cycle in case.cycles.all():
            stage = cycle_stage(cycle)
            if stage == Stage.FILM:
                if cycle.planned_film_date is None:
                    return NextAction(f"Plan the date of film {cycle.number}")
                return NextAction(f"Record film {cycle.number}", due=cycle.planned_film_date)
            if stage == Stage.REVIEW:
                if cycle.planned_review_date is None:
                    return NextAction(f"Plan shared review {cycle.number}")
                return NextAction(
                    f"Hold shared review {cycle.number}", due=cycle.planned_review_date
                )
        return NextAction("All planned cycles are done: add a cycle or begin closing")
    if state == CaseState.CLOSING:
        return NextAction("Write the closing letter and plan, then close the case")
    return None


def caseload(
    user: User,
    *,
    state: str | None = None,
    filming_ended: Callable[[Iterable[Case]], set[int]] | None = None,
) -> list[tuple[Case, NextAction | None]]:
    """The user's cases, newest change first, each with its next step. `filming_ended` names the
    cases (ids) whose films are locked or deleted; it is asked once for the whole list."""
    cases = cases_for_user(user).prefetch_related(
        "adults", Prefetch("cycles", queryset=Cycle.objects.order_by("number"))
    )
    if state == "open":
        cases = cases.exclude(state__in=[CaseState.CLOSED, CaseState.WITHDRAWN])
    elif state:
        cases = cases.filter(state=state)
    cases = cases.select_related("initial_meeting").annotate(
        has_concern=Exists(Concern.objects.filter(case=OuterRef("pk")))
    )
    rows = list(cases.order_by("-updated_at"))
    ended = filming_ended(rows) if filming_ended is not None and rows else set()
    return [(case, next_action(case, filming_ended=case.pk in ended)) for case in rows]


#: The words of the case's story: every audit action's plain-English label.
TIMELINE_LABELS: dict[str, str] = {action.value: label for action, label in LABELS.items()}


@dataclass(frozen=True)
class TimelineEntry:
    at: object  # the latest of the run
    label: str
    actor: str
    detail: str
    count: int = 1  # a run of the same change by the same person, told once
    first_at: object = None


def case_timeline(case: Case, *, limit: int = 50) -> list[TimelineEntry]:
    """The story of the work so far, from the case's own audit trail (reads left out). A run of
    the same change by the same person ("Moment changed" five times while marking) is one line."""
    from attune.audit.models import AuditEvent

    events = (
        AuditEvent.objects.filter(case=case)
        .exclude(action__endswith=".viewed")
        .select_related("actor")
        .order_by("-seq")[: limit * 4]
    )
    states = dict(CaseState.choices)
    entries: list[TimelineEntry] = []
    for event in events:
        detail = ""
        if event.action == "case.state_changed":
            before = states.get(event.details.get("from"), "?")
            detail = f"{before} → {states.get(event.details.get('to'), '?')}"
            if event.details.get("reason"):
                detail += f": {event.details['reason']}"
        actor = str(event.actor) if event.actor else (event.actor_label or "Attune")
        label = action_label(event.action)
        last = entries[-1] if entries else None
        if (
            last is not None
            and not detail
            and (last.label, last.actor, last.detail)
            == (
                label,
                actor,
                "",
            )
        ):
            entries[-1] = TimelineEntry(
                at=last.at,
                label=label,
                actor=actor,
                detail="",
                count=last.count + 1,
                first_at=event.at,
            )
            continue
        if len(entries) == limit:
            break
        entries.append(
            TimelineEntry(at=event.at, label=label, actor=actor, detail=detail, first_at=event.at)
        )
    return entries
