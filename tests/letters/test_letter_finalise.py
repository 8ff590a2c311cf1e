"""Drafts are saved as versions; finalising needs a re-scaling (or a reason), fixes the letter
and moves the case to closing; a correction is a new version with its reason."""

from __future__ import annotations

import pytest

from attune.accounts.models import User
from attune.cases.models import Case, CaseState
from attune.core.errors import ServiceError
from attune.letters import services
from attune.letters.models import LetterState
from tests.conftest import ClientFor
from tests.reviews.helpers import complete_review, edit_with, start_cycles

pytestmark = pytest.mark.django_db


def test_the_guider_edits_the_draft_as_versions_and_finalising_moves_the_case_to_closing(
    case: Case, client_for: ClientFor, owner: User
) -> None:
    case = start_cycles(case)
    edit_with(case)
    complete_review(case, case.cycles.get(number=1))
    client = client_for(owner)
    url = f"/letters/cases/{case.reference}/"
    assert client.post(url, {"action": "draft"}).status_code == 302
    letter = case.letter
    assert letter.versions.count() == 1
    client.post(url, {"action": "save", "text": "Dear Jo,\n\nThank you."})
    assert letter.current is not None and letter.current.text == "Dear Jo,\n\nThank you."
    assert letter.versions.count() == 2

    assert client.post(url, {"action": "finalise"}).status_code == 302
    letter.refresh_from_db()
    case.refresh_from_db()
    assert letter.state == LetterState.FINAL
    assert case.state == CaseState.CLOSING

    with pytest.raises(ServiceError, match="final"):
        services.letter_save(actor=owner, letter=letter, text="Changed")
    client.post(url, {"action": "correct", "text": "Dear Jo and Sam,", "reason": "Names"})
    assert letter.current is not None and letter.current.reason == "Names"
    assert letter.versions.count() == 3


def test_a_letter_cannot_be_final_without_a_rescaling_or_a_reason(case: Case) -> None:
    case = start_cycles(case)
    letter = services.letter_draft(actor=case.guider, case=case)
    with pytest.raises(ServiceError, match="re-scaled"):
        services.letter_finalise(actor=case.guider, letter=letter)
    services.letter_finalise(
        actor=case.guider, letter=letter, no_rescaling_reason="The family stopped after one film."
    )
    letter.refresh_from_db()
    assert letter.is_final and letter.no_rescaling_reason.startswith("The family")


def test_only_the_guider_writes_the_letter(
    case: Case,
    client_for: ClientFor,
    supervisor: User,
    service_admin: User,
    colleague: User,
    outsider: User,
) -> None:
    case = start_cycles(case)
    url = f"/letters/cases/{case.reference}/"
    for user, status in (
        (supervisor, 403),
        (service_admin, 403),
        (colleague, 404),
        (outsider, 404),
    ):
        assert client_for(user).post(url, {"action": "draft"}).status_code == status
    assert not hasattr(Case.objects.get(pk=case.pk), "letter")
