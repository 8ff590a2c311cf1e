"""A real worker killed with SIGKILL mid-processing: the job is picked up again by the next worker,
and afterwards no scratch files and no orphan objects remain.

The worker runs as `attune worker` in its own process, with its own data dir and database (SQLite,
or a fresh PostgreSQL database beside the test one when DATABASE_URL is set).
"""

from __future__ import annotations

import io
import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlparse, urlunparse

import pytest
from django.conf import settings
from django.utils import timezone
from pytest_django.fixtures import Settings as SettingsWrapper

from attune.audit.models import AuditEvent
from attune.cases.models import Case
from attune.films import processing
from attune.films.models import Film, FilmStatus
from attune.films.testmedia import make_film
from attune.vault.models import ObjectKind, VaultObject
from attune.vault.services import object_storage_name, object_write, storage_mismatches
from attune.vault.storage import list_names
from tests.films.conftest import Process, upload

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
STALE_SECONDS = 2

SEED = """
import json, sys
import django
django.setup()
from attune.cases import services as cases
from attune.cases.models import CaseState
from attune.films.services import film_import
from tests.factories import ServiceFactory, UserFactory, make_ready_case
from tests.films.conftest import consent_to_filming
from pathlib import Path

guider = UserFactory.create(service=ServiceFactory.create(), is_guider=True)
case = make_ready_case(guider)
case = cases.case_transition(actor=guider, case=case, to_state=CaseState.AGREED)
consent_to_filming(case)
film = film_import(actor=guider, case=case, cycle=case.cycles.get(number=1), path=Path(sys.argv[1]))
print(json.dumps({"film": str(film.pk), "status": film.status}))
"""


@dataclass
class Site:
    """A second Attune installation: data dir, database and environment for its processes."""

    data: Path
    env: dict[str, str]
    query: Callable[[str, tuple[Any, ...]], list[tuple[Any, ...]]]
    uuid_param: Callable[[str], Any]

    def run(self, *args: str, timeout: float = 120) -> str:
        done = subprocess.run(
            args, cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=timeout
        )
        assert done.returncode == 0, done.stderr[-3000:]
        return done.stdout

    def worker(self, log: Path) -> subprocess.Popen[bytes]:
        with open(log, "ab") as out:
            return subprocess.Popen(
                [str(BIN / "attune"), "worker", "--interval", "0.2"],
                cwd=ROOT,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )

    def film(self, film_id: str) -> dict[str, Any]:
        rows = self.query(
            "SELECT status, stage, attempts, failure_reason FROM films_film WHERE id = %s",
            (self.uuid_param(film_id),),
        )
        status, stage, attempts, reason = rows[0]
        return {"status": status, "stage": stage, "attempts": attempts, "reason": reason}


def _sqlite_site(data: Path, env: dict[str, str]) -> Iterator[Site]:
    def query(sql: str, params: tuple[Any, ...]) -> list[tuple[Any, ...]]:
        with sqlite3.connect(data / "attune.sqlite3", timeout=20) as db:
            return db.execute(sql.replace("%s", "?"), params).fetchall()

    yield Site(data, env, query, lambda value: uuid.UUID(value).hex)


def _postgres_site(data: Path, env: dict[str, str], url: str) -> Iterator[Site]:
    import psycopg

    name = f"attune_worker_{uuid.uuid4().hex[:10]}"
    parts = urlparse(url)
    admin = urlunparse(parts._replace(path="/postgres"))
    site_url = urlunparse(parts._replace(path=f"/{name}"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    env["DATABASE_URL"] = site_url

    def query(sql: str, params: tuple[Any, ...]) -> list[tuple[Any, ...]]:
        with psycopg.connect(site_url, autocommit=True) as conn:
            return conn.execute(sql, params).fetchall()  # type: ignore[arg-type]

    try:
        yield Site(data, env, query, uuid.UUID)
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    data = tmp_path / "site"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ATTUNE_", "DATABASE_URL"))}
    env.update(
        ATTUNE_DATA_DIR=str(data),
        ATTUNE_STALE_JOB_SECONDS=str(STALE_SECONDS),
        ATTUNE_TASKS="database",
        ATTUNE_MASTER_KEY=os.urandom(32).hex(),
        DJANGO_SETTINGS_MODULE="attune.settings",
        PYTHONPATH=str(ROOT),
    )
    url = os.environ.get("DATABASE_URL")
    maker = _postgres_site(data, env, url) if url else _sqlite_site(data, env)
    yield from maker


def wait_for(what: str, check: Callable[[], bool], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


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
