"""Processing an uploaded film: playable films are remuxed, others transcoded; hostile files fail
with the media layer's reason and never take the worker down; a failure that was not the file's
fault keeps the upload so the guider can retry."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.utils.html import escape
from pytest_django.fixtures import Settings as SettingsWrapper

from attune.audit.models import AuditEvent
from attune.cases.models import Case
from attune.films import media, processing
from attune.films.models import Film, FilmStatus
from attune.vault.models import ObjectKind, VaultObject
from attune.vault.services import object_read_all, storage_mismatches
from tests.films.conftest import Process, start_upload, upload
from tests.hostile_media import EXPECTATIONS, make_film, make_hostile

pytestmark = pytest.mark.usefixtures("small_chunks")

REJECTED = [kind for kind, expect in EXPECTATIONS.items() if expect.outcome == "reject"]
OUTPUT_KINDS = {
    ObjectKind.PLAYABLE,
    ObjectKind.POSTER,
    ObjectKind.SPRITE,
    ObjectKind.SPRITE_INDEX,
    ObjectKind.WAVEFORM,
    ObjectKind.ORIGINAL,
}


def test_a_playable_film_is_remuxed_and_ready(
    filmable_case: Case, guider_client: Client, film_bytes: bytes, process: Process
) -> None:
    film = upload(guider_client, filmable_case, film_bytes)
    assert film.status == FilmStatus.QUEUED

    film = process(film)

    assert film.status == FilmStatus.READY, film.failure_reason
    assert film.remuxed
    assert film.duration == pytest.approx(2.0, abs=0.1)
    assert film.fps == pytest.approx(25)
    assert (film.width, film.height) == (320, 240)
    assert film.has_audio
    assert film.attempts == 1
    assert film.pending_objects == []
    assert set(VaultObject.objects.values_list("kind", flat=True)) == OUTPUT_KINDS
    assert not film.parts.exists()  # the original is kept whole instead
    assert film.original is not None
    assert object_read_all(film.original) == film_bytes
    playable = object_read_all(film.playable)  # type: ignore[arg-type]
    assert playable[4:8] == b"ftyp"
    assert storage_mismatches() == ([], [])
    assert not any(Path(settings.SCRATCH_DIR).iterdir())
    assert AuditEvent.objects.filter(action="film.ready", object_id=str(film.pk)).count() == 1


def test_running_the_job_twice_does_nothing_the_second_time(
    filmable_case: Case, guider_client: Client, film_bytes: bytes, process: Process
) -> None:
    film = process(upload(guider_client, filmable_case, film_bytes))
    objects = set(VaultObject.objects.values_list("pk", flat=True))

    again = process(film)

    assert again.status == FilmStatus.READY and again.attempts == 1
    assert set(VaultObject.objects.values_list("pk", flat=True)) == objects


def test_original_is_dropped_when_the_setting_says_so(
    filmable_case: Case,
    guider_client: Client,
    film_bytes: bytes,
    process: Process,
    settings: SettingsWrapper,
) -> None:
    settings.ATTUNE_KEEP_ORIGINAL = False
    film = process(upload(guider_client, filmable_case, film_bytes))
    assert film.status == FilmStatus.READY
    assert film.original is None
    assert not VaultObject.objects.filter(kind=ObjectKind.ORIGINAL).exists()
    assert storage_mismatches() == ([], [])


@pytest.mark.parametrize(
    ("options", "size"),
    [
        ({"codec": "hevc"}, (320, 240)),
        ({"rotate": 90}, (240, 320)),
        ({"codec": "vp9", "container": "webm"}, (320, 240)),
    ],
    ids=["hevc", "rotated", "webm"],
)
def test_other_films_are_transcoded(
    options: dict[str, object],
    size: tuple[int, int],
    filmable_case: Case,
    guider_client: Client,
    tmp_path: Path,
    process: Process,
) -> None:
    source = make_film(tmp_path / "phone.bin", seconds=2, **options)  # type: ignore[arg-type]
    film = process(upload(guider_client, filmable_case, source.read_bytes()))
    assert film.status == FilmStatus.READY, film.failure_reason
    assert not film.remuxed
    assert (film.width, film.height) == size
    assert film.duration == pytest.approx(2.0, abs=0.15)
    assert film.fps == pytest.approx(25)
    assert film.probe["video_codec"] in {"hevc", "h264", "vp9"}


@pytest.mark.parametrize("kind", REJECTED)
def test_hostile_upload_fails_with_the_media_reason(
    kind: str, filmable_case: Case, guider_client: Client, tmp_path: Path, process: Process
) -> None:
    expect = EXPECTATIONS[kind]
    path = tmp_path / f"upload{expect.suffix}"
    make_hostile(kind, path)
    data = path.read_bytes()
    if not data:
        response = start_upload(guider_client, filmable_case, 1, 0)
        assert response.status_code == 422
        assert "empty" in response.json()["error"]["message"]
        return

    film = process(upload(guider_client, filmable_case, data))

    assert film.status == FilmStatus.FAILED
    assert expect.keyword is not None
    assert expect.keyword.lower() in film.failure_reason.lower(), film.failure_reason
    # The file itself is at fault: nothing of it is kept, and nothing was stored from it.
    assert not VaultObject.objects.exists()
    assert storage_mismatches() == ([], [])
    assert not any(Path(settings.SCRATCH_DIR).iterdir())
    api = guider_client.get(f"/api/films/{film.pk}").json()
    assert api["status"] == "failed" and api["failure_reason"] == film.failure_reason


def test_a_file_with_the_wrong_extension_is_judged_by_its_content(
    filmable_case: Case, guider_client: Client, tmp_path: Path, process: Process
) -> None:
    make_hostile("wrong_extension", tmp_path / "film.avi")
    response = start_upload(guider_client, filmable_case, 1, 1)  # names do not matter either
    assert response.status_code == 201
    film = process(upload(guider_client, filmable_case, (tmp_path / "film.avi").read_bytes()))
    assert film.status == FilmStatus.READY and film.remuxed


def test_an_unexpected_error_never_escapes_and_keeps_the_upload(
    filmable_case: Case,
    guider_client: Client,
    film_bytes: bytes,
    process: Process,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("/secret/scratch/path exploded")

    monkeypatch.setattr(media, "process", broken)
    film = process(upload(guider_client, filmable_case, film_bytes))

    assert film.status == FilmStatus.FAILED
    assert film.failure_reason == processing.UNEXPECTED_REASON
    assert "/secret" not in guider_client.get(f"/films/{film.pk}/").content.decode()
    assert film.parts.count() > 0
    assert set(VaultObject.objects.values_list("kind", flat=True)) == {ObjectKind.UPLOAD_PART}
    assert not any(Path(settings.SCRATCH_DIR).iterdir())


def test_film_api_reports_status_and_facts(
    filmable_case: Case, guider_client: Client, film_bytes: bytes, process: Process
) -> None:
    film = upload(guider_client, filmable_case, film_bytes)
    queued = guider_client.get(f"/api/films/{film.pk}").json()
    assert queued["status"] == "queued" and queued["stage"] == "waiting"
    assert queued["duration"] is None

    process(film)
    data = guider_client.get(f"/api/films/{film.pk}").json()

    assert set(data) >= {
        "id",
        "status",
        "stage",
        "progress",
        "duration",
        "fps",
        "width",
        "height",
        "failure_reason",
    }
    assert data["id"] == str(film.pk)
    assert data["case"] == filmable_case.reference and data["cycle"] == 1
    assert (data["status"], data["stage"], data["progress"]) == ("ready", "ready", 1.0)
    assert data["duration"] == pytest.approx(2.0, abs=0.1)
    assert data["fps"] == pytest.approx(25)
    assert (data["width"], data["height"]) == (320, 240)
    assert data["failure_reason"] == ""
    assert data["ready_at"] is not None


def test_the_film_page_shows_progress_while_processing(
    filmable_case: Case, guider_client: Client, film_bytes: bytes
) -> None:
    film = upload(guider_client, filmable_case, film_bytes)
    Film.objects.filter(pk=film.pk).update(
        status=FilmStatus.PROCESSING, stage="make_playable", progress=0.42
    )

    page = guider_client.get(f"/films/{film.pk}/").content.decode()
    assert "Making the film playable" in page
    assert "42%" in page
    assert f'hx-get="/films/{film.pk}/status/"' in page
    status = guider_client.get(f"/films/{film.pk}/status/", headers={"HX-Request": "true"})
    assert "42%" in status.content.decode()
    assert "HX-Refresh" not in status


def test_retry_after_a_failure_that_was_not_the_files_fault(
    filmable_case: Case,
    guider_client: Client,
    film_bytes: bytes,
    process: Process,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def poster_fails(self: media.Poster, ctx: media.PipelineContext) -> None:
        raise media.MediaError("Cannot make the poster: decoder hiccup")

    with monkeypatch.context() as patch:
        patch.setattr(media.Poster, "run", poster_fails)
        film = process(upload(guider_client, filmable_case, film_bytes))
    assert film.status == FilmStatus.FAILED
    parts = film.parts.count()
    assert parts > 0

    page = guider_client.get(f"/films/{film.pk}/").content.decode()
    assert "Retry processing" in page
    assert escape(film.failure_reason) in page

    response = guider_client.post(f"/films/{film.pk}/retry/")
    assert response.status_code == 302
    film.refresh_from_db()
    assert film.status == FilmStatus.QUEUED and film.failure_reason == ""
    assert film.parts.count() == parts

    film = process(film)
    assert film.status == FilmStatus.READY
    assert AuditEvent.objects.filter(action="film.retried", object_id=str(film.pk)).count() == 1
    assert storage_mismatches() == ([], [])


def test_a_rejected_film_cannot_be_retried(
    filmable_case: Case, guider_client: Client, tmp_path: Path, process: Process
) -> None:
    make_hostile("text_as_mp4", tmp_path / "notes.mp4")
    film = process(upload(guider_client, filmable_case, (tmp_path / "notes.mp4").read_bytes()))
    assert film.status == FilmStatus.FAILED

    response = guider_client.post(f"/api/films/{film.pk}/retry")

    assert response.status_code == 422
    assert response.json()["error"]["message"] == (
        "The upload is no longer kept: upload the film again."
    )


class QueueDown(ConnectionError):
    """What the task queue's client raises while Redis restarts."""


