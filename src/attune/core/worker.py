"""What a worker does before it takes jobs: recover work that a killed worker left behind."""

from __future__ import annotations

import logging
from collections.abc import Callable

logger = logging.getLogger(__name__)

# Apps register recovery hooks here (e.g. films re-queue processing that a killed worker left).
STARTUP_HOOKS: list[Callable[[], None]] = []


def on_worker_startup(func: Callable[[], None]) -> Callable[[], None]:
    STARTUP_HOOKS.append(func)
    return func


def worker_startup() -> None:
    for hook in STARTUP_HOOKS:
        try:
            hook()
        except Exception:  # a broken hook must not stop the worker taking jobs
            logger.exception("Worker start-up hook %s failed", hook.__name__)
