"""Permission-aware reads of safeguarding concerns: the guider, their supervisor and the
service admin see them; nobody else, and nothing across services."""

from __future__ import annotations

import uuid

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from attune.accounts.models import User
from attune.cases.models import Case
from attune.cases.selectors import Access, access_for, cases_for_user
from attune.safeguarding.models import Amendment, Concern
from attune.safeguarding.services import WRITERS


def concerns_for_case(case: Case) -> QuerySet[Concern]:
    return (
        Concern.objects.filter(case=case)
        .select_related("recorded_by")
        .prefetch_related(
            Prefetch("amendments", queryset=Amendment.objects.select_related("recorded_by"))
        )
        .order_by("-recorded_at")
    )


def concern_for_user(user: User, concern_id: uuid.UUID | str) -> tuple[Concern, Access]:
    try:
        key = uuid.UUID(str(concern_id))
    except ValueError as exc:
        raise Http404 from exc
    concern = (
        concerns_for_case_ids(cases_for_user(user)).filter(pk=key).select_related("case").first()
    )
    access = access_for(user, concern.case) if concern is not None else None
    if concern is None or access is None:
        raise Http404("No such concern.")
    return concern, access


def concerns_for_case_ids(cases: QuerySet[Case]) -> QuerySet[Concern]:
    return Concern.objects.filter(case__in=cases).prefetch_related(
        Prefetch("amendments", queryset=Amendment.objects.select_related("recorded_by"))
    )


def may_record(access: Access | None) -> bool:
    return access in WRITERS
