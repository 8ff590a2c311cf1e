"""Safeguarding API: read, record and amend. No route edits or deletes (append-only)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.responses import Status

from attune.accounts.requests import signed_in_user
from attune.cases.selectors import case_for_user
from attune.core.errors import PermissionDenied
from attune.safeguarding import selectors, services
from attune.safeguarding.models import Amendment, Concern

router = Router(tags=["safeguarding"])


class AmendmentOut(Schema):
    id: int
    text: str
    informed_name: str
    informed_role: str
    informed_on: date | None
    recorded_by: str = Field(..., alias="recorded_by.email")
    recorded_at: datetime


class ConcernOut(Schema):
    id: uuid.UUID
    case: str = Field(..., alias="case.reference")
    seen_or_heard: str
    happened_at: datetime
    action_taken: str
    informed_name: str
    informed_role: str
    informed_on: date | None
    recorded_by: str = Field(..., alias="recorded_by.email")
    recorded_at: datetime
    amendments: list[AmendmentOut]

    @staticmethod
    def resolve_amendments(obj: Concern) -> list[Amendment]:
        return list(obj.amendments.all())


class Informed(Schema):
    informed_name: Annotated[str, Field(max_length=200)] = ""
    informed_role: Annotated[str, Field(max_length=200)] = ""
    informed_on: date | None = None


class ConcernIn(Informed):
    seen_or_heard: Annotated[str, Field(min_length=1, max_length=20000)]
    happened_at: datetime
    action_taken: Annotated[str, Field(min_length=1, max_length=20000)]


class AmendmentIn(Informed):
    text: Annotated[str, Field(min_length=1, max_length=20000)]


@router.get(
    "/cases/{reference}/concerns", response=list[ConcernOut], summary="Safeguarding concerns"
)
def list_concerns(request: HttpRequest, reference: str) -> list[Concern]:
    case, _ = case_for_user(signed_in_user(request), reference)
    return list(selectors.concerns_for_case(case).select_related("case"))


@router.post(
    "/cases/{reference}/concerns",
    response={201: ConcernOut},
    summary="Record a safeguarding concern",
)
def record_concern(request: HttpRequest, reference: str, payload: ConcernIn) -> Status[Concern]:
    case, access = case_for_user(signed_in_user(request), reference)
    if not selectors.may_record(access):
        raise PermissionDenied("Only the case's guider or their supervisor can record a concern.")
    concern = services.concern_record(actor=signed_in_user(request), case=case, **payload.dict())
    return Status(201, concern)


@router.get("/concerns/{concern_id}", response=ConcernOut, summary="One safeguarding concern")
def get_concern(request: HttpRequest, concern_id: uuid.UUID) -> Concern:
    concern, _ = selectors.concern_for_user(signed_in_user(request), concern_id)
    services.concern_viewed(actor=signed_in_user(request), concern=concern)
    return concern


@router.post(
    "/concerns/{concern_id}/amendments",
    response={201: AmendmentOut},
    summary="Add an amendment to a concern (the concern itself never changes)",
)
def amend_concern(
    request: HttpRequest, concern_id: uuid.UUID, payload: AmendmentIn
) -> Status[Amendment]:
    concern, access = selectors.concern_for_user(signed_in_user(request), concern_id)
    if not selectors.may_record(access):
        raise PermissionDenied("Only the case's guider or their supervisor can add to a concern.")
    return Status(
        201,
        services.concern_amend(actor=signed_in_user(request), concern=concern, **payload.dict()),
    )
