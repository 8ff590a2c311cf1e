"""The closing letter over the API: the current letter (draft or final) as JSON or DOCX."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from django.http import Http404, HttpRequest, HttpResponse
from ninja import Query, Router, Schema

from attune.accounts.models import User
from attune.cases.selectors import case_for_user
from attune.core.errors import PermissionDenied
from attune.letters import export, selectors, services
from attune.letters.views import DOCX

router = Router(tags=["letters"])


class LetterOut(Schema):
    case: str
    state: str
    version: int
    text: str
    reason: str
    updated_at: datetime
    finalised_at: datetime | None


@router.get(
    "/cases/{reference}/letter",
    response=LetterOut,
    description="The current letter. `format=docx` gives the Word document (the case's guider "
    "only); `copy=family` adds the chosen stills where every adult agreed to keeping stills.",
)
def case_letter(
    request: HttpRequest,
    reference: str,
    format: Literal["json", "docx"] = "json",
    which: Literal["family", "record"] = Query("record", alias="copy"),
) -> LetterOut | HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    case, access = case_for_user(user, reference)
    letter = selectors.letter_for_case(case)
    version = letter.current if letter else None
    if letter is None or version is None:
        raise Http404
    if format == "docx":
        if not selectors.may_export(access):
            raise PermissionDenied("Only the case's guider can take a copy of the letter.")
        data, stills = export.letter_docx(case, version, copy=which)
        services.letter_exported(actor=user, letter=letter, fmt="docx", copy=which, stills=stills)
        response = HttpResponse(data, content_type=DOCX)
        response["Content-Disposition"] = (
            f'attachment; filename="{case.reference}-letter-{which}-v{version.number}.docx"'
        )
        return response
    return LetterOut(
        case=case.reference,
        state=letter.state,
        version=version.number,
        text=version.text,
        reason=version.reason,
        updated_at=version.created_at,
        finalised_at=letter.finalised_at,
    )
