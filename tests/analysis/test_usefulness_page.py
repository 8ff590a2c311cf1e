"""A service admin sees how useful the moment finder's suggestions have been to their own
service: totals, by kind, by principle, month by month and the commonest rejection reasons,
with no case, film or person named. Nobody else sees the page, and no service sees another's."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from attune.accounts.models import Service, User
from attune.analysis.models import Decision, Suggestion
from attune.analysis.selectors import usefulness_report
from attune.cases.models import Case
from attune.films.models import Film
from tests.conftest import ClientFor
from tests.factories import make_ready_case, make_ready_film, make_suggestion

URL = "/service/suggestions/"
NOW = timezone.now()
TWO_MONTHS_AGO = NOW - timedelta(days=62)


def _film(case: Case) -> Film:
    return make_ready_film(case)


def _suggestion(
    film: Film,
    *,
    kind: str = "response",
    principles: tuple[str, ...] = ("Receiving initiatives",),
    decision: str = Decision.OPEN,
    reason: str = "",
    decided_at: datetime | None = NOW,
    current: bool = True,
) -> Suggestion:
    return make_suggestion(
        film,
        end=3.0,
        principles=list(principles),
        reason="The child started talking; you responded.",
        kind=kind,
        current=current,
        decision=decision,
        reject_reason=reason,
        decided_at=None if decision == Decision.OPEN else decided_at,
    )


@pytest.fixture
def suggestions(case: Case, outsider: User) -> None:
    """Seven counted suggestions in the case's service (and one that does not count), and two
    in the other service."""
    film = _film(case)
    _suggestion(film, decision=Decision.ACCEPTED)
    _suggestion(
        film,
        kind="run",
        principles=("Developing attuned interactions", "Receiving initiatives"),
        decision=Decision.REJECTED,
        reason="Off camera.",
    )
    _suggestion(
        film,
        kind="wait",
        principles=("Encouraging initiatives",),
        decision=Decision.REJECTED,
        reason="  OFF   camera ",
        decided_at=TWO_MONTHS_AGO,
    )
    _suggestion(
        film,
        kind="faces",
        principles=("Being attentive",),
        decision=Decision.REJECTED,
        reason="Sam is out of the shot",
    )
    _suggestion(film)  # open, still current
    _suggestion(film, current=False)  # open, replaced by a relabelling: not counted
    _suggestion(film, decision=Decision.ACCEPTED, current=False)  # decided: still counted
    _suggestion(film, decision=Decision.REJECTED, decided_at=NOW - timedelta(days=400))

    elsewhere = _film(make_ready_case(outsider, child_name="Robin Other"))
    _suggestion(elsewhere, decision=Decision.ACCEPTED)
    _suggestion(elsewhere, decision=Decision.REJECTED, reason="Too dark")


def test_the_numbers_are_the_services_own(suggestions: None, service: Service) -> None:
    report = usefulness_report(service)

    t = report.totals
    assert (t.suggested, t.accepted, t.rejected, t.open) == (7, 2, 4, 1)
    assert t.acceptance_rate == 33
    kinds = {k.label: (k.suggested, k.accepted, k.rejected, k.open) for k in report.by_kind}
    assert kinds == {
        "The child's initiative and your response": (4, 2, 1, 1),
        "A run of short turns": (1, 0, 1, 0),
        "The adult waiting": (1, 0, 1, 0),
        "Faces turned to each other": (1, 0, 1, 0),
    }
    principles = {p.label: (p.suggested, p.accepted, p.rejected) for p in report.by_principle}
    assert principles == {
        "Receiving initiatives": (5, 2, 2),
        "Developing attuned interactions": (1, 0, 1),
        "Encouraging initiatives": (1, 0, 1),
        "Being attentive": (1, 0, 1),
    }
    assert report.by_principle[0].label == "Receiving initiatives"
    # Counted regardless of capitals and spacing; the child's name is not repeated.
    assert report.reasons == [("Off camera", 2), ("the child is out of the shot", 1)]
    assert report.rejected_without_reason == 1


def test_decisions_are_charted_by_month_for_a_year(suggestions: None, service: Service) -> None:
    months = usefulness_report(service).months

    assert len(months) == 12
    assert months[-1].month == timezone.localdate().replace(day=1)
    by_month = {m.month: (m.accepted, m.rejected) for m in months}
    assert by_month[months[-1].month] == (2, 2)
    assert by_month[timezone.localtime(TWO_MONTHS_AGO).date().replace(day=1)] == (0, 1)
    # The decision of 400 days ago is outside the chart.
    assert sum(a + r for a, r in by_month.values()) == 5
    assert (months[-1].accepted_height, months[-1].rejected_height) == (100, 100)


def test_the_service_admin_sees_the_page(
    suggestions: None, client_for: ClientFor, service_admin: User, case: Case
) -> None:
    response = client_for(service_admin).get(URL)

    assert response.status_code == 200
    page = response.content.decode()
    for total, value in {
        "suggested": "7",
        "accepted": "2",
        "rejected": "4",
        "open": "1",
        "rate": "33%",
    }.items():
        assert f'data-total="{total}">{value}</dd>' in page
    assert "A run of short turns" in page and "Developing attuned interactions" in page
    assert "Off camera" in page and "Too dark" not in page
    # Aggregates only: no case, child, adult or film.
    for private in (
        case.reference,
        "Sam",
        "Jo Carter",
        str(Film.objects.filter(case=case).get().pk),
    ):
        assert private not in page
    assert 'href="/service/suggestions/"' in page  # in the service admin's navigation


def test_another_services_admin_sees_only_their_own(
    suggestions: None, client_for: ClientFor, other_admin: User
) -> None:
    response = client_for(other_admin).get(URL)

    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-total="suggested">2</dd>' in page
    assert 'data-total="rate">50%</dd>' in page
    assert "Too dark" in page and "Off camera" not in page


def test_an_empty_service_has_no_rate(client_for: ClientFor, service_admin: User) -> None:
    response = client_for(service_admin).get(URL)

    assert response.status_code == 200
    assert 'data-total="suggested">0</dd>' in response.content.decode()
    assert 'data-total="rate">—</dd>' in response.content.decode()


@pytest.mark.parametrize("who", ["owner", "colleague", "supervisor", "outsider"])
def test_nobody_else_sees_it(
    who: str, suggestions: None, client_for: ClientFor, request: pytest.FixtureRequest
) -> None:
    user: User = request.getfixturevalue(who)

    assert client_for(user).get(URL).status_code == 403


def test_signing_in_is_asked_for_first(client_for: ClientFor) -> None:
    response = client_for(None).get(URL)

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/accounts/login/")
