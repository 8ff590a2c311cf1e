"""Fixtures for film tests: a case that may film, small generated films, uploads through the API."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from django.test import Client
from pytest_django import DjangoCaptureOnCommitCallbacks
from pytest_django.fixtures import Settings as SettingsWrapper

from attune.accounts.models import User
from attune.cases import services as case_services
from attune.cases.models import Case, CaseState, Cycle
from attune.consent.models import Scope, SignatureMethod
from attune.consent.services import consent_record
from attune.films import processing
from attune.films.models import Film
from attune.samples.films import make_film
from attune.vault.storage import vault_storage
from tests.conftest import ClientFor

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

MARKER = "ATTUNE-PLAINTEXT-MARKER-5d1c"
RAW_MARKER = b"RAW-UPLOAD-MARKER-93be-" * 4
CHUNK = 16 * 1024


@pytest.fixture(autouse=True)
def _fresh_vault_storage() -> Iterator[None]:
    """The storage backend is cached per process; each test has its own data dir."""
    vault_storage.cache_clear()
    yield
    vault_storage.cache_clear()


@pytest.fixture
def small_chunks(settings: SettingsWrapper) -> int:
    settings.ATTUNE_UPLOAD_CHUNK_BYTES = CHUNK
    return CHUNK


@pytest.fixture
def immediate_tasks(settings: SettingsWrapper) -> None:
    """Processing runs inside the request that finishes the upload."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def consent_to_filming(case: Case) -> None:
    """Every adult agrees to filming and to use in supervision (typed signature)."""
    for adult in case.adults.all():
        consent_record(
            actor=case.guider,
            case=case,
            adult=adult,
            scopes=[Scope.FILMING, Scope.SUPERVISION],
            method=SignatureMethod.TYPED,
            typed_name=adult.name,
            confirmed=True,
        )


@pytest.fixture
def filmable_case(case: Case) -> Case:
    """The base fixture's case, agreed and with consent to filming, so films may be added."""
    case = case_services.case_transition(actor=case.guider, case=case, to_state=CaseState.AGREED)
    consent_to_filming(case)
    return case


@pytest.fixture
def cycle(filmable_case: Case) -> Cycle:
    return filmable_case.cycles.get(number=1)


@pytest.fixture(scope="session")
def film_bytes(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """A 2 s 320x240 H.264/AAC MP4 with MARKER in its metadata and RAW_MARKER appended in a
    `free` box (so the raw upload bytes carry a marker too); about 100 KB."""
    path = make_film(tmp_path_factory.mktemp("films") / "sample.mp4", seconds=2, marker=MARKER)
    free = RAW_MARKER
    return path.read_bytes() + (len(free) + 8).to_bytes(4, "big") + b"free" + free


@pytest.fixture(scope="session")
def film_file(tmp_path_factory: pytest.TempPathFactory, film_bytes: bytes) -> Path:
    path = tmp_path_factory.mktemp("film-file") / "family-tea-time.mp4"
    path.write_bytes(film_bytes)
    return path


def start_upload(
    client: Client, case: Case, cycle_number: int, size: int, name: str = "a.mp4"
) -> Response:
    return client.post(
        f"/api/cases/{case.reference}/cycles/{cycle_number}/films",
        {"filename": name, "size": size},
        content_type="application/json",
    )


def put_chunk(client: Client, film_id: str, index: int, data: bytes) -> Response:
    return client.put(
        f"/api/films/{film_id}/upload/{index}", data=data, content_type="application/octet-stream"
    )


def chunks_of(data: bytes, size: int) -> list[bytes]:
    return [data[i * size : (i + 1) * size] for i in range(math.ceil(len(data) / size))]


def upload(client: Client, case: Case, data: bytes, *, cycle_number: int = 1) -> Film:
    """A whole upload through the API, chunk by chunk, as the browser does it."""
    response = start_upload(client, case, cycle_number, len(data))
    assert response.status_code == 201, response.content
    state = response.json()
    for index, chunk in enumerate(chunks_of(data, state["chunk_size"])):
        answer = put_chunk(client, state["id"], index, chunk)
        assert answer.status_code == 200, answer.content
    return Film.objects.get(pk=state["id"])


def files_under(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()]


def plaintext_found(root: Path, *markers: bytes) -> list[str]:
    """Files under `root` that contain any of `markers`."""
    return [
        str(path.relative_to(root))
        for path in files_under(root)
        if any(marker in path.read_bytes() for marker in markers)
    ]


Process = Callable[[Film], Film]


@pytest.fixture
def process(django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks) -> Process:
    """Run the processing job for a film as the worker does, including what runs on commit."""

    def run(film: Film) -> Film:
        with django_capture_on_commit_callbacks(execute=True):
            processing.film_process(str(film.pk))
        film.refresh_from_db()
        return film

    return run


@pytest.fixture
def guider_client(client_for: ClientFor, owner: User) -> Client:
    return client_for(owner)
