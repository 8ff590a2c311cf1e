"""Fixtures for micro-analysis tests: a case with consent, and a ready film whose every frame
shows its own number (so a test can read back which frame a clip or still starts on)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from pytest_django import DjangoCaptureOnCommitCallbacks
from pytest_django.fixtures import Settings as SettingsWrapper

from attune.accounts.models import User
from attune.cases import services as case_services
from attune.cases.models import Case, CaseState
from attune.consent import services as consent_services
from attune.consent.models import Scope, SignatureMethod
from attune.films.models import Film, FilmStatus
from attune.vault.models import ObjectKind
from attune.vault.services import object_store_path
from tests.conftest import ClientFor
from tests.moments.counter_film import make_counter_film

FPS = 25
FRAMES = 100  # four seconds
KEYINT = 25  # a key frame every second: frames 0, 25, 50, 75


@pytest.fixture(scope="session")
def counter_film(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """4 s, 25 fps, 160×96, H.264 (with B-frames) and AAC; key frames every 25 frames."""
    return make_counter_film(
        tmp_path_factory.mktemp("counter") / "counter.mp4", frames=FRAMES, fps=FPS, keyint=KEYINT
    )


def give_consent(case: Case, scopes: tuple[str, ...] = (Scope.FILMING, Scope.SUPERVISION)) -> None:
    for adult in case.adults.all():
        consent_services.consent_record(
            actor=case.guider,
            case=case,
            adult=adult,
            scopes=list(scopes),
            method=SignatureMethod.TYPED,
            typed_name=adult.name,
            confirmed=True,
        )


@pytest.fixture
def working_case(case: Case) -> Case:
    """The base case, agreed, with every adult's consent to filming and to supervision."""
    case = case_services.case_transition(actor=case.guider, case=case, to_state=CaseState.AGREED)
    give_consent(case)
    return case


def ready_film_for(case: Case, source: Path, *, cycle_number: int = 1) -> Film:
    """A film as processing leaves it (the counter film is already browser-playable, so it is
    its own playable copy), without running the pipeline."""
    film = Film.objects.create(
        case=case,
        cycle=case.cycles.get(number=cycle_number),
        uploaded_by=case.guider,
        original_filename="counter.mp4",
        status=FilmStatus.READY,
        upload_size=source.stat().st_size,
        upload_chunk_size=4 * 1024 * 1024,
        upload_received=source.stat().st_size,
        upload_expires_at=timezone.now() + timedelta(hours=1),
        duration=FRAMES / FPS,
        fps=FPS,
        width=160,
        height=96,
        has_audio=True,
        ready_at=timezone.now(),
    )
    film.playable = object_store_path(
        case=case, kind=ObjectKind.PLAYABLE, path=source, content_type="video/mp4"
    )
    film.save(update_fields=["playable"])
    return film


@pytest.fixture
def film(working_case: Case, counter_film: Path) -> Film:
    return ready_film_for(working_case, counter_film)


@pytest.fixture
def guider(client_for: ClientFor, owner: User) -> Client:
    return client_for(owner)


@pytest.fixture
def immediate_tasks(settings: SettingsWrapper) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


OnCommit = Callable[[], Any]


@pytest.fixture
def run_on_commit(
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks, immediate_tasks: None
) -> Iterator[Callable[[Callable[[], Any]], Any]]:
    """`run_on_commit(fn)` calls fn and then what it left for after the commit (renders run)."""

    def run(fn: Callable[[], Any]) -> Any:
        with django_capture_on_commit_callbacks(execute=True):
            return fn()

    yield run


def post_json(client: Client, url: str, body: Any, method: str = "post") -> Any:
    import json

    return client.generic(method.upper(), url, json.dumps(body), content_type="application/json")
