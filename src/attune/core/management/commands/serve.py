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
        worker_command = [python, "-m", "attune.cli", "worker"]
        procs: list[subprocess.Popen[bytes]] = [subprocess.Popen(web)]
        if not options["no_worker"] and settings.TASKS_BACKEND != "immediate":
            procs.append(subprocess.Popen(worker_command))
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
            restarts: list[float] = []
            while not stopping:
                if procs[0].poll() is not None:
                    self.stderr.write("The web server stopped unexpectedly; shutting down.")
                    break
                # A worker that dies (killed, out of memory) is started again: the web server
                # keeps serving, and the new worker recovers the dead one's jobs. A worker that
                # cannot stay up (five deaths in a minute) stops Attune with a message instead.
                for index, proc in enumerate(procs[1:], start=1):
                    if proc.poll() is None:
                        continue
                    now = time.monotonic()
                    restarts = [t for t in restarts if now - t < 60] + [now]
                    if len(restarts) > 5:
                        self.stderr.write("The worker keeps stopping; shutting down.")
                        stopping = True
                        break
                    self.stderr.write(
                        f"The worker stopped (exit {proc.returncode}); starting it again."
                    )
                    procs[index] = subprocess.Popen(worker_command)
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