def _queue_down(job_id: str) -> None:
    raise QueueDown("Error 111 connecting to the task queue. Connection refused.")


@pytest.mark.django_db(transaction=True)
def test_a_task_queue_down_when_the_film_is_ready_loses_none_of_its_files(
    filmable_case: Case, guider_client: Client, film_bytes: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Handing the analysis to the queue runs after the film's rows are committed. The queue
    being down then (Redis restarting) once made the job delete the files it had just saved, so
    the film was ready with nothing behind it and every request for it answered 500."""
    from attune.analysis import services as analysis_services
    from attune.analysis.models import AnalysisStatus, FilmAnalysis

    film = upload(guider_client, filmable_case, film_bytes)
    monkeypatch.setattr(analysis_services, "_enqueue_task", _queue_down)

    processing.film_process(str(film.pk))  # real commits: the hand-over runs after them

    film.refresh_from_db()
    assert film.status == FilmStatus.READY
    assert film.playable is not None
    assert storage_mismatches() == ([], [])
    assert object_read_all(film.playable)[4:8] == b"ftyp"
    response = guider_client.get(f"/films/{film.pk}/media/playable", headers={"Range": "bytes=0-7"})
    assert response.status_code == 206
    # The analysis waits, queued, for the sweep to hand it over again.
    assert FilmAnalysis.objects.get(film=film).status == AnalysisStatus.QUEUED
