"""The subject access export holds the moments marked in the films (the guider's notes and the
questions kept for the review, all about the child) and, for an adult, their own words at the
shared reviews, where they re-scaled their questions and each review's notes and plan."""

from __future__ import annotations

import io
import json
import zipfile

from attune.accounts.models import User
from attune.retention.sar import Person, sar_export_bytes
from tests.factories import make_ready_case
from tests.reviews.helpers import complete_review, edit_with, start_cycles

WORDS = "I saw Sam look up at me and I waited."


def export(person: Person, actor: User) -> tuple[dict, str]:
    _name, data = sar_export_bytes(actor=actor, person=person, include_media=False)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return json.loads(zf.read("data.json")), zf.read("index.html").decode()


def test_moments_and_the_adults_own_words_are_in_the_exports(owner: User) -> None:
    case = start_cycles(make_ready_case(owner))
    moments = edit_with(case)
    cycle = case.cycles.get(number=1)
    complete_review(case, cycle, words=WORDS)
    jo = case.adults.get()

    child, child_page = export(Person("child", case), owner)
    adult, adult_page = export(Person("adult", case, jo), owner)

    questions = [m["question_for_the_review"] for m in child["moments"]]
    assert questions == [m.question for m in moments]
    assert child["moments"][0]["notes"] == "Guider's private note"
    assert moments[0].question in child_page
    # The child's export has no adult's words; the adult's has theirs.
    assert "reflections" not in child and WORDS not in child_page
    assert [r["your_words"] for r in adult["reflections"]] == [WORDS]
    assert adult["reflections"][0]["question_asked"] == moments[0].question
    question = case.helping_questions.get()
    assert adult["rescalings"] == [
        {"cycle": 1, "question": question.text, "score": min(10, question.baseline + 1)}
    ]
    assert adult["shared_reviews"][0]["plan"][0].startswith("Wait a little longer")
    assert WORDS in adult_page
    assert len(adult["moments"]) == len(moments)
