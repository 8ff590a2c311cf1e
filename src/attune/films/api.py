from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest
from django.urls import reverse
from ninja import Field, Router, Schema
from ninja.errors import HttpError
from ninja.responses import Status

from attune.accounts.requests import signed_in_user
from attune.cases.selectors import case_for_user, cycle_for_case
from attune.films import selectors, services
from attune.films.models import Film, FilmPurpose, FilmStatus

router = Router(tags=["films"])


class UploadStart(Schema):
    filename: Annotated[str, Field(max_length=255)] = ""
    size: int  # checked by the service, which explains an empty file plainly
    purpose: FilmPurpose = FilmPurpose.FAMILY


class UploadState(Schema):
    id: uuid.UUID
    status: FilmStatus
    size: int = Field(..., alias="upload_size")
    chunk_size: int = Field(..., alias="upload_chunk_size")
    received: int = Field(..., alias="upload_received")
    next_index: int = Field(..., alias="next_chunk_index")
    expires_at: datetime = Field(..., alias="upload_expires_at")
    page_url: str

    @staticmethod
    def resolve_page_url(obj: Film) -> str:
        return reverse("films:detail", args=[obj.pk])


class FilmOut(Schema):
    id: uuid.UUID
    case: str = Field(..., alias="case.reference")
    cycle: int = Field(..., alias="cycle.number")
    purpose: FilmPurpose
    status: FilmStatus
    stage: str
    progress: float
    duration: float | None
    fps: float | None
    width: int | None
    height: int | None
    has_audio: bool
    failure_reason: str
    created_at: datetime
    ready_at: datetime | None


@router.post(
    "/cases/{reference}/cycles/{number}/films",
    response={201: UploadState},
    summary="Start a resumable film upload",
)
def start_upload(
    request: HttpRequest, reference: str, number: int, payload: UploadStart
) -> Status[Film]:
    case, _ = case_for_user(signed_in_user(request), reference)
    cycle = cycle_for_case(case, number)
    film = services.film_upload_start(
        actor=signed_in_user(request),
        case=case,
        cycle=cycle,
        filename=payload.filename,
        size=payload.size,
        purpose=payload.purpose,
    )
    return Status(201, film)


@router.get("/films/{film_id}/upload", response=UploadState, summary="Where an upload is up to")
def upload_state(request: HttpRequest, film_id: uuid.UUID) -> Film:
    film, _ = selectors.film_for_user(signed_in_user(request), film_id)
    return film


@router.put(
    "/films/{film_id}/upload/{index}",
    response=UploadState,
    summary="Send chunk `index` of an upload (raw bytes in the body)",
)
def upload_chunk(request: HttpRequest, film_id: uuid.UUID, index: int) -> Film:
    film, _ = selectors.film_for_user(signed_in_user(request), film_id)
    try:
        data = request.body
    except RequestDataTooBig as exc:
        raise HttpError(
            413, f"A chunk may be at most {film.upload_chunk_size} bytes; send smaller chunks."
        ) from exc
    try:
        return services.film_upload_chunk(
            actor=signed_in_user(request), film=film, index=index, data=data
        )
    except services.UploadStorageFull as exc:
        # 507: the client keeps the chunk and sends it again later.
        raise HttpError(507, exc.message) from exc


@router.get("/films/{film_id}", response=FilmOut, summary="A film's processing status and facts")
def get_film(request: HttpRequest, film_id: uuid.UUID) -> Film:
    film, _ = selectors.film_for_user(signed_in_user(request), film_id)
    return film


@router.post("/films/{film_id}/retry", response=FilmOut, summary="Retry a failed film")
def retry_film(request: HttpRequest, film_id: uuid.UUID) -> Film:
    film, _ = selectors.film_for_user(signed_in_user(request), film_id)
    return services.film_retry(actor=signed_in_user(request), film=film)
