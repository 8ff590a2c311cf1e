"""One date-order rule for planned and actual dates: a review is not before its film (planned
or held), and what has happened (a birth, a film, a review) is not in the future."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from attune.accounts.models import User
from attune.cases import services
from attune.cases.models import Case
from attune.core.errors import ServiceError
from attune.reviews import services as review_services
from tests.conftest import ClientFor
from tests.reviews.helpers import edit_with, start_cycles


def today() -> date:
    return timezone.localdate()


def test_a_date_of_birth_in_the_future_is_refused(case: Case, owner: User) -> None:
    with pytest.raises(ServiceError) as refused:
        services.case_update(
            actor=owner, case=case, child_date_of_birth=today() + timedelta(days=4 * 365)
        )
    assert refused.value.field == "child_date_of_birth"
    assert "cannot be in the future" in refused.value.message

    with pytest.raises(ServiceError):
        services.case_create(
            actor=owner, child_name="Ava", child_date_of_birth=today() + timedelta(days=1)
        )
    services.case_update(actor=owner, case=case, child_date_of_birth=today() - timedelta(days=1))


def test_the_case_form_says_so_beside_the_date_of_birth(
    case: Case, owner: User, client_for: ClientFor
) -> None:
    future = (today() + timedelta(days=400)).isoformat()
    response = client_for(owner).post(
        f"/cases/{case.reference}/edit/",
        {"child_name": case.child_name, "child_date_of_birth": future, "setting": case.setting},
    )

    assert response.status_code == 200
    assert "The date of birth cannot be in the future." in response.content.decode()
    case.refresh_from_db()
    assert case.child_date_of_birth is None


@pytest.mark.parametrize(
    ("first", "then", "field"),
    [
        ("planned_film_date", "planned_review_date", "planned_review_date"),
        ("filmed_on", "reviewed_on", "reviewed_on"),
    ],
)
def test_planned_and_actual_reviews_come_after_their_film(
    case: Case, owner: User, first: str, then: str, field: str
) -> None:
    cycle = case.cycles.get(number=1)
    dates: dict[str, date | None] = {"planned_film_date": None, "planned_review_date": None}
    dates[first] = today() - timedelta(days=3)
    dates[then] = today() - timedelta(days=5)

    with pytest.raises(ServiceError) as refused:
        services.cycle_update(actor=owner, case=case, cycle=cycle, **dates)  # type: ignore[arg-type]

    assert refused.value.field == field
    dates[then] = dates[first]  # the same day is fine
    services.cycle_update(actor=owner, case=case, cycle=cycle, **dates)  # type: ignore[arg-type]


def test_a_shared_review_held_before_its_film_was_recorded_is_refused(
    case: Case, owner: User
) -> None:
    case = start_cycles(case)
    edit_with(case)
    cycle = case.cycles.get(number=1)
    filmed = today() - timedelta(days=2)
    services.cycle_update(
        actor=owner,
        case=case,
        cycle=cycle,
        planned_film_date=filmed,
        planned_review_date=None,
        filmed_on=filmed,
    )
    cycle.refresh_from_db()

    with pytest.raises(ServiceError) as refused:
        review_services.review_record(actor=owner, cycle=cycle, held_on=filmed - timedelta(days=1))

    assert refused.value.field == "held_on"
    assert "before its film was recorded" in refused.value.message
    review_services.review_record(actor=owner, cycle=cycle, held_on=filmed)
