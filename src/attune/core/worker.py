"""What a worker does besides jobs: recover work a killed worker left, and periodic upkeep."""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable
from typing import Any

from django.db import close_old_connections

logger = logging.getLogger(__name__)

Hook = Callable[[], None]
STARTUP_HOOKS: list[Hook] = []
PERIODIC: list[tuple[float, Hook]] = []


def on_worker_startup(func: Hook) -> Hook:
    STARTUP_HOOKS.append(func)
    return func


def periodic(*, seconds: float) -> Callable[[Hook], Hook]:
    def register(func: Hook) -> Hook:
        PERIODIC.append((seconds, func))
        return func

    return register


def _run(hook: Hook) -> None:
    try:
        hook()
    except Exception:  # upkeep must never stop the worker taking jobs
        logger.exception("Worker upkeep %s failed", getattr(hook, "__name__", hook))
    finally:
        close_old_connections()


def worker_startup() -> None:
    for hook in STARTUP_HOOKS:
        _run(hook)


def start_periodic_thread(stop: threading.Event) -> threading.Thread:
    def loop() -> None:
        elapsed = 0.0
        while not stop.wait(5.0):
            elapsed += 5.0
            for seconds, hook in PERIODIC:
                if elapsed % seconds < 5.0:
                    _run(hook)

    thread = threading.Thread(target=loop, name="attune-upkeep", daemon=True)
    thread.start()
    return thread


#: How long a worker waits before trying the task queue again after losing it.
QUEUE_RETRY_SECONDS = 2.0


def _asked_to_stop(worker: Any) -> bool:
    """Whether RQ's worker was told to stop (SIGTERM or SIGINT), busy or idle."""
    return bool(worker._stop_requested or worker._shutdown_requested_date is not None)


def run_rq_worker(*, burst: bool, pause: float = QUEUE_RETRY_SECONDS) -> None:
    """Run RQ's worker until it is asked to stop (SIGTERM) or, in burst mode, the queue is empty.

    RQ's worker quits when Redis goes away while a job runs (a restart, a failover). Attune's jobs
    do not depend on it (a job's row says whether it is done, and a job whose worker vanished is
    recovered by the sweep), so a worker that stopped without being asked starts again, once
    Redis answers, instead of leaving the service with fewer workers than it was given.
    """
    from rq.logutils import setup_loghandlers

    setup_loghandlers("INFO")
    stopping = threading.Event()

    def stop_while_waiting(signum: int, frame: Any) -> None:
        stopping.set()

    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        _run_rq_workers(burst, pause, stopping, stop_while_waiting)
    finally:
        for sig, handler in handlers.items():
            signal.signal(sig, handler)


def _run_rq_workers(
    burst: bool, pause: float, stopping: threading.Event, on_signal: Callable[[int, Any], None]
) -> None:
    from django_rq.utils import reset_db_connections
    from django_rq.workers import get_worker
    from redis.exceptions import ConnectionError as RedisConnectionError

    while not stopping.is_set():
        worker: Any = None
        try:
            # django-tasks-rq's jobs hold a Task, which only its own Job class knows how to run.
            worker = get_worker("default", job_class="django_tasks_rq.Job")
            reset_db_connections()  # no database connection is shared with the forked job
            if stopping.is_set():
                return
            worker.work(burst=burst, logging_level="INFO")
        except RedisConnectionError as exc:
            if burst:
                raise
            if worker is None or not _asked_to_stop(worker):
                logger.warning("The task queue does not answer (%s); trying again", exc)
        else:
            if burst or _asked_to_stop(worker):
                return
            logger.warning("The task queue's worker stopped by itself; starting it again")
        finally:
            # RQ's handlers belong to the worker that just ended: a signal now stops the loop.
            signal.signal(signal.SIGTERM, on_signal)
            signal.signal(signal.SIGINT, on_signal)
        if worker is not None and _asked_to_stop(worker):
            return
        stopping.wait(pause)
