"""Recording the shared review: the adult's words per moment, who came, re-scaling of every
helping question, the plan; completing it completes the cycle and proposes what comes next."""

from __future__ import annotations

import json

import pytest
from django.utils import timezone

from attune.accounts.models import User
from attune.audit.models import AuditEvent
from attune.cases.models import Case
from attune.core.errors import ServiceError
from attune.reviews import services
from attune.reviews.models import Reflection, Rescaling, Review
from tests.conftest import ClientFor
from tests.reviews.helpers import complete_review, edit_with, start_cycles

pytestmark = pytest.mark.django_db


@pytest.fixture
def cycling(case: Case) -> Case:
    return start_cycles(case)


def test_completing_the_review_saves_everything_and_proposes_the_next_film(
    cycling: Case, client_for: ClientFor, owner: User
) -> None:
    moments = edit_with(cycling)
    cycle = cycling.cycles.get(number=1)
    adult = cycling.adults.get()
    question = cycling.helping_questions.get()
    response = client_for(owner).post(
        f"/reviews/cycles/{cycle.pk}/",
        {
            "held_on": timezone.localdate().isoformat(),
            "attendees": "Jo (mum)",
            f"reflection_{moments[0].pk}_{adult.pk}": "I waited and Sam told me about his day.",
            "new_noticed": "Sam looks at me when I wait.",
            f"scale_{question.pk}": "6",
            "plan_try": "Wait longer.",
            "plan_where": "Kitchen",
            "plan_when": "Tuesday",
            "action": "complete",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == f"/cases/{cycling.reference}/cycles/2/"
    review = Review.objects.get(cycle=cycle)
    assert review.is_complete and review.plan_try == "Wait longer."
    assert Reflection.objects.get().text == "I waited and Sam told me about his day."
    assert Rescaling.objects.get(question=question).score == 6
    cycle.refresh_from_db()
    assert cycle.reviewed_on == timezone.localdate()
    event = AuditEvent.objects.get(action="review.completed")
    assert "Sam" not in json.dumps(event.details)  # the adult's words stay out of the audit


def test_a_review_with_no_edit_says_what_is_missing(cycling: Case) -> None:
    with pytest.raises(ServiceError, match="has no edit yet"):
        services.review_record(
            actor=cycling.guider, cycle=cycling.cycles.get(number=1), held_on=None
        )


@pytest.mark.parametrize("score", [-1, 11])
def test_scaling_outside_0_to_10_is_refused(cycling: Case, score: int) -> None:
    edit_with(cycling)
    question = cycling.helping_questions.get()
    with pytest.raises(ServiceError, match="0 to 10"):
        services.review_record(
            actor=cycling.guider,
            cycle=cycling.cycles.get(number=1),
            held_on=timezone.localdate(),
            scaling={question.pk: score},
        )


def test_completing_needs_every_question_rescaled(cycling: Case) -> None:
    edit_with(cycling)
    with pytest.raises(ServiceError, match="Re-scale"):
        services.review_record(
            actor=cycling.guider,
            cycle=cycling.cycles.get(number=1),
            held_on=timezone.localdate(),
            complete=True,
        )


def test_the_last_planned_review_proposes_closing(cycling: Case) -> None:
    for number in (1, 2, 3):
        cycle = cycling.cycles.get(number=number)
        edit_with(cycling, number)
        outcome = complete_review(cycling, cycle)
    assert outcome.next_cycle is None and outcome.propose_closing


def test_api_records_the_review_and_refuses_bad_scaling(
    cycling: Case, client_for: ClientFor, owner: User
) -> None:
    moments = edit_with(cycling)
    cycle = cycling.cycles.get(number=1)
    question = cycling.helping_questions.get()
    adult = cycling.adults.get()
    body = {
        "held_on": timezone.localdate().isoformat(),
        "reflections": [{"moment_id": str(moments[1].pk), "adult_id": adult.pk, "text": "Lovely."}],
        "scaling": [{"question_id": question.pk, "score": 12}],
        "plan": {"try": "More waiting", "where": "Home", "when": "Friday"},
    }
    client = client_for(owner)
    url = f"/api/cycles/{cycle.pk}/review"
    refused = client.post(url, json.dumps(body), content_type="application/json")
    assert refused.status_code == 422

    body["scaling"] = [{"question_id": question.pk, "score": 5}]
    response = client.post(url, json.dumps(body), content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["completed"] is True
    assert response.json()["next_cycle"] == 2
    assert response.json()["scaling"] == {str(question.pk): 5}


def test_only_the_guider_records_the_review(
    cycling: Case,
    client_for: ClientFor,
    supervisor: User,
    service_admin: User,
    colleague: User,
    outsider: User,
) -> None:
    edit_with(cycling)
    cycle = cycling.cycles.get(number=1)
    url = f"/api/cycles/{cycle.pk}/review"
    body = json.dumps({"held_on": timezone.localdate().isoformat()})
    for user, status in (
        (supervisor, 403),
        (service_admin, 403),
        (colleague, 404),
        (outsider, 404),
    ):
        response = client_for(user).post(url, body, content_type="application/json")
        assert response.status_code == status, user
        page = client_for(user).post(f"/reviews/cycles/{cycle.pk}/", {"action": "complete"})
        assert page.status_code == status, user
    assert not Review.objects.exists()


def test_a_completed_review_keeps_every_rescaling(cycling: Case) -> None:
    edit_with(cycling)
    cycle = cycling.cycles.get(number=1)
    complete_review(cycling, cycle)
    with pytest.raises(ServiceError, match="Re-scale"):
        services.review_record(
            actor=cycling.guider, cycle=cycle, held_on=timezone.localdate(), scaling={}
        )
    assert Rescaling.objects.filter(review__cycle=cycle).count() == 1


def test_the_review_page_shows_what_was_recorded(
    cycling: Case, client_for: ClientFor, owner: User, service_admin: User
) -> None:
    edit_with(cycling)
    cycle = cycling.cycles.get(number=1)
    complete_review(cycling, cycle, words="He smiled when I waited.")
    html = client_for(owner).get(f"/reviews/cycles/{cycle.pk}/").content.decode()
    assert html.count("He smiled when I waited.") == 2  # what was said, and the form to correct it
    assert 'value="4"' in html  # the re-scaling, filled in
    readonly = client_for(service_admin).get(f"/reviews/cycles/{cycle.pk}/").content.decode()
    assert "He smiled when I waited." in readonly and "<form" not in readonly.split("<main")[1]
