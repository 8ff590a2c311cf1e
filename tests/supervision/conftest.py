from __future__ import annotations

import pytest

from attune.accounts.models import User
from attune.cases import services as case_services
from attune.cases.models import Case, CaseState
from attune.consent.models import Scope, SignatureMethod
from attune.consent.services import consent_record
from attune.films.models import Film
from tests.factories import (
    SupervisionLinkFactory,
    UserFactory,
    consent_to_everything,
    make_ready_film,
)


@pytest.fixture
def consented_film(case: Case) -> Film:
    """A ready film on the base case, every adult consenting to everything (supervision too)."""
    case_services.case_transition(actor=case.guider, case=case, to_state=CaseState.AGREED)
    consent_to_everything(case)
    return make_ready_film(case)


@pytest.fixture
def unconsented_film(case: Case) -> Film:
    """A ready film whose adult agreed to filming but not to supervision use."""
    case_services.case_transition(actor=case.guider, case=case, to_state=CaseState.AGREED)
    for adult in case.adults.all():
        consent_record(
            actor=case.guider,
            case=case,
            adult=adult,
            scopes=[Scope.FILMING],
            method=SignatureMethod.TYPED,
            typed_name=adult.name,
            confirmed=True,
        )
    return make_ready_film(case)


@pytest.fixture
def other_supervisor(colleague: User) -> User:
    """Supervises the colleague, not the owner."""
    user = UserFactory.create(
        service=colleague.service, email="other-sup@example.org", is_supervisor=True
    )
    SupervisionLinkFactory.create(service=colleague.service, supervisor=user, supervisee=colleague)
    return user
