"""The case state machine: guarded transitions explain what is missing and change nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from attune.accounts.models import User
from attune.audit.models import AuditEvent
from attune.cases import services
from attune.cases.models import Case, CaseState
from attune.core.errors import PermissionDenied, ServiceError, TransitionRefused
from tests.factories import add_adult, add_question, make_case, record_meeting


def move(case: Case, to_state: str, reason: str = "") -> Case:
    return services.case_transition(actor=case.guider, case=case, to_state=to_state, reason=reason)


def plan_first_film(case: Case, days_ahead: int = 3) -> None:
    services.cycle_update(
        actor=case.guider,
        case=case,
        cycle=case.cycles.get(number=1),
        planned_film_date=timezone.localdate() + timedelta(days=days_ahead),
        planned_review_date=None,
    )


def assert_refused(case: Case, to_state: str, *expected: str, reason: str = "") -> None:
    """The transition is refused with a message naming each missing thing; nothing changes."""
    state, events = case.state, AuditEvent.objects.filter(case=case).count()
    with pytest.raises(ServiceError) as refused:
        move(case, to_state, reason)
    for words in expected:
        assert words in refused.value.message
    case.refresh_from_db()
    assert case.state == state
    assert AuditEvent.objects.filter(case=case).count() == events


def state_changes(case: Case) -> list[tuple[str, str]]:
    events = AuditEvent.objects.filter(case=case, action="case.state_changed").order_by("seq")
    return [(e.details["from"], e.details["to"]) for e in events]


@pytest.fixture
def in_cycles(case: Case) -> Case:
    move(case, CaseState.AGREED)
    plan_first_film(case)
    return move(case, CaseState.IN_CYCLES)


# --------------------------------------------------------------------------- guards


def test_agreeing_needs_an_adult_a_meeting_and_questions(owner: User) -> None:
    case = make_case(owner)

    assert_refused(
        case,
        CaseState.AGREED,
        "Add at least one adult taking part.",
        "Record the initial meeting",
    )


def test_agreeing_needs_the_initial_meeting(owner: User) -> None:
    case = make_case(owner)
    add_question(case, add_adult(case))

    assert_refused(case, CaseState.AGREED, "Record the initial meeting")


def test_agreeing_names_each_adult_without_a_helping_question(owner: User) -> None:
    case = make_case(owner)
    add_question(case, add_adult(case, name="Jo Carter"))
    add_adult(case, name="Pat Carter", relationship="father")
    record_meeting(case)

    assert_refused(case, CaseState.AGREED, "Record at least one helping question for Pat Carter.")


def test_starting_the_cycles_needs_the_first_film_date(case: Case) -> None:
    move(case, CaseState.AGREED)

    assert_refused(case, CaseState.IN_CYCLES, "Plan the date of the first film.")


def test_a_transition_the_machine_does_not_allow_is_explained(case: Case) -> None:
    assert_refused(case, CaseState.CLOSED, "A case that is referred cannot become closed.")
    assert_refused(case, CaseState.IN_CYCLES, "cannot become in cycles")


def test_withdrawal_needs_a_reason(case: Case) -> None:
    assert_refused(case, CaseState.WITHDRAWN, "Say why the work is ending", reason="   ")

    move(case, CaseState.WITHDRAWN, reason="The family moved away.")

    case.refresh_from_db()
    assert case.state == CaseState.WITHDRAWN
    assert case.closure_reason == "The family moved away."
    assert state_changes(case)[-1] == ("referred", "withdrawn")


def test_only_the_guider_moves_the_case(case: Case, supervisor: User, service_admin: User) -> None:
    for someone in (supervisor, service_admin):
        with pytest.raises(PermissionDenied):
            services.case_transition(actor=someone, case=case, to_state=CaseState.AGREED)
    case.refresh_from_db()
    assert case.state == CaseState.REFERRED


def test_refusals_are_transition_errors(case: Case) -> None:
    with pytest.raises(TransitionRefused):
        move(case, CaseState.CLOSED)


# --------------------------------------------------------------------------- the way through


def test_the_work_moves_from_referral_to_closure_and_each_step_is_audited(case: Case) -> None:
    move(case, CaseState.AGREED)
    plan_first_film(case)
    move(case, CaseState.IN_CYCLES)
    move(case, CaseState.CLOSING)
    move(case, CaseState.CLOSED, reason="Goals reached.")

    case.refresh_from_db()
    assert case.state == CaseState.CLOSED
    assert not case.is_open
    assert state_changes(case) == [
        ("referred", "agreed"),
        ("agreed", "in_cycles"),
        ("in_cycles", "closing"),
        ("closing", "closed"),
    ]
    last = AuditEvent.objects.filter(case=case, action="case.state_changed").latest("seq")
    assert last.actor == case.guider
    assert last.details["reason"] == "Goals reached."


def test_closed_is_terminal(in_cycles: Case) -> None:
    move(in_cycles, CaseState.CLOSING)
    move(in_cycles, CaseState.CLOSED)

    for to_state in CaseState.values:
        assert_refused(in_cycles, to_state, "This case is closed; it can no longer change.")
    with pytest.raises(ServiceError, match="can no longer change"):
        add_adult(in_cycles, name="Late Arrival")


def test_withdrawn_is_terminal(in_cycles: Case) -> None:
    move(in_cycles, CaseState.WITHDRAWN, reason="Consent withdrawn.")

    assert_refused(in_cycles, CaseState.IN_CYCLES, "withdrawn; it can no longer change")


def test_closing_marks_unfilmed_cycles_not_needed(in_cycles: Case) -> None:
    today = timezone.localdate()
    first = in_cycles.cycles.get(number=1)
    services.cycle_update(
        actor=in_cycles.guider,
        case=in_cycles,
        cycle=first,
        planned_film_date=today - timedelta(days=1),
        planned_review_date=None,
        filmed_on=today - timedelta(days=1),
    )

    move(in_cycles, CaseState.CLOSING)

    needed = dict(in_cycles.cycles.values_list("number", "not_needed"))
    assert needed == {1: False, 2: True, 3: True}

    # Going back to the cycles makes them needed again.
    move(in_cycles, CaseState.IN_CYCLES)
    assert not in_cycles.cycles.filter(not_needed=True).exists()
