"""`attune film import CASE_REF FILE [--cycle N] [--wait] [--json]`: the same checks, encryption
and audit as a browser upload; with --wait it exits non-zero with the reason when processing
fails."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pytest_django.fixtures import Settings as SettingsWrapper

from attune import cli
from attune.audit.models import AuditEvent
from attune.cases.models import Case
from attune.films.models import Film, FilmStatus
from attune.vault.storage import list_names
from tests.hostile_media import make_hostile

pytestmark = pytest.mark.usefixtures("transactional_db", "immediate_tasks")


def run(*args: str) -> None:
    cli.main(["film", "import", *args])


def test_import_waits_and_prints_json(
    filmable_case: Case, film_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(filmable_case.reference, str(film_file), "--cycle", "2", "--wait", "--json")

    result = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    film = Film.objects.get()
    assert result["id"] == str(film.pk)
    assert result["status"] == "ready"
    assert result["failure_reason"] is None
    assert result["duration"] == pytest.approx(2.0, abs=0.1)
    assert film.cycle.number == 2
    assert film.uploaded_by == filmable_case.guider
    assert film.original_filename == "family-tea-time.mp4"
    # The same audit trail as a browser upload.
    actions = set(
        AuditEvent.objects.filter(object_id=str(film.pk)).values_list("action", flat=True)
    )
    assert {"film.upload_started", "film.uploaded", "film.ready"} <= actions
    assert all(name.endswith(".atv") for name in list_names())


def test_a_bad_file_exits_non_zero_with_the_reason(
    filmable_case: Case, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    notes = tmp_path / "notes.mp4"
    make_hostile("text_as_mp4", notes)

    with pytest.raises(SystemExit) as exited:
        run(filmable_case.reference, str(notes), "--wait", "--json")

    assert exited.value.code != 0
    captured = capsys.readouterr()
    result = json.loads(captured.out.strip().splitlines()[-1])
    assert result["status"] == "failed"
    reason = "This file is not a video we can read: it looks like plain text."
    assert result["failure_reason"] == reason
    assert f"Processing failed: {reason}" in captured.err
    assert Film.objects.get().status == FilmStatus.FAILED


@pytest.mark.parametrize(
    ("make", "message"),
    [
        ("empty", "The file is empty"),
        ("missing", "No such file"),
        ("no-case", "No case VIG-NOPE99."),
    ],
)
def test_refusals_exit_non_zero(
    make: str,
    message: str,
    filmable_case: Case,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = tmp_path / "film.mp4"
    if make == "empty":
        path.write_bytes(b"")
    elif make == "no-case":
        path.write_bytes(b"x")
    reference = "VIG-NOPE99" if make == "no-case" else filmable_case.reference

    with pytest.raises(SystemExit) as exited:
        run(reference, str(path), "--wait")

    assert exited.value.code != 0
    assert message in capsys.readouterr().err
    assert not Film.objects.exists()


def test_a_case_that_may_not_film_is_refused(
    case: Case, film_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit):
        run(case.reference, str(film_file))
    assert "Films can be added once the work is agreed" in capsys.readouterr().err


def test_without_wait_the_film_is_left_queued(
    filmable_case: Case,
    film_file: Path,
    capsys: pytest.CaptureFixture[str],
    settings: SettingsWrapper,
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

    run(filmable_case.reference, str(film_file), "--json")

    result = json.loads(capsys.readouterr().out.strip())
    assert result["status"] == "queued"
