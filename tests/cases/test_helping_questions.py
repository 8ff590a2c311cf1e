"""Helping questions: one to three per adult, scaled 0–10, hoped-for never below the baseline."""

from __future__ import annotations

import pytest

from attune.audit.models import AuditEvent
from attune.cases.models import Case, HelpingQuestion
from attune.core.errors import ServiceError
from tests.conftest import ClientFor
from tests.factories import add_adult, add_question, make_case


def test_each_adult_may_have_up_to_three(case: Case) -> None:
    adult = case.adults.get()
    add_question(case, adult, text="Second question")
    add_question(case, adult, text="Third question")
    events = AuditEvent.objects.filter(case=case).count()

    with pytest.raises(ServiceError) as refused:
        add_question(case, adult, text="Fourth question")

    assert refused.value.message == (
        "Jo Carter already has 3 helping questions; VIG works best with a few."
    )
    assert refused.value.field == "text"
    assert adult.helping_questions.count() == 3
    assert AuditEvent.objects.filter(case=case).count() == events


def test_the_limit_is_per_adult(case: Case) -> None:
    first = case.adults.get()
    add_question(case, first, text="Second")
    add_question(case, first, text="Third")
    second = add_adult(case, name="Pat Carter", relationship="father")

    add_question(case, second, text="Pat's first")

    assert second.helping_questions.count() == 1


@pytest.mark.parametrize(
    ("baseline", "hoped_for", "field"),
    [(-1, None, "baseline"), (11, None, "baseline"), (3, 11, "hoped_for"), (0, -1, "hoped_for")],
)
def test_scaling_stays_between_0_and_10(
    case: Case, baseline: int, hoped_for: int | None, field: str
) -> None:
    with pytest.raises(ServiceError) as refused:
        add_question(case, case.adults.get(), baseline=baseline, hoped_for=hoped_for)

    assert refused.value.field == field
    assert refused.value.message == "Use a number from 0 to 10."


@pytest.mark.parametrize(("baseline", "hoped_for"), [(0, 0), (0, 10), (10, 10), (4, None)])
def test_the_ends_of_the_scale_are_allowed(
    case: Case, baseline: int, hoped_for: int | None
) -> None:
    question = add_question(case, case.adults.get(), baseline=baseline, hoped_for=hoped_for)

    question.refresh_from_db()
    assert (question.baseline, question.hoped_for) == (baseline, hoped_for)


def test_hoped_for_below_the_baseline_is_refused(case: Case) -> None:
    with pytest.raises(ServiceError) as refused:
        add_question(case, case.adults.get(), baseline=6, hoped_for=4)

    assert refused.value.field == "hoped_for"
    assert "at or above where they are now" in refused.value.message


def test_an_adult_from_another_case_is_refused(case: Case) -> None:
    other = make_case(case.guider, child_name="Another Child")
    stranger = add_adult(other, name="Stranger")

    with pytest.raises(ServiceError, match="not part of this case"):
        add_question(case, stranger)
    assert not HelpingQuestion.objects.filter(adult=stranger).exists()


def test_the_question_form_shows_the_limit_beside_the_question(
    case: Case, client_for: ClientFor
) -> None:
    adult = case.adults.get()
    add_question(case, adult, text="Second")
    add_question(case, adult, text="Third")

    response = client_for(case.guider).post(
        f"/cases/{case.reference}/questions/add/",
        {"adult": adult.pk, "text": "Fourth", "baseline": 2},
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "already has 3 helping questions" in html
    # The error sits in the text field's block, after its input.
    field_block = html[html.index('name="text"') :]
    assert field_block.index("already has 3") < field_block.index('name="baseline"')
