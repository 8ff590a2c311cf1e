"""The small things a page says: going back from closing is offered, not urged; an empty filter
is not an empty caseload; dates read "1 Dec 2026" wherever they are written."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.template import Context, Template
from django.utils import timezone

from attune.accounts.models import User
from attune.cases import services
from attune.cases.models import Case, CaseState
from attune.consent.models import WithdrawalChannel
from attune.core import dates
from attune.samples.cases import Stage, case_at_stage
from tests.conftest import ClientFor


def test_going_back_from_closing_is_a_secondary_button(owner: User, client_for: ClientFor) -> None:
    case = case_at_stage(owner, Stage.AGREED)
    services.cycle_update(
        actor=owner,
        case=case,
        cycle=case.cycles.get(number=1),
        planned_film_date=timezone.localdate(),
        planned_review_date=None,
    )
    for state in (CaseState.IN_CYCLES, CaseState.CLOSING):
        case = services.case_transition(actor=owner, case=case, to_state=state)

    page = client_for(owner).get(f"/cases/{case.reference}/").content.decode()

    back = page.split('data-transition="in_cycles"', 1)[0].rsplit("<a ", 1)[1]
    assert "primary" not in back
    assert "Go back to the cycles" in page and "Start the cycles" not in page


def test_a_filter_with_no_cases_does_not_invite_a_first_case(
    case: Case, owner: User, client_for: ClientFor
) -> None:
    filtered = client_for(owner).get("/cases/?state=closed").content.decode()
    assert "No cases match this filter." in filtered
    assert "Open your first case" not in filtered


def test_someone_with_no_cases_is_invited_to_open_one(
    service: object, owner: User, client_for: ClientFor
) -> None:
    page = client_for(owner).get("/cases/").content.decode()
    assert "Open your first case" in page


@pytest.mark.parametrize(
    ("value", "written"),
    [(date(2026, 12, 1), "1 Dec 2026"), (date(2026, 12, 25), "25 Dec 2026"), (None, "")],
)
def test_one_way_of_writing_a_day(value: date | None, written: str) -> None:
    assert dates.day(value) == written
    assert Template("{{ when|day }}").render(Context({"when": value})) == written


def test_a_time_is_written_in_london_time() -> None:
    at = datetime(2026, 6, 1, 17, 35, tzinfo=UTC)  # 18:35 in summer time
    assert dates.day_time(at) == "1 Jun 2026, 18:35"
    assert Template("{{ at|day_time }}").render(Context({"at": at})) == "1 Jun 2026, 18:35"


def test_a_receipt_writes_the_day_without_a_leading_zero(case: Case, owner: User) -> None:
    from attune.consent.models import ConsentWithdrawal, DeletionReason, MediaDeletion
    from attune.retention.services import _receipt_reason
    from tests.consent.helpers import sign

    record = sign(case, case.adults.get())
    withdrawal = ConsentWithdrawal.objects.create(
        record=record,
        scopes=["filming"],
        asked_by="Jo Carter",
        channel=WithdrawalChannel.PHONE,
        asked_on=date(2026, 12, 1),
        recorded_by=owner,
    )
    deletion = MediaDeletion(case=case, reason=DeletionReason.WITHDRAWAL, withdrawal=withdrawal)

    assert "on 1 Dec 2026." in _receipt_reason(deletion)
