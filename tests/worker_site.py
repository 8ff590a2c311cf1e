"""A second Attune installation for tests that kill real workers: its own data dir and database
(SQLite, or a fresh PostgreSQL database beside the test one when DATABASE_URL is set), and the
environment for its `attune` processes."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse, urlunparse

import pytest

ROOT = Path(__file__).resolve().parents[1]
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
