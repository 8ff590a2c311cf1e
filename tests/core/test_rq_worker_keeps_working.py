"""`attune worker` on RQ keeps working through a Redis restart: RQ's own worker quits when Redis
goes away while a job runs, and the service would lose that worker for good."""

from __future__ import annotations

import os
import signal
from typing import Any

import pytest

pytest.importorskip("django_rq")

from redis.exceptions import ConnectionError as RedisConnectionError

from attune.core import worker as core_worker


class FakeWorker:
    """Stands in for RQ's worker: each one does what the script says when asked to work."""

    def __init__(self, outcome: str) -> None:
        self.outcome = outcome
        self._stop_requested = False
        self._shutdown_requested_date: object = None
        self.burst: bool | None = None

    def work(self, *, burst: bool, logging_level: str) -> bool:
        self.burst = burst
        if self.outcome == "redis gone":
            raise RedisConnectionError("Error 111 connecting to 127.0.0.1:6379.")
        if self.outcome == "sigterm while busy":
            self._stop_requested = True
        if self.outcome in ("sigterm while busy", "sigterm while idle"):
            self._shutdown_requested_date = "now"
        return True  # "quit by itself" returns like a normal end, without a stop request


class Workers:
    """The workers made so far, and what each next one will do."""

    def __init__(self) -> None:
        self.made: list[FakeWorker] = []
        self.script: list[str] = []

    def get_worker(self, *queues: str, **kwargs: Any) -> FakeWorker:
        assert queues == ("default",) and kwargs == {"job_class": "django_tasks_rq.Job"}
        outcome = self.script.pop(0)
        if outcome == "redis gone before it starts":
            raise RedisConnectionError("Error 111 connecting to 127.0.0.1:6379.")
        if outcome == "sigterm before it starts":
            os.kill(os.getpid(), signal.SIGTERM)
        self.made.append(FakeWorker(outcome))
        return self.made[-1]


@pytest.fixture
def workers(monkeypatch: pytest.MonkeyPatch) -> Workers:
    workers = Workers()
    monkeypatch.setattr("django_rq.workers.get_worker", workers.get_worker)
    monkeypatch.setattr("django_rq.utils.reset_db_connections", lambda: None)
    return workers


def test_a_worker_that_quit_when_redis_went_away_starts_again(workers: Workers) -> None:
    workers.script += [
        "quit by itself",
        "redis gone",
        "redis gone before it starts",
        "sigterm while busy",
    ]
    handler = signal.getsignal(signal.SIGTERM)

    core_worker.run_rq_worker(burst=False, pause=0)

    assert [w.outcome for w in workers.made] == [
        "quit by itself",
        "redis gone",
        "sigterm while busy",
    ]
    assert signal.getsignal(signal.SIGTERM) is handler  # put back as it was


def test_an_idle_worker_asked_to_stop_stops(workers: Workers) -> None:
    workers.script += ["sigterm while idle"]

    core_worker.run_rq_worker(burst=False, pause=0)

    assert len(workers.made) == 1


def test_a_stop_asked_for_while_waiting_for_redis_is_honoured(workers: Workers) -> None:
    workers.script += ["redis gone", "sigterm before it starts"]

    core_worker.run_rq_worker(burst=False, pause=0)

    assert [w.burst for w in workers.made] == [False, None]  # the second never worked


def test_in_batch_mode_the_worker_runs_once(workers: Workers) -> None:
    workers.script += ["quit by itself"]

    core_worker.run_rq_worker(burst=True, pause=0)

    assert len(workers.made) == 1 and workers.made[0].burst is True
