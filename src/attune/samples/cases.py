"""A case at a given stage of the work, built through Attune's own services (so every rule and
audit event applies): the one way the demo, the benchmarks and the tests make one."""

from __future__ import annotations

from datetime import timedelta
from enum import StrEnum
from typing import Any

from django.utils import timezone

from attune.accounts.models import User
from attune.cases import services as case_services
from attune.cases.models import AdultKind, Case, CaseState
from attune.consent.models import Scope, SignatureMethod
from attune.consent.services import consent_record


class Stage(StrEnum):
    REFERRED = "referred"  # opened, nothing else yet
    READY = "ready"  # one adult, the initial meeting and a helping question: may be agreed
    AGREED = "agreed"  # agreed, with the adult's written consent: may film
    IN_CYCLES = "in_cycles"  # the cycles have started


def case_at_stage(
    guider: User,
    stage: Stage | str,
    *,
    adult_name: str = "Jo Carter",
    relationship: str = "mother",
    question: str = "How can I help Sam tell me about school?",
    baseline: int = 3,
    hoped_for: int | None = 7,
    scopes: list[str] | None = None,
    meeting_days_ago: int = 7,
    agreed: str = "Film at home after school, three cycles.",
    **case_fields: Any,
) -> Case:
    """Open a case as ``guider`` (with ``case_fields``: the child's name, age, school, ...) and
    carry it to ``stage``. ``scopes`` is the consent the adult gives at AGREED and later (every
    scope unless said otherwise)."""
    stage = Stage(stage)
    order = list(Stage)
    case_fields.setdefault("child_name", "Sam Carter")
    if "child_date_of_birth" not in case_fields:
        case_fields.setdefault("child_age_years", 6)
    case = case_services.case_create(actor=guider, **case_fields)
    if order.index(stage) >= order.index(Stage.READY):
        adult = case_services.adult_add(
            actor=guider,
            case=case,
            name=adult_name,
            kind=AdultKind.PARENT_CARER,
            relationship=relationship,
        )
        case_services.initial_meeting_record(
            actor=guider,
            case=case,
            met_on=timezone.localdate() - timedelta(days=meeting_days_ago),
            agreed=agreed,
        )
        case_services.helping_question_add(
            actor=guider,
            case=case,
            adult=adult,
            text=question,
            baseline=baseline,
            hoped_for=hoped_for,
        )
    if order.index(stage) >= order.index(Stage.AGREED):
        case = case_services.case_transition(actor=guider, case=case, to_state=CaseState.AGREED)
        consent_record(
            actor=guider,
            case=case,
            adult=adult,
            scopes=list(Scope.values) if scopes is None else scopes,
            method=SignatureMethod.TYPED,
            typed_name=adult.name,
            confirmed=True,
        )
    if order.index(stage) >= order.index(Stage.IN_CYCLES):
        case = case_services.case_transition(actor=guider, case=case, to_state=CaseState.IN_CYCLES)
    return Case.objects.get(pk=case.pk)
