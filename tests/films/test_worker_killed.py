"""A real worker killed with SIGKILL mid-processing: the job is picked up again by the next worker,
and afterwards no scratch files and no orphan objects remain.

The worker runs as `attune worker` in its own process, with its own data dir and database (SQLite,
or a fresh PostgreSQL database beside the test one when DATABASE_URL is set).
"""

from __future__ import annotations

import io
import json
import re
import signal
import time
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.utils import timezone
from pytest_django.fixtures import Settings as SettingsWrapper

from attune.audit.models import AuditEvent
from attune.cases.models import Case
from attune.films import processing
from attune.films.models import Film, FilmStatus
from attune.samples.films import make_film
from attune.vault.models import ObjectKind, VaultObject
from attune.vault.services import object_storage_name, object_write, storage_mismatches
from attune.vault.storage import list_names
from tests.films.conftest import Process, upload
from tests.worker_site import BIN, SEED, STALE_SECONDS, Site, site, stop, wait_for

__all__ = ["site"]  # the fixture


@pytest.mark.slow
def test_a_killed_worker_leaves_nothing_behind_and_the_film_is_finished(
    site: Site, tmp_path: Path
) -> None:
    # A film long enough (and rotated, so it must be transcoded) to be caught mid-job.
    source = make_film(tmp_path / "long.mp4", seconds=60, width=320, height=240, rotate=90)
    site.run(str(BIN / "attune"), "migrate", "--verbosity", "0")
    seeded = json.loads(site.run(str(BIN / "python"), "-c", SEED, str(source)))
    film_id = seeded["film"]
    assert seeded["status"] == "queued"
    scratch = site.data / "scratch"
    vault = site.data / "vault"
    log = tmp_path / "worker.log"

    first = site.worker(log)
    try:
        wait_for(
            "the first worker to be making the film playable",
            lambda: site.film(film_id)["stage"] == "make_playable",
            timeout=90,
        )
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
    finally:
        if first.poll() is None:
            first.kill()
    assert first.returncode == -signal.SIGKILL
    killed = site.film(film_id)
    assert (killed["status"], killed["attempts"]) == ("processing", 1)
    left = [p.name for p in scratch.iterdir()]  # left behind, named kind-case-film-attempt
    assert len(left) == 1 and re.fullmatch(rf"film-\d+-{film_id}-1", left[0]), left

    # The next worker starts once the first one's heartbeat has gone stale.
    time.sleep(STALE_SECONDS + 0.5)
    second = site.worker(log)
    try:
        wait_for(
            "the film to be finished by the second worker",
            lambda: site.film(film_id)["status"] in {"ready", "failed"},
            timeout=180,
        )
    finally:
        stop(second)

    film = site.film(film_id)
    assert film["status"] == "ready", (film, log.read_text()[-3000:])
    assert film["attempts"] == 2
    assert list(scratch.iterdir()) == []
    # No orphan objects: every stored file has its row, and every row its file.
    stored = {str(p.relative_to(vault)) for p in vault.rglob("*") if p.is_file()}
    rows = {name for (name,) in site.query("SELECT storage_name FROM vault_vaultobject", ())}
    assert stored == rows
    kinds = sorted(kind for (kind,) in site.query("SELECT kind FROM vault_vaultobject", ()))
    assert kinds == sorted(["original", "playable", "poster", "sprite", "sprite_index", "waveform"])
    actions = [a for (a,) in site.query("SELECT action FROM audit_auditevent", ())]
    assert actions.count("film.requeued") == 1 and actions.count("film.ready") == 1


# --- the same recovery, step by step, in this process ---------------------------------------------


def killed_mid_store(film: Film) -> list[str]:
    """Leave `film` as a worker killed while storing outputs would: processing, a stale
    heartbeat, two outputs written to storage but not committed, and its scratch dir."""
    Film.objects.filter(pk=film.pk).update(status=FilmStatus.PROCESSING, attempts=1)
    written = []
    names = []
    for _ in range(2):
        object_id = uuid.uuid4()
        names.append(object_storage_name(film.case, object_id))
        written.append(
            object_write(
                case=film.case,
                kind=ObjectKind.POSTER,
                src=io.BytesIO(b"half-stored output"),
                object_id=object_id,
            )
        )
    Film.objects.filter(pk=film.pk).update(
        pending_objects=[*names, "never/written.atv"],
        heartbeat_at=timezone.now() - timedelta(seconds=settings.ATTUNE_STALE_JOB_SECONDS + 1),
    )
    (Path(settings.SCRATCH_DIR) / f"film-{film.case_id}-{film.pk}-1" / "out").mkdir(parents=True)
    return names


@pytest.fixture
def killed(
    filmable_case: Case,
    guider_client: Any,
    film_bytes: bytes,
    small_chunks: int,
    settings: SettingsWrapper,
) -> Film:
    settings.ATTUNE_STALE_JOB_SECONDS = STALE_SECONDS
    return upload(guider_client, filmable_case, film_bytes)


def test_recovery_removes_what_the_dead_attempt_wrote_and_requeues(
    killed: Film, process: Process
) -> None:
    names = killed_mid_store(killed)
    assert set(names) <= set(list_names())
    assert processing.pending_names() >= set(names)

    assert processing.films_recover_stale() == 1

    killed.refresh_from_db()
    assert killed.status == FilmStatus.QUEUED and killed.pending_objects == []
    assert not set(names) & set(list_names())
    assert storage_mismatches() == ([], [])
    assert list(Path(settings.SCRATCH_DIR).iterdir()) == []
    assert AuditEvent.objects.filter(action="film.requeued").count() == 1

    killed = process(killed)
    assert killed.status == FilmStatus.READY and killed.attempts == 2
    assert storage_mismatches() == ([], [])


def test_a_film_that_keeps_killing_workers_fails_with_a_retry_button(
    killed: Film, guider_client: Any
) -> None:
    killed_mid_store(killed)
    Film.objects.filter(pk=killed.pk).update(attempts=processing.MAX_ATTEMPTS)

    processing.films_recover_stale()

    killed.refresh_from_db()
    assert killed.status == FilmStatus.FAILED
    assert killed.failure_reason == processing.LOST_REASON.format(n=processing.MAX_ATTEMPTS)
    assert killed.parts.exists()
    assert "Retry processing" in guider_client.get(f"/films/{killed.pk}/").content.decode()
    assert not VaultObject.objects.exclude(kind=ObjectKind.UPLOAD_PART).exists()


def test_a_live_job_is_left_alone(killed: Film) -> None:
    killed_mid_store(killed)
    Film.objects.filter(pk=killed.pk).update(heartbeat_at=timezone.now())

    assert processing.films_recover_stale() == 0
    killed.refresh_from_db()
    assert killed.status == FilmStatus.PROCESSING
    assert (Path(settings.SCRATCH_DIR) / f"film-{killed.case_id}-{killed.pk}-1").exists()
