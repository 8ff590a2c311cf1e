"""Consent API: record an adult's consent (typed signature), withdraw it, list a case's consent."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.responses import Status

from attune.accounts.requests import signed_in_user
from attune.cases.selectors import Access, adult_for_case, case_for_user
from attune.consent import selectors, services
from attune.consent.models import (
    ConsentRecord,
    Scope,
    SignatureMethod,
    WithdrawalChannel,
)
from attune.core.errors import PermissionDenied

router = Router(tags=["consent"])


class WithdrawalOut(Schema):
    scopes: list[Scope]
    asked_by: str
    channel: WithdrawalChannel
    asked_on: date
    note: str
    recorded_by: str = Field(..., alias="recorded_by.email")
    created_at: datetime


class ConsentOut(Schema):
    id: uuid.UUID
    case: str = Field(..., alias="case.reference")
    adult_id: int
    adult_name: str = Field(..., alias="adult.name")
    form_version: int = Field(..., alias="form_version.number")
    form_title: str = Field(..., alias="form_version.title")
    scopes: list[Scope]
    active_scopes: list[Scope]
    method: SignatureMethod
    typed_name: str
    signed_on: date
    witness: str = Field(..., alias="witness.email")
    child_view: str
    current: bool
    withdrawals: list[WithdrawalOut]
    created_at: datetime

    @staticmethod
    def resolve_active_scopes(obj: ConsentRecord) -> list[str]:
        active = selectors.active_scopes(obj)
        return [s for s in obj.scopes if s in active]

    @staticmethod
    def resolve_withdrawals(obj: ConsentRecord) -> list:
        return list(obj.withdrawals.all())

    @staticmethod
    def resolve_current(obj: ConsentRecord) -> bool:
        known = getattr(obj, "is_current", None)  # set by selectors.consent_summary
        if known is not None:
            return bool(known)
        latest = selectors.current_record(obj.adult)
        return latest is not None and latest.pk == obj.pk


class ConsentIn(Schema):
    adult: int
    scopes: Annotated[list[Scope], Field(min_length=1)]
    typed_name: Annotated[str, Field(min_length=1, max_length=200)]
    confirmed: bool = Field(
        ..., description="The adult ticked that their typed name is their signature."
    )
    signed_on: date | None = None
    child_view: Annotated[str, Field(max_length=5000)] = ""


class WithdrawIn(Schema):
    scopes: list[Scope] = Field(
        min_length=1,
        description="The scopes to withdraw, named one by one (withdrawing filming deletes the "
        "case's films).",
    )
    asked_by: Annotated[str, Field(min_length=1, max_length=200)]
    channel: WithdrawalChannel
    asked_on: date | None = None
    note: Annotated[str, Field(max_length=2000)] = ""


@router.get(
    "/cases/{reference}/consents",
    response=list[ConsentOut],
    summary="Every consent record of a case, oldest first",
)
def list_consents(request: HttpRequest, reference: str) -> list[ConsentRecord]:
    case, _ = case_for_user(signed_in_user(request), reference)
    return [r for c in selectors.consent_summary(case) for r in c.history]


@router.post(
    "/cases/{reference}/consents",
    response={201: ConsentOut},
    summary="Record an adult's consent with a typed signature",
)
def record_consent(
    request: HttpRequest, reference: str, payload: ConsentIn
) -> Status[ConsentRecord]:
    case, access = case_for_user(signed_in_user(request), reference)
    if access != Access.GUIDER:
        raise PermissionDenied("Only the case's guider records consent.")
    adult = adult_for_case(case, payload.adult)
    record = services.consent_record(
        actor=signed_in_user(request),
        case=case,
        adult=adult,
        scopes=[s.value for s in payload.scopes],
        method=SignatureMethod.TYPED,
        typed_name=payload.typed_name,
        confirmed=payload.confirmed,
        signed_on=payload.signed_on,
        child_view=payload.child_view,
    )
    return Status(201, record)


@router.post(
    "/consents/{consent_id}/withdraw",
    response=ConsentOut,
    summary="Withdraw some or all of an adult's consent (filming: the media is deleted)",
)
def withdraw_consent(request: HttpRequest, consent_id: uuid.UUID, payload: WithdrawIn) -> object:
    record, access = selectors.record_for_user(signed_in_user(request), consent_id)
    if access != Access.GUIDER:
        raise PermissionDenied("Only the case's guider records a withdrawal.")
    services.consent_withdraw(
        actor=signed_in_user(request),
        record=record,
        scopes=[s.value for s in payload.scopes],
        asked_by=payload.asked_by,
        channel=payload.channel,
        asked_on=payload.asked_on,
        note=payload.note,
    )
    record, _ = selectors.record_for_user(signed_in_user(request), consent_id)
    return record
