"""What a worker does besides jobs: recover work a killed worker left, and periodic upkeep."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

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
