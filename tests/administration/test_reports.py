"""The service's reports against a hand-built service: every figure as expected, counts of 1–4
cases read "fewer than 5", no family is named, and the CSV and the API hold the same numbers."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from attune.accounts.models import Service, SupervisionLink, User
from attune.analysis.models import Decision
from attune.cases.models import Case, CaseState, Cycle
from attune.supervision.models import SupervisionSession
from tests.conftest import ClientFor
from tests.factories import (
    UserFactory,
    make_case,
    make_ready_case,
    make_ready_film,
    make_suggestion,
)

pytestmark = pytest.mark.django_db
FEWER = "fewer than 5"


def _case(
    guider: User, state: str, *, held: int = 0, days_open: int = 0, ready: bool = False
) -> Case:
    case = (
        make_ready_case(guider, child_name="Family Name")
        if ready
        else make_case(guider, child_name="Family Name")
    )
    created = timezone.now() - timedelta(days=100)
    Case.objects.filter(pk=case.pk).update(
        state=state, created_at=created, state_changed_at=created + timedelta(days=days_open)
    )
    for number in range(1, held + 1):
        Cycle.objects.update_or_create(
            case=case, number=number, defaults={"filmed_on": timezone.localdate()}
        )
    return case


@pytest.fixture
def fixture_service(service: Service, owner: User, colleague: User, supervisor: User) -> Service:
    """Olivia: 7 closed cases (2 cycles each, 10…70 days from referral to closure) and 5
    referred; Colin: 2 in cycles (1 cycle each) and 1 withdrawn; one older case outside the
    period. Olivia had 90 minutes of confirmed supervision (and 30 unconfirmed); one film had
    3 suggestions accepted and 1 rejected."""
    User.objects.filter(pk=colleague.pk).update(is_guider=True)
    closed = [
        _case(owner, CaseState.CLOSED, held=2, days_open=10 * (n + 1), ready=True) for n in range(7)
    ]
    for _ in range(5):
        _case(owner, CaseState.REFERRED)
    for _ in range(2):
        _case(colleague, CaseState.IN_CYCLES, held=1)
    _case(colleague, CaseState.WITHDRAWN)
    old = _case(owner, CaseState.CLOSED, held=1, days_open=5)
    Case.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=800))

    for minutes, confirmed in ((90, True), (30, False)):
        SupervisionSession.objects.create(
            service=service,
            trainee=owner,
            supervisor=supervisor,
            written_by=owner,
            held_on=timezone.localdate() - timedelta(days=3),
            minutes=minutes,
            confirmed_at=timezone.now() if confirmed else None,
        )
    film = make_ready_film(closed[0])
    for decision in [Decision.ACCEPTED] * 3 + [Decision.REJECTED]:
        make_suggestion(film, decision=decision)
    return service


EXPECTED: dict[str, Any] = {
    "cases": 15,
    "caseload_by_state": {
        "Referred": 5,
        "Agreed": 0,
        "In cycles": FEWER,
        "Closing": 0,
        "Closed": 7,
        "Withdrawn": FEWER,
    },
    "cycles_per_case": {"0": 6, "1": FEWER, "2": 7, "3": 0, "4": 0, "5": 0, "6 or more": 0},
    "completed_vs_withdrawn": {"Completed (closed)": 7, "Withdrawn": FEWER},
    "median_days_referral_to_closure": 40,
    "scaling_change": {"cases": 7, "mean_change": 0.0},
    "supervision_hours": {"Olivia Owner": 1.5},
    "suggestions": {"accepted": 3, "rejected": 1, "open": 0, "acceptance_percent": 75},
}


def test_the_report_holds_the_hand_counted_figures(
    fixture_service: Service, service_admin: User, client_for: ClientFor
) -> None:
    summary = client_for(service_admin).get("/api/reports/summary").json()
    for key, value in EXPECTED.items():
        assert summary[key] == value, key
    assert summary["caseload_by_guider"]["Olivia Owner"]["Total"] == 12
    assert summary["caseload_by_guider"]["Olivia Owner"]["Closed"] == 7
    assert summary["caseload_by_guider"]["Colin Colleague"]["Total"] == FEWER


def test_the_csv_holds_the_same_numbers(
    fixture_service: Service, service_admin: User, client_for: ClientFor
) -> None:
    response = client_for(service_admin).get("/service/reports.csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    table = {(r["figure"], r["group"]): r["value"] for r in rows}
    assert table[("cases referred", "all")] == "15"
    for label, value in EXPECTED["caseload_by_state"].items():
        assert table[("caseload by state", label)] == str(value)
    for label, value in EXPECTED["cycles_per_case"].items():
        assert table[("cycles per case", label)] == str(value)
    assert table[("median days referral to closure", "closed cases")] == "40"
    assert table[("supervision hours", "Olivia Owner")] == "1.5"
    assert table[("suggestions", "acceptance_percent")] == "75"
    assert table[("caseload by guider", "Colin Colleague: Total")] == FEWER
    assert "Family Name" not in response.content.decode()


def test_the_page_draws_charts_without_names_of_families(
    fixture_service: Service, service_admin: User, client_for: ClientFor
) -> None:
    page = client_for(service_admin).get("/service/reports/").content.decode()
    assert page.count('<svg class="chart"') == 4
    assert FEWER in page
    assert "Family Name" not in page
    assert "<title" in page  # each chart says what it shows, in words


def test_the_date_range_filters_by_referral(
    fixture_service: Service, service_admin: User, client_for: ClientFor
) -> None:
    today = timezone.localdate()
    old = (
        client_for(service_admin)
        .get(
            "/api/reports/summary",
            {
                "start": (today - timedelta(days=900)).isoformat(),
                "end": (today - timedelta(days=500)).isoformat(),
            },
        )
        .json()
    )
    assert old["cases"] == FEWER
    assert old["caseload_by_state"]["Closed"] == FEWER
    assert old["median_days_referral_to_closure"] == FEWER
    csv_old = (
        client_for(service_admin)
        .get(
            "/service/reports.csv",
            {"start": (today - timedelta(days=900)).isoformat(), "end": today.isoformat()},
        )
        .content.decode()
    )
    assert "cases referred,all,16" in csv_old


def test_each_admin_sees_only_their_own_service(
    fixture_service: Service, other_admin: User, client_for: ClientFor
) -> None:
    summary = client_for(other_admin).get("/api/reports/summary").json()
    assert summary["cases"] == 0
    assert summary["supervision_hours"] == {}


@pytest.mark.parametrize("who", ["owner", "supervisor", "outsider"])
def test_reports_are_for_service_admins(
    who: str, fixture_service: Service, client_for: ClientFor, request: pytest.FixtureRequest
) -> None:
    client = client_for(request.getfixturevalue(who))
    assert client.get("/api/reports/summary").status_code == 403
    assert client.get("/service/reports/").status_code == 403
    assert client.get("/service/reports.csv").status_code == 403


def test_a_trainee_without_a_link_still_has_their_hours_counted(
    fixture_service: Service, service_admin: User, client_for: ClientFor, supervisor: User
) -> None:
    # Hours belong to the trainee, whoever supervised them.
    SupervisionLink.objects.all().update(ended_on=timezone.localdate())
    other = UserFactory.create(service=fixture_service, full_name="Tom Hughes", is_trainee=True)
    SupervisionSession.objects.create(
        service=fixture_service,
        trainee=other,
        supervisor=supervisor,
        written_by=supervisor,
        held_on=timezone.localdate(),
        minutes=45,
        confirmed_at=timezone.now(),
    )
    summary = client_for(service_admin).get("/api/reports/summary").json()
    assert summary["supervision_hours"] == {"Olivia Owner": 1.5, "Tom Hughes": 0.75}
