from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from attune.accounts.selectors import guiders_for_user
from attune.cases import selectors, services
from attune.cases.models import AdultKind, Case, CaseState, HelpingQuestion, Setting
from attune.core.errors import ServiceError

router = Router(tags=["cases"])


class AdultOut(Schema):
    id: int
    name: str
    kind: AdultKind
    relationship: str
    has_parental_responsibility: bool


class CycleOut(Schema):
    number: int
    planned_film_date: date | None
    planned_review_date: date | None
    filmed_on: date | None
    reviewed_on: date | None
    not_needed: bool


class CaseSummary(Schema):
    reference: str
    state: CaseState
    child_name: str
    child_age: int | None
    setting: Setting
    guider: str = Field(..., alias="guider.email")
    updated_at: datetime


class CaseOut(CaseSummary):
    child_date_of_birth: date | None
    child_school: str
    referrer: str
    referral_reason: str
    adults: list[AdultOut]
    cycles: list[CycleOut]
    created_at: datetime

    @staticmethod
    def resolve_adults(obj: Case) -> list:
        return list(obj.adults.all())

    @staticmethod
    def resolve_cycles(obj: Case) -> list:
        return list(obj.cycles.all())


class AdultIn(Schema):
    name: Annotated[str, Field(min_length=1, max_length=200)]
    kind: AdultKind
    relationship: Annotated[str, Field(min_length=1, max_length=100)]
    has_parental_responsibility: bool = False


class CaseIn(Schema):
    child_name: Annotated[str, Field(min_length=1, max_length=200)]
    child_date_of_birth: date | None = None
    child_age_years: Annotated[int | None, Field(ge=0, le=25)] = None
    child_school: str = ""
    setting: Setting = Setting.HOME
    referrer: str = ""
    referral_reason: str = ""
    guider_email: str | None = None
    adults: list[AdultIn] = []


class HelpingQuestionIn(Schema):
    adult_id: int
    text: Annotated[str, Field(min_length=1, max_length=2000)]
    baseline: Annotated[int, Field(ge=0, le=10)]
    hoped_for: Annotated[int | None, Field(ge=0, le=10)] = None


class HelpingQuestionOut(Schema):
    id: int
    adult_id: int
    adult_name: str = Field(..., alias="adult.name")
    text: str
    baseline: int
    hoped_for: int | None
    created_at: datetime


@router.get("/cases", response=list[CaseSummary], summary="Cases you can see")
def list_cases(request: HttpRequest, state: CaseState | None = None) -> list[Case]:
    qs = selectors.cases_for_user(request.user)  # type: ignore[arg-type]
    if state:
        qs = qs.filter(state=state)
    return list(qs.order_by("-updated_at"))


@router.post("/cases", response={201: CaseOut}, summary="Open a case")
def create_case(request: HttpRequest, payload: CaseIn) -> Status[Case]:
    user = request.user
    guider = None
    if payload.guider_email:
        guider = guiders_for_user(user).filter(email__iexact=payload.guider_email).first()  # type: ignore[arg-type]
        if guider is None:
            raise ServiceError("No guider in your service has that email.", field="guider_email")
    fields = payload.dict(exclude={"guider_email", "adults"})
    case = services.case_create_with_adults(
        actor=user,  # type: ignore[arg-type]
        guider=guider,
        adults=[a.dict() for a in payload.adults],
        **fields,
    )
    case, _ = selectors.case_for_user(user, case.reference)  # type: ignore[arg-type]
    return Status(201, case)


@router.get("/cases/{reference}", response=CaseOut, summary="One case")
def get_case(request: HttpRequest, reference: str) -> Case:
    case, _ = selectors.case_for_user(request.user, reference)  # type: ignore[arg-type]
    services.case_viewed(actor=request.user, case=case, page="api")  # type: ignore[arg-type]
    return case


@router.get(
    "/cases/{reference}/helping-questions",
    response=list[HelpingQuestionOut],
    summary="Helping questions of a case",
)
def list_helping_questions(request: HttpRequest, reference: str) -> list[HelpingQuestion]:
    case, _ = selectors.case_for_user(request.user, reference)  # type: ignore[arg-type]
    return list(case.helping_questions.all())


@router.post(
    "/cases/{reference}/helping-questions",
    response={201: HelpingQuestionOut},
    summary="Add a helping question",
)
def add_helping_question(
    request: HttpRequest, reference: str, payload: HelpingQuestionIn
) -> Status[HelpingQuestion]:
    case, _ = selectors.case_for_user(request.user, reference)  # type: ignore[arg-type]
    adult = selectors.adult_for_case(case, payload.adult_id)
    question = services.helping_question_add(
        actor=request.user,  # type: ignore[arg-type]
        case=case,
        adult=adult,
        text=payload.text,
        baseline=payload.baseline,
        hoped_for=payload.hoped_for,
    )
    return Status(201, question)
