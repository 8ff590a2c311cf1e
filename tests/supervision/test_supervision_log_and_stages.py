"""The supervision log (written by either side, confirmed by the supervisor), the monthly
rhythm, and stage sign-offs counted from completed cycles, clients and confirmed hours."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from attune.accounts.models import User
from attune.audit.models import AuditEvent
from attune.cases.models import Case, Cycle
from attune.core.errors import PermissionDenied, ServiceError
from attune.films.models import Film
from attune.moments.models import Moment, MomentKind
from attune.supervision import selectors, services
from attune.supervision.models import (
    AccreditationTargets,
    EvaluationKind,
    RecordKind,
    SupervisionSession,
)
from tests.conftest import ClientFor
from tests.factories import make_ready_case, make_ready_film

pytestmark = pytest.mark.django_db


def _log(actor: User, trainee: User, minutes: int = 60, days_ago: int = 0):  # type: ignore[no-untyped-def]
    return services.session_log(
        actor=actor,
        trainee=trainee,
        held_on=timezone.localdate() - timedelta(days=days_ago),
        minutes=minutes,
        mode="remote",
    )


def _complete_cycles(guider: User, count: int, *, clients: int) -> None:
    """`count` completed cycles (a ready film, the shared review held) over `clients` cases."""
    cases = [make_ready_case(guider, child_name=f"Child {n}") for n in range(clients)]
    for n in range(count):
        case = cases[n % clients]
        number = n // clients + 1
        Cycle.objects.get_or_create(case=case, number=number)
        make_ready_film(case, cycle_number=number)
        Cycle.objects.filter(case=case, number=number).update(
            filmed_on=timezone.localdate(), reviewed_on=timezone.localdate()
        )


def test_a_trainees_session_counts_once_the_supervisor_confirms_it(
    owner: User, supervisor: User, client_for: ClientFor
) -> None:
    session = _log(owner, owner, minutes=90)
    assert session.confirmed_at is None
    assert selectors.progress_for(owner).total_hours == 0
    with pytest.raises(PermissionDenied):
        services.session_confirm(actor=owner, session=session)
    assert client_for(owner).post(f"/supervision/sessions/{session.pk}/confirm/").status_code == 403

    response = client_for(supervisor).post(f"/supervision/sessions/{session.pk}/confirm/")
    assert response.status_code == 302
    assert selectors.progress_for(owner).total_hours == 1.5
    assert AuditEvent.objects.filter(action="supervision_session.confirmed").count() == 1


def test_the_supervisors_own_entry_is_confirmed_at_once(owner: User, supervisor: User) -> None:
    assert _log(supervisor, owner).confirmed_at is not None


def test_only_the_pair_keep_the_log(
    owner: User,
    colleague: User,
    other_supervisor: User,
    service_admin: User,
    outsider: User,
    client_for: ClientFor,
) -> None:
    for stranger in (colleague, other_supervisor, service_admin, outsider):
        with pytest.raises(PermissionDenied):
            _log(stranger, owner)
        assert client_for(stranger).get(f"/supervision/trainees/{owner.pk}/").status_code == 404


def test_a_session_is_logged_once_it_has_happened(owner: User, supervisor: User) -> None:
    with pytest.raises(ServiceError):
        _log(supervisor, owner, days_ago=-1)


def test_more_than_35_days_without_a_confirmed_session_is_flagged_to_both(
    owner: User, supervisor: User, client_for: ClientFor
) -> None:
    _log(supervisor, owner, days_ago=36)
    assert selectors.supervision_overdue(owner)
    assert "more than 35 days" in client_for(supervisor).get("/supervision/").content.decode()
    assert "more than 35 days" in client_for(owner).get("/supervision/").content.decode()
    _log(owner, owner, days_ago=2)  # not confirmed yet: still overdue
    assert selectors.supervision_overdue(owner)
    _log(supervisor, owner, days_ago=35)
    assert not selectors.supervision_overdue(owner)


def test_completed_cycles_need_a_ready_film_and_the_review_held(owner: User) -> None:
    case: Case = make_ready_case(owner)
    Cycle.objects.filter(case=case, number=1).update(reviewed_on=timezone.localdate())
    assert selectors.completed_cycles(owner) == []  # reviewed, but no film
    make_ready_film(case)
    assert len(selectors.completed_cycles(owner)) == 1


def test_a_stage_is_signed_off_only_when_its_targets_are_met(
    owner: User, supervisor: User, service_admin: User
) -> None:
    AccreditationTargets.objects.create(
        service=owner.service,  # type: ignore[misc]
        stage1_cycles=2,
        stage1_clients=2,
        stage1_hours=1,
    )
    today = timezone.localdate()

    def sign(stage: int, actor: User = supervisor) -> None:
        services.stage_record_add(
            actor=actor, trainee=owner, stage=stage, kind=RecordKind.SIGN_OFF, held_on=today
        )

    with pytest.raises(ServiceError, match="not all met"):
        sign(1)
    _complete_cycles(owner, 2, clients=2)
    _log(supervisor, owner, minutes=60)
    with pytest.raises(PermissionDenied):
        sign(1, actor=owner)
    with pytest.raises(ServiceError, match="stage 1"):
        sign(2)
    sign(1)
    progress = selectors.progress_for(owner)
    assert progress.current_stage == 2
    assert progress.stages[0].signed_off


def test_stage_3_needs_the_accreditation_meeting_and_a_reflective_statement(
    owner: User, supervisor: User
) -> None:
    AccreditationTargets.objects.create(
        service=owner.service,  # type: ignore[misc]
        **{f"stage{n}_{w}": 0 for n in (1, 2, 3) for w in ("cycles", "clients", "hours")},
    )
    today = timezone.localdate()
    for stage in (1, 2):
        services.stage_record_add(
            actor=supervisor, trainee=owner, stage=stage, kind=RecordKind.SIGN_OFF, held_on=today
        )
    with pytest.raises(ServiceError, match="reflective statement"):
        services.stage_record_add(
            actor=supervisor, trainee=owner, stage=3, kind=RecordKind.SIGN_OFF, held_on=today
        )
    services.stage_record_add(
        actor=owner, trainee=owner, stage=3, kind=RecordKind.ACCREDITATION_MEETING, held_on=today
    )
    with pytest.raises(PermissionDenied):
        services.self_evaluation_add(actor=supervisor, trainee=owner, stage=3, text="Not mine.")
    services.self_evaluation_add(
        actor=owner,
        trainee=owner,
        stage=3,
        text="What I learnt.",
        kind=EvaluationKind.REFLECTIVE_STATEMENT,
    )
    services.stage_record_add(
        actor=supervisor, trainee=owner, stage=3, kind=RecordKind.SIGN_OFF, held_on=today
    )
    assert selectors.progress_for(owner).accredited


def test_the_trainee_page_forms_work_through_the_browser_routes(
    consented_film: Film, owner: User, supervisor: User, client_for: ClientFor
) -> None:
    clip = Moment.objects.create(
        film=consented_film, kind=MomentKind.CLIP, start_frame=0, end_frame=25, created_by=owner
    )
    trainee = client_for(owner)
    response = trainee.post(
        f"/supervision/trainees/{owner.pk}/sessions/",
        {
            "session-held_on": timezone.localdate().isoformat(),
            "session-minutes": "60",
            "session-mode": "in_person",
            "session-notes": "Talked about waiting.",
            "session-cases": [str(consented_film.case_id)],
            "session-clips": [str(clip.pk)],
        },
    )
    assert response.status_code == 302
    session = SupervisionSession.objects.get()
    assert list(session.clips.all()) == [clip]
    assert list(session.cases.all()) == [consented_film.case]
    trainee.post(
        f"/supervision/trainees/{owner.pk}/evaluations/",
        {
            "evaluation-kind": "self_evaluation",
            "evaluation-stage": "1",
            "evaluation-text": "Going well.",
        },
    )
    page = client_for(supervisor).get(f"/supervision/trainees/{owner.pk}/").content.decode()
    assert "Talked about waiting." in page
    assert "Going well." in page
    assert "Confirm" in page


def test_a_trainee_cannot_sign_off_their_own_stage_through_the_page(
    owner: User, supervisor: User, client_for: ClientFor
) -> None:
    client = client_for(owner)
    page = client.get(f"/supervision/trainees/{owner.pk}/").content.decode()
    assert 'value="sign_off"' not in page
    response = client.post(
        f"/supervision/trainees/{owner.pk}/records/",
        {
            "record-kind": "sign_off",
            "record-stage": "1",
            "record-held_on": timezone.localdate().isoformat(),
        },
        follow=True,
    )
    assert response.status_code == 200
    assert not selectors.stage_records_for(owner).exists()
    assert (
        'value="sign_off"'
        in client_for(supervisor).get(f"/supervision/trainees/{owner.pk}/").content.decode()
    )
