from __future__ import annotations

import threading
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from attune.core.worker import run_rq_worker, start_periodic_thread, worker_startup


class Command(BaseCommand):
    help = "Run the background worker (film processing, analysis, deletions)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch", action="store_true", help="Run what is queued, then exit.")
        parser.add_argument("--interval", type=float, default=1.0, help="Seconds between polls.")

    def handle(
        self, *args: Any, batch: bool = False, interval: float = 1.0, **options: Any
    ) -> None:
        worker_startup()
        if not batch:
            start_periodic_thread(threading.Event())
        if settings.TASKS_BACKEND == "rq":
            run_rq_worker(burst=batch)
            return
        extra = ["--batch"] if batch else []
        call_command(
            "db_worker",
            "--queue-name",
            "*",
            "--interval",
            str(interval),
            "--no-reload",
            "--no-startup-delay",
            *extra,
        )
