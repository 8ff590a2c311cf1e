"""Run the web server and a task worker together; Ctrl-C stops both."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Serve Attune on http://HOST:PORT with a background worker."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--host", default=os.environ.get("ATTUNE_HOST", "127.0.0.1"))
        parser.add_argument("--web-workers", type=int, default=2)
        parser.add_argument("--no-worker", action="store_true", help="Serve only; no task worker.")

    def handle(self, *args: Any, **options: Any) -> None:
        python = sys.executable
        web = [
            python,
            "-m",
            "gunicorn",
            "attune.wsgi:application",
            "--bind",
            f"{options['host']}:{options['port']}",
            "--workers",
            str(options["web_workers"]),
            "--threads",
            "8",
            "--timeout",
            "300",
            "--access-logfile",
            "-",
            "--log-level",
            "warning",
        ]
        procs: list[subprocess.Popen[bytes]] = [subprocess.Popen(web)]
        if not options["no_worker"] and settings.TASKS_BACKEND != "immediate":
            procs.append(subprocess.Popen([python, "-m", "attune.cli", "worker"]))
        self.stdout.write(
            self.style.SUCCESS(f"Attune is running on http://{options['host']}:{options['port']}/")
            + "  (Ctrl-C stops the web server and the worker)"
        )

        stopping = False

        def stop(signum: int, frame: Any) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        try:
            while not stopping:
                if any(p.poll() is not None for p in procs):
                    self.stderr.write("A process stopped unexpectedly; shutting down.")
                    break
                time.sleep(0.5)
        finally:
            for p in procs:
                if p.poll() is None:
                    p.send_signal(signal.SIGTERM)
            deadline = time.monotonic() + 20
            for p in procs:
                try:
                    p.wait(max(0.1, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    p.kill()
        self.stdout.write("Stopped.")
