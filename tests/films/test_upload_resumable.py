"""Resumable upload through the API: order and size are checked, resends are harmless, an upload
can be picked up after a reload, chunks are encrypted as they land, and an upload left
unfinished is kept for 24 hours and then removed."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.utils import timezone

from attune.accounts.models import User
from attune.audit.models import AuditEvent
from attune.cases.models import Case
from attune.films import services
from attune.films.maintenance import films_maintenance
from attune.films.models import Film, FilmStatus
from attune.vault.models import ObjectKind, VaultObject
from attune.vault.services import storage_mismatches
from attune.vault.storage import list_names
from tests.conftest import ClientFor

if TYPE_CHECKING:
    from pytest_django import DjangoCaptureOnCommitCallbacks as CaptureCallbacks
from tests.films.conftest import (
    CHUNK,
    chunks_of,
    plaintext_found,
    put_chunk,
    start_upload,
)

pytestmark = pytest.mark.usefixtures("small_chunks")


def begin(client: Client, case: Case, data: bytes) -> dict[str, Any]:
    response = start_upload(client, case, 1, len(data), name="tea-time.mp4")
    assert response.status_code == 201, response.content
    state: dict[str, Any] = response.json()
    return state


def test_chunks_in_order_complete_the_upload_and_queue_the_film(
    filmable_case: Case, guider_client: Client, film_bytes: bytes
) -> None:
    state = begin(guider_client, filmable_case, film_bytes)
    assert state["chunk_size"] == CHUNK
    assert state["received"] == 0 and state["next_index"] == 0
    assert state["status"] == "uploading"
    assert state["page_url"] == f"/films/{state['id']}/"
    chunks = chunks_of(film_bytes, CHUNK)
    assert len(chunks) >= 3
    for index, chunk in enumerate(chunks):
        response = put_chunk(guider_client, str(state["id"]), index, chunk)
        assert response.status_code == 200, response.content
        assert response.json()["next_index"] == index + 1
    film = Film.objects.get(pk=state["id"])
    assert film.status == FilmStatus.QUEUED
    assert film.upload_received == len(film_bytes)
    assert film.parts.count() == len(chunks)
    assert AuditEvent.objects.filter(action="film.uploaded", object_id=str(film.pk)).count() == 1


def test_a_chunk_out_of_order_is_refused_with_a_clear_message(
    filmable_case: Case, guider_client: Client, film_bytes: bytes
) -> None:
    state = begin(guider_client, filmable_case, film_bytes)
    chunks = chunks_of(film_bytes, CHUNK)
    assert put_chunk(guider_client, str(state["id"]), 0, chunks[0]).status_code == 200

    response = put_chunk(guider_client, str(state["id"]), 2, chunks[2])

    assert response.status_code == 422
    error = response.json()["error"]
    assert error["message"] == "Chunk 2 arrived before chunk 1: send chunk 1 next."
    assert error["fields"] == [{"field": "index", "message": error["message"]}]
    assert Film.objects.get(pk=state["id"]).upload_received == CHUNK


def test_a_chunk_of_the_wrong_size_is_refused(
    filmable_case: Case, guider_client: Client, film_bytes: bytes
) -> None:
    state = begin(guider_client, filmable_case, film_bytes)

    short = put_chunk(guider_client, str(state["id"]), 0, film_bytes[: CHUNK - 1])
    assert short.status_code == 422
    assert short.json()["error"]["message"] == (
        f"Chunk 0 should be {CHUNK} bytes but was {CHUNK - 1}."
    )
    chunks = chunks_of(film_bytes, CHUNK)
    for index, chunk in enumerate(chunks[:-1]):
        assert put_chunk(guider_client, str(state["id"]), index, chunk).status_code == 200
    last = len(chunks) - 1
    long = put_chunk(guider_client, str(state["id"]), last, chunks[-1] + b"x")
    assert long.status_code == 422
    assert f"should be {len(chunks[-1])} bytes" in long.json()["error"]["message"]
    assert Film.objects.get(pk=state["id"]).status == FilmStatus.UPLOADING


def test_a_body_over_the_request_limit_is_refused_clearly(
    filmable_case: Case, guider_client: Client, film_bytes: bytes
) -> None:
    state = begin(guider_client, filmable_case, film_bytes)
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE

    response = put_chunk(guider_client, str(state["id"]), 0, b"\0" * (limit + 1))

    assert response.status_code == 413
    assert "at most" in response.json()["error"]["message"]


def test_resending_a_stored_chunk_is_accepted_and_changes_nothing(
    filmable_case: Case, guider_client: Client, film_bytes: bytes
) -> None:
    state = begin(guider_client, filmable_case, film_bytes)
    chunks = chunks_of(film_bytes, CHUNK)
    put_chunk(guider_client, str(state["id"]), 0, chunks[0])
    put_chunk(guider_client, str(state["id"]), 1, chunks[1])
    objects_before = set(VaultObject.objects.values_list("pk", flat=True))

    again = put_chunk(guider_client, str(state["id"]), 0, chunks[0])

    assert again.status_code == 200
    assert again.json()["received"] == 2 * CHUNK
    assert again.json()["next_index"] == 2
    assert set(VaultObject.objects.values_list("pk", flat=True)) == objects_before


def test_an_upload_can_be_resumed_after_a_reload(
    filmable_case: Case, client_for: ClientFor, owner: User, film_bytes: bytes
) -> None:
    first_tab = client_for(owner)
    state = begin(first_tab, filmable_case, film_bytes)
    chunks = chunks_of(film_bytes, CHUNK)
    for index in range(2):
        put_chunk(first_tab, str(state["id"]), index, chunks[index])

    # The page is reloaded (or the laptop restarted): a new session asks where it was up to.
    reloaded = client_for(owner)
    page = reloaded.get(f"/cases/{filmable_case.reference}/cycles/1/")
    assert f'data-open-upload="{state["id"]}"' in page.content.decode()
    where = reloaded.get(f"/api/films/{state['id']}/upload").json()
    assert (where["status"], where["received"], where["next_index"]) == ("uploading", 2 * CHUNK, 2)
    for index in range(where["next_index"], len(chunks)):
        assert put_chunk(reloaded, str(state["id"]), index, chunks[index]).status_code == 200

    film = Film.objects.get(pk=state["id"])
    assert film.status == FilmStatus.QUEUED
    assert [p.index for p in film.parts.order_by("index")] == list(range(len(chunks)))


def test_chunks_are_encrypted_as_they_land(
    filmable_case: Case, guider_client: Client, film_bytes: bytes
) -> None:
    state = begin(guider_client, filmable_case, film_bytes)
    chunks = chunks_of(film_bytes, CHUNK)
    half = len(chunks) // 2 + 1
    for index in range(half):
        put_chunk(guider_client, str(state["id"]), index, chunks[index])

    parts = VaultObject.objects.filter(kind=ObjectKind.UPLOAD_PART)
    assert parts.count() == half
    assert len(list_names()) == half
    # Slices of every chunk sent so far (start, middle, end) appear nowhere on disk.
    slices = [c[i : i + 48] for c in chunks[:half] for i in (0, len(c) // 2, len(c) - 48)]
    assert plaintext_found(Path(settings.DATA_DIR), *slices) == []


def test_no_upload_while_the_case_may_not_film(
    case: Case, guider_client: Client, film_bytes: bytes
) -> None:
    assert case.state == "referred"
    assert not services.case_may_film(case)

    response = start_upload(guider_client, case, 1, len(film_bytes))

    assert response.status_code == 422
    assert response.json()["error"]["message"] == (
        "Films can be added once the work is agreed and until it starts closing "
        "(this case is referred)."
    )
    assert not Film.objects.exists()


def test_cycle_page_explains_why_there_is_no_uploader(case: Case, guider_client: Client) -> None:
    page = guider_client.get(f"/cases/{case.reference}/cycles/1/").content.decode()
    assert "data-uploader" not in page
    assert "Films can be added once the work is agreed" in page


@pytest.mark.parametrize(
    ("who", "status"),
    [("supervisor", 403), ("service_admin", 403), ("colleague", 404), ("outsider", 404)],
)
def test_only_the_guider_can_upload(
    who: str,
    status: int,
    filmable_case: Case,
    guider_client: Client,
    client_for: ClientFor,
    film_bytes: bytes,
    request: pytest.FixtureRequest,
) -> None:
    someone = client_for(request.getfixturevalue(who))
    assert start_upload(someone, filmable_case, 1, len(film_bytes)).status_code == status

    # Nor may they add to the guider's upload.
    state = begin(guider_client, filmable_case, film_bytes)
    response = put_chunk(someone, str(state["id"]), 0, film_bytes[:CHUNK])
    assert response.status_code == status
    assert Film.objects.get(pk=state["id"]).upload_received == 0


def test_anonymous_cannot_upload(filmable_case: Case, client_for: ClientFor) -> None:
    response = start_upload(client_for(None), filmable_case, 1, 1000)
    assert response.status_code == 401


def test_an_interrupted_upload_is_kept_for_a_day_then_removed(
    filmable_case: Case,
    guider_client: Client,
    client_for: ClientFor,
    owner: User,
    film_bytes: bytes,
    django_capture_on_commit_callbacks: CaptureCallbacks,
) -> None:
    state = begin(guider_client, filmable_case, film_bytes)
    chunks = chunks_of(film_bytes, CHUNK)
    for index in range(2):
        put_chunk(guider_client, str(state["id"]), index, chunks[index])
    names = list_names()
    assert len(names) == 2

    with time_machine.travel(timezone.now() + timedelta(hours=23), tick=False):
        films_maintenance()
        assert Film.objects.get(pk=state["id"]).status == FilmStatus.UPLOADING
        assert list_names() == names
        # Still resumable (after signing in again): the next chunk is taken, and the clock
        # starts again.
        assert put_chunk(client_for(owner), str(state["id"]), 2, chunks[2]).status_code == 200

    with time_machine.travel(timezone.now() + timedelta(hours=23 + 24, minutes=1), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            assert services.film_uploads_expire() == 1
        assert list_names() == []
        films_maintenance()

        film = Film.objects.get(pk=state["id"])
        assert film.status == FilmStatus.EXPIRED
        assert film.failure_reason == services.UPLOAD_EXPIRED_REASON
        assert not film.parts.exists()
        assert list_names() == []
        assert storage_mismatches() == ([], [])
        assert AuditEvent.objects.filter(action="film.upload_expired").count() == 1

        signed_in = client_for(owner)
        late = put_chunk(signed_in, str(state["id"]), 3, chunks[3])
        assert late.status_code == 422
        assert "not finished in time" in late.json()["error"]["message"]
        page = signed_in.get(f"/cases/{filmable_case.reference}/cycles/1/").content.decode()
        assert "data-open-upload" not in page


def test_a_chunk_after_the_deadline_is_refused_before_the_sweep_runs(
    filmable_case: Case,
    guider_client: Client,
    client_for: ClientFor,
    owner: User,
    film_bytes: bytes,
) -> None:
    state = begin(guider_client, filmable_case, film_bytes)
    with time_machine.travel(timezone.now() + timedelta(hours=25), tick=False):
        response = put_chunk(client_for(owner), str(state["id"]), 0, film_bytes[:CHUNK])
    assert response.status_code == 422
    assert not VaultObject.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_the_last_chunk_is_accepted_while_the_task_queue_is_down(
    filmable_case: Case, guider_client: Client, film_bytes: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The film is saved as queued before it is handed to the task queue: a queue that is down
    (Redis restarting) must not answer the upload with a 500. The sweep hands it over later."""
    from dataclasses import replace

    from attune.core.jobs import jobs_recover_stale
    from attune.films.processing import FILM_JOB

    def queue_down(film_id: object) -> None:
        raise ConnectionError("Error 111 connecting to the task queue. Connection refused.")

    monkeypatch.setattr(services, "processing_enqueue", queue_down)
    state = begin(guider_client, filmable_case, film_bytes)
    for index, chunk in enumerate(chunks_of(film_bytes, CHUNK)):
        response = put_chunk(guider_client, str(state["id"]), index, chunk)
        assert response.status_code == 200, response.content
    film = Film.objects.get(pk=state["id"])
    assert film.status == FilmStatus.QUEUED

    handed: list[str] = []
    assert jobs_recover_stale(replace(FILM_JOB, enqueue=handed.append)) == 1
    assert handed == [str(film.pk)]
