"""`attune film import CASE_REF FILE [--cycle N] [--wait] [--json]`: bulk and scripted uploads."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from attune.cases.models import Case, Cycle
from attune.cases.selectors import case_for_user, cycle_for_case
from attune.core.errors import ServiceError
from attune.films.models import Film, FilmStatus


def _bar(done: int, total: int, width: int = 30) -> str:
    filled = int(width * done / total) if total else width
    return f"[{'#' * filled}{'.' * (width - filled)}] {100 * done / max(total, 1):5.1f}%"


class Command(BaseCommand):
    help = "Import a film file into a case's cycle, through the same checks as the web upload."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="Upload FILE into the case CASE_REF.")
        imp.add_argument("case_ref")
        imp.add_argument("file", type=Path)
        imp.add_argument(
            "--cycle", type=int, default=None, help="Cycle number (default: first without a film)."
        )
        imp.add_argument("--wait", action="store_true", help="Wait for processing to finish.")
        imp.add_argument(
            "--json", action="store_true", help="Print the film id and status as JSON."
        )
        imp.add_argument("--timeout", type=float, default=3600)

    def handle(self, *args: Any, **options: Any) -> None:
        from attune.films.services import film_import

        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        case = Case.objects.filter(reference=options["case_ref"]).select_related("guider").first()
        if case is None:
            raise CommandError(f"No case {options['case_ref']}.")
        actor = case.guider
        case, _ = case_for_user(actor, case.reference)
        if options["cycle"] is not None:
            cycle: Cycle | None = cycle_for_case(case, options["cycle"])
        else:
            cycle = (
                next((c for c in case.cycles.all() if not c.films.exists()), None)
                or case.cycles.last()
            )
        if cycle is None:
            raise CommandError("The case has no cycles.")
        quiet = options["json"]
        progress = (
            None if quiet else (lambda done, total: self._progress("Uploading ", done, total))
        )
        try:
            film = film_import(actor=actor, case=case, cycle=cycle, path=path, on_progress=progress)
        except ServiceError as exc:
            raise CommandError(exc.message) from exc
        if not quiet:
            self.stdout.write("")
        if options["wait"]:
            film = self._wait(film, options["timeout"], quiet)
        if quiet:
            self.stdout.write(json.dumps(self._summary(film)))
        else:
            self.stdout.write(f"Film {film.pk}: {film.get_status_display()}")
        if film.status == FilmStatus.FAILED:
            raise CommandError(f"Processing failed: {film.failure_reason}")

    def _progress(self, label: str, done: float, total: float) -> None:
        if sys.stdout.isatty():
            self.stdout.write(f"\r{label}{_bar(int(done), int(total))}", ending="")
            self.stdout.flush()

    def _wait(self, film: Film, timeout: float, quiet: bool) -> Film:
        deadline = time.monotonic() + timeout
        while film.status in {FilmStatus.QUEUED, FilmStatus.PROCESSING}:
            if time.monotonic() > deadline:
                raise CommandError("Timed out waiting for processing. Is a worker running?")
            time.sleep(0.5)
            film.refresh_from_db()
            if not quiet:
                self._progress(f"{film.stage or 'waiting':<12} ", int(film.progress * 1000), 1000)
        if not quiet:
            self.stdout.write("")
        return film

    @staticmethod
    def _summary(film: Film) -> dict[str, Any]:
        return {
            "id": str(film.pk),
            "status": film.status,
            "duration": film.duration,
            "failure_reason": film.failure_reason or None,
        }
