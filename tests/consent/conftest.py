from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from pytest_django.fixtures import Settings as SettingsWrapper

from attune.cases import services as case_services
from attune.cases.models import Case, CaseState


@pytest.fixture
def agreed(case: Case) -> Case:
    """The base case, agreed, with its first film planned: it may film once consent is given."""
    case_services.case_transition(actor=case.guider, case=case, to_state=CaseState.AGREED)
    case_services.cycle_update(
        actor=case.guider,
        case=case,
        cycle=case.cycles.get(number=1),
        planned_film_date=timezone.localdate() + timedelta(days=2),
        planned_review_date=None,
    )
    return Case.objects.get(pk=case.pk)


@pytest.fixture
def immediate_tasks(settings: SettingsWrapper) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
