"""Helping questions can be reworded until their first re-scaling; the old words are kept."""

from __future__ import annotations

import pytest

from attune.accounts.models import User
from attune.cases.models import Case
from attune.core.errors import ServiceError
from attune.reviews.services import helping_question_reword
from tests.conftest import ClientFor
from tests.reviews.helpers import complete_review, edit_with, start_cycles

pytestmark = pytest.mark.django_db


def test_rewording_keeps_the_old_words(case: Case, client_for: ClientFor, owner: User) -> None:
    question = case.helping_questions.get()
    response = client_for(owner).post(
        f"/reviews/cases/{case.reference}/questions/{question.pk}/reword",
        {"text": "How can I help Sam talk to me after school?"},
    )
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.text == "How can I help Sam talk to me after school?"
    assert [w.text for w in question.old_wordings.all()] == [
        "How can I help Sam tell me about school?"
    ]


def test_rewording_is_refused_after_the_first_rescaling(case: Case) -> None:
    case = start_cycles(case)
    edit_with(case)
    complete_review(case, case.cycles.get(number=1))
    with pytest.raises(ServiceError, match="re-scaled"):
        helping_question_reword(
            actor=case.guider, case=case, question=case.helping_questions.get(), text="New words"
        )


def test_only_the_guider_rewords(
    case: Case, client_for: ClientFor, supervisor: User, colleague: User, outsider: User
) -> None:
    question = case.helping_questions.get()
    url = f"/reviews/cases/{case.reference}/questions/{question.pk}/reword"
    assert client_for(supervisor).post(url, {"text": "x"}).status_code == 403
    assert client_for(colleague).post(url, {"text": "x"}).status_code == 404
    assert client_for(outsider).post(url, {"text": "x"}).status_code == 404
