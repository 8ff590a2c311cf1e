"""A new user's first look shows the whole process: a completed shared review, and a case at
closing with its letter drafted."""

from __future__ import annotations

import pytest

from attune.cases.models import Case, CaseState
from attune.demo.seed import seed_demo
from attune.letters.models import LetterState
from attune.reviews.models import Review
from attune.reviews.progress import scaling_series

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_completed_review_and_a_closing_case_with_a_drafted_letter() -> None:
    seed_demo()
    reviewed = Case.objects.get(child_name="Noah Hart")
    assert Review.objects.get(cycle__case=reviewed, cycle__number=1).is_complete
    closing = Case.objects.get(child_name="Isla Morgan")
    assert closing.state == CaseState.CLOSING
    assert closing.letter.state == LetterState.DRAFT
    assert closing.letter.current is not None
    assert "from 3 to 8 out of 10" in closing.letter.current.text
    assert [p.score for p in scaling_series(closing)[0].points] == [3, 5, 6, 8]
