"""A worker killed with SIGKILL mid-job never leaves a readable copy of a child's film behind once
the case's media is destroyed; an analysis killed mid-run is recovered like a film (an audited
retry, then a final failure after the attempt limit).

Real `attune worker` processes, their own data dir and database (tests/worker_site.py).
"""

from __future__ import annotations

import json
import signal
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest

from attune.samples.films import make_film
from tests.plaintext import readable_media
from tests.worker_site import BIN, SEED, STALE_SECONDS, Site, site, stop, wait_for

__all__ = ["site"]  # the fixture

pytestmark = pytest.mark.slow

DESTROY = """
import json, sys
import django
django.setup()
from attune.films.models import Film
from attune.vault.services import case_media_destroy
film = Film.objects.select_related("case").get(pk=sys.argv[1])
receipt = case_media_destroy(case=film.case, reason="Consent to filming withdrawn", actor=None)
print(json.dumps({"objects": receipt.object_count, "scratch_dirs": receipt.scratch_dirs}))
"""

LOSE_AT_THE_LIMIT = """
import sys
from datetime import timedelta
import django
django.setup()
from django.utils import timezone
from attune.analysis.models import FilmAnalysis
from attune.analysis.services import ANALYSIS_JOB
FilmAnalysis.objects.filter(film_id=sys.argv[1]).update(
    status="running", attempts=ANALYSIS_JOB.max_attempts,
    heartbeat_at=timezone.now() - timedelta(hours=1))
"""


def seed(site: Site, tmp_path: Path, seconds: float) -> str:
    source = make_film(tmp_path / "long.mp4", seconds=seconds, width=320, height=240, rotate=90)
    site.run(str(BIN / "attune"), "migrate", "--verbosity", "0")
    return str(json.loads(site.run(str(BIN / "python"), "-c", SEED, str(source)))["film"])


def analysis(site: Site, film_id: str) -> dict[str, Any]:
    rows = site.query(
        "SELECT status, attempts, progress, failure_reason FROM analysis_filmanalysis"
        " WHERE film_id = %s",
        (site.uuid_param(film_id),),
    )
    if not rows:
        return {"status": None, "attempts": 0, "progress": 0.0, "reason": ""}
    status, attempts, progress, reason = rows[0]
    return {"status": status, "attempts": attempts, "progress": progress, "reason": reason}


def actions(site: Site) -> list[str]:
    return [a for (a,) in site.query("SELECT action FROM audit_auditevent", ())]


def kill(proc: subprocess.Popen[bytes]) -> None:
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)


def test_a_film_killed_mid_transcode_leaves_nothing_readable_once_media_is_destroyed(
    site: Site, tmp_path: Path
) -> None:
    film_id = seed(site, tmp_path, seconds=60)
    worker = site.worker(tmp_path / "worker.log")
    try:
        wait_for(
            "the worker to be making the film playable",
            lambda: site.film(film_id)["stage"] == "make_playable",
            timeout=90,
        )
        kill(worker)
    finally:
        if worker.poll() is None:
            worker.kill()
    # The decrypted source the transcoder was reading is still in the dead job's scratch dir…
    assert any(f.startswith("scratch/") for f in readable_media(site.data))

    # …until the case's media is destroyed (a withdrawal), which removes it with the rest.
    receipt = json.loads(site.run(str(BIN / "python"), "-c", DESTROY, film_id))

    assert receipt["scratch_dirs"] == 1
    assert readable_media(site.data) == []


def test_an_analysis_killed_mid_run_is_retried_then_failed_at_the_limit_and_writes_no_film(
    site: Site, tmp_path: Path
) -> None:
    film_id = seed(site, tmp_path, seconds=40)
    log = tmp_path / "worker.log"
    first = site.worker(log)
    try:
        wait_for(
            "the analysis to be running",
            lambda: (
                (a := analysis(site, film_id)) is not None
                and a["status"] == "running"
                and float(a["progress"]) > 0
            ),  # type: ignore[arg-type]
            timeout=180,
        )
        kill(first)
    finally:
        if first.poll() is None:
            first.kill()
    assert analysis(site, film_id)["status"] == "running"
    # The analysis reads through the decrypting reader: no film on disk, not even in scratch.
    assert readable_media(site.data) == []

    time.sleep(STALE_SECONDS + 0.5)
    second = site.worker(log)
    try:
        wait_for(
            "the analysis to be finished by the second worker",
            lambda: analysis(site, film_id)["status"] in {"done", "failed"},
            timeout=180,
        )
    finally:
        stop(second)
    done = analysis(site, film_id)
    assert (done["status"], done["attempts"]) == ("done", 2), log.read_text()
    assert actions(site).count("analysis.requeued") == 1

    # A film whose analysis keeps losing its worker fails for good, with a reason, audited.
    site.run(str(BIN / "python"), "-c", LOSE_AT_THE_LIMIT, film_id)
    third = site.worker(log)
    try:
        wait_for(
            "the lost analysis to be failed",
            lambda: analysis(site, film_id)["status"] == "failed",
            timeout=60,
        )
    finally:
        stop(third)
    failed = analysis(site, film_id)
    assert "interrupted 3 times" in str(failed["reason"])
    assert actions(site).count("analysis.failed") == 1
    assert list((site.data / "scratch").iterdir()) == []

    json.loads(site.run(str(BIN / "python"), "-c", DESTROY, film_id))
    assert readable_media(site.data) == []
