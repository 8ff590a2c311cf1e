"""A presentation with nothing to show says why: an edit with no moments is not "not ready"."""

from __future__ import annotations

import pytest

from attune.accounts.models import User
from attune.cases.models import Case
from tests.conftest import ClientFor
from tests.reviews.helpers import start_cycles

pytestmark = pytest.mark.django_db


def test_a_cycle_without_moments_in_its_edit_says_so_rather_than_not_ready(
    case: Case, client_for: ClientFor, owner: User, outsider: User
) -> None:
    cycle = start_cycles(case).cycles.get(number=1)
    html = client_for(owner).get(f"/reviews/cycles/{cycle.pk}/present").content.decode()
    assert "this cycle's edit has no moments" in html
    assert "clips are not ready" not in html
    assert client_for(outsider).get(f"/reviews/cycles/{cycle.pk}/present").status_code == 404


def test_a_completed_review_without_clips_says_why_there_is_no_presentation(
    client_for: ClientFor, owner: User
) -> None:
    from attune.demo.reviews import seed_demo_reviews  # recorded without a film

    case = seed_demo_reviews(owner)
    cycle = case.cycles.get(number=1)
    html = client_for(owner).get(f"/reviews/cycles/{cycle.pk}/").content.decode()
    assert "data-no-presentation" in html
    assert "Open the presentation" not in html
