"""`attune serve`: a worker killed under it is started again, and the web server keeps serving."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def workers_of(pid: int) -> list[int]:
    found = subprocess.run(
        ["pgrep", "-P", str(pid), "-f", "attune.cli worker"], capture_output=True, text=True
    )
    return [int(line) for line in found.stdout.split()]


def answers(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def wait_for(check: object, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():  # type: ignore[operator]
            return
        time.sleep(0.2)
    raise AssertionError("timed out")


@pytest.mark.slow
def test_a_killed_worker_is_started_again_and_the_web_keeps_serving(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ATTUNE_", "DATABASE_URL"))}
    env.update(ATTUNE_DATA_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="attune.settings")
    subprocess.run(
        [str(BIN / "attune"), "migrate", "--verbosity", "0"], env=env, cwd=ROOT, check=True
    )
    port = free_port()
    serve = subprocess.Popen(
        [str(BIN / "attune"), "serve", "--port", str(port), "--web-workers", "1"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(lambda: answers(port) and workers_of(serve.pid), timeout=60)
        (first,) = workers_of(serve.pid)

        os.kill(first, signal.SIGKILL)

        wait_for(lambda: workers_of(serve.pid) not in ([], [first]), timeout=30)
        assert serve.poll() is None
        assert answers(port)
    finally:
        serve.send_signal(signal.SIGTERM)
        serve.wait(timeout=30)
