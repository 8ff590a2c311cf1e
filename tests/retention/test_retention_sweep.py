"""Retention: closing plans the deletion of a case's media; closure starts the countdown (the
service's retention days; 0 = at closure); the sweep deletes what is due. Frozen clock throughout."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from io import StringIO

import time_machine
from django.core.management import call_command
from pytest_django import DjangoCaptureOnCommitCallbacks

from attune.accounts.models import User
from attune.audit.models import AuditEvent
from attune.cases import services as case_services
from attune.cases.models import Case, CaseState
from attune.consent.models import DeletionReason, DeletionStatus, MediaDeletion
from attune.consent.selectors import MediaState, media_state
from attune.retention.services import retention_sweep
from attune.safeguarding.services import concern_record
from attune.vault.models import VaultObject
from attune.vault.storage import list_names
from tests.conftest import ClientFor
from tests.consent.helpers import poster_only_film, sign_everyone

CLOSED_AT = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


def move(case: Case, *states: str) -> None:
    for state in states:
        case_services.case_transition(actor=case.guider, case=case, to_state=state, reason="Done.")


def test_closing_plans_closure_counts_down_and_the_sweep_deletes_when_due(
    agreed: Case,
    owner: User,
    client_for: ClientFor,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    sign_everyone(agreed)
    poster_only_film(agreed)
    concern_record(
        actor=owner,
        case=agreed,
        seen_or_heard="Sam said he was scared at home.",
        happened_at=CLOSED_AT - timedelta(days=40),
        action_taken="Told the school's designated safeguarding lead.",
    )
    # Sessions expire after idle time, so each moment signs in afresh.
    with time_machine.travel(CLOSED_AT - timedelta(days=5), tick=False):
        move(agreed, CaseState.IN_CYCLES, CaseState.CLOSING)
        waiting = MediaDeletion.objects.get(case=agreed)
        assert (waiting.status, waiting.due_at, waiting.retention_days) == ("waiting", None, 30)
        page = client_for(owner).get(f"/cases/{agreed.reference}/").content.decode()
        assert "The films will be deleted 30 days after the case closes." in page

    with time_machine.travel(CLOSED_AT, tick=False):
        move(agreed, CaseState.CLOSED)
        scheduled = MediaDeletion.objects.get(case=agreed)
        assert scheduled.status == DeletionStatus.SCHEDULED
        assert scheduled.due_at == CLOSED_AT + timedelta(days=30)
        page = client_for(owner).get(f"/cases/{agreed.reference}/").content.decode()
        assert "<strong>30 days</strong> until the films are deleted, on 1 April 2026." in page
        assert "until 2 March 2033" in page  # records: 7 years, kept

    with time_machine.travel(CLOSED_AT + timedelta(days=29, hours=23), tick=False):
        assert retention_sweep() == []
        assert VaultObject.objects.filter(case=agreed).exists()
        page = client_for(owner).get(f"/cases/{agreed.reference}/").content.decode()
        assert "<strong>1 day</strong> until the films are deleted" in page

    with time_machine.travel(CLOSED_AT + timedelta(days=30, seconds=1), tick=False):
        out = StringIO()
        with django_capture_on_commit_callbacks(execute=True):  # files go once committed
            call_command("retention", "sweep", stdout=out)
        assert f"{agreed.reference}: 1 object(s)" in out.getvalue()

    assert media_state(agreed) == MediaState.DESTROYED
    assert not VaultObject.objects.filter(case=agreed).exists()
    assert list_names() == []
    done = MediaDeletion.objects.get(case=agreed)
    assert done.status == DeletionStatus.DONE and done.receipt is not None
    assert "Retention period ended" in done.receipt.reason
    # Records are kept: consent, safeguarding, the case itself.
    assert agreed.consents.count() == 1 and agreed.concerns.count() == 1
    assert [
        e.action for e in AuditEvent.objects.filter(case=agreed, action__startswith="retention.")
    ] == ["retention.planned", "retention.scheduled"]


def test_zero_days_means_at_closure(agreed: Case) -> None:
    agreed.service.retention_days = 0
    agreed.service.save()
    sign_everyone(agreed)
    poster_only_film(agreed)
    with time_machine.travel(CLOSED_AT, tick=False):
        move(agreed, CaseState.IN_CYCLES, CaseState.CLOSING, CaseState.CLOSED)
        assert MediaDeletion.objects.get(case=agreed).due_at == CLOSED_AT
        assert len(retention_sweep()) == 1
    assert media_state(agreed) == MediaState.DESTROYED


def test_going_back_to_the_cycles_cancels_the_plan(agreed: Case) -> None:
    move(agreed, CaseState.IN_CYCLES, CaseState.CLOSING, CaseState.IN_CYCLES)
    assert MediaDeletion.objects.get(case=agreed).status == DeletionStatus.CANCELLED
    move(agreed, CaseState.CLOSING)
    assert MediaDeletion.objects.filter(case=agreed, status=DeletionStatus.WAITING).count() == 1


def test_work_ended_early_schedules_deletion_too(agreed: Case) -> None:
    with time_machine.travel(CLOSED_AT, tick=False):
        move(agreed, CaseState.WITHDRAWN)
    deletion = MediaDeletion.objects.get(case=agreed)
    assert deletion.reason == DeletionReason.RETENTION
    assert deletion.due_at == CLOSED_AT + timedelta(days=30)


def test_the_deletion_queue(
    agreed: Case,
    owner: User,
    colleague: User,
    service_admin: User,
    outsider: User,
    client_for: ClientFor,
) -> None:
    with time_machine.travel(CLOSED_AT, tick=False):
        move(agreed, CaseState.WITHDRAWN)
        admin_page = client_for(service_admin).get("/consent/deletions/").content.decode()
        assert agreed.reference in admin_page and "1 Apr 2026" in admin_page
        assert agreed.reference in client_for(owner).get("/consent/deletions/").content.decode()
        assert (
            agreed.reference
            not in client_for(colleague).get("/consent/deletions/").content.decode()
        )
        assert (
            agreed.reference not in client_for(outsider).get("/consent/deletions/").content.decode()
        )
        out = StringIO()
        call_command("retention", "list", stdout=out)
        assert agreed.reference in out.getvalue() and "1 Apr 2026" in out.getvalue()


def test_every_worker_sweeps_at_start_up_and_every_minute() -> None:
    from attune.core.worker import PERIODIC, STARTUP_HOOKS
    from attune.retention.maintenance import retention_maintenance

    assert retention_maintenance in STARTUP_HOOKS
    assert (60, retention_maintenance) in PERIODIC
