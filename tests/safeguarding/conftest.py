from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from attune.cases.models import Case
from attune.safeguarding.models import Concern
from attune.safeguarding.services import concern_record


@pytest.fixture
def concern(case: Case) -> Concern:
    return concern_record(
        actor=case.guider,
        case=case,
        seen_or_heard="Sam said Dad shouts and he hides under the table.",
        happened_at=timezone.now() - timedelta(hours=2),
        action_taken="Told the school's designated safeguarding lead the same afternoon.",
        informed_name="Ms Reid",
        informed_role="Designated safeguarding lead",
        informed_on=timezone.localdate(),
    )
