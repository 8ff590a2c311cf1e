"""The scale option's queue: with ``ATTUNE_TASKS=rq`` an uploaded film goes to Redis and a real
`attune worker` (RQ) processes it to ready. Needs Redis on 127.0.0.1:6379 (database 14)."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest

from attune.samples.films import make_film
from tests.worker_site import BIN, SEED, Site, site

__all__ = ["site"]  # the fixture


def redis_answers() -> bool:
    with socket.socket() as s:
        s.settimeout(1)
        return s.connect_ex(("127.0.0.1", 6379)) == 0


@pytest.mark.slow
@pytest.mark.skipif(not redis_answers(), reason="Redis does not answer on 127.0.0.1:6379")
def test_an_rq_worker_processes_an_uploaded_film(site: Site, tmp_path: Path) -> None:
    site.env.update(ATTUNE_TASKS="rq", REDIS_URL="redis://127.0.0.1:6379/14")
    source = make_film(tmp_path / "film.mp4", seconds=2, width=160, height=96)
    site.run(str(BIN / "attune"), "migrate", "--verbosity", "0")
    seeded = json.loads(site.run(str(BIN / "python"), "-c", SEED, str(source)))
    assert seeded["status"] == "queued"

    site.run(str(BIN / "attune"), "worker", "--batch", timeout=300)

    film = site.film(seeded["film"])
    assert (film["status"], film["reason"]) == ("ready", "")
