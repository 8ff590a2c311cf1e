"""``attune analyse FILM [--json]``: run the moment finder on a film file."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from attune.analysis.engine import cli


class Command(BaseCommand):
    help = "Find speech, turn-taking and candidate moments in a film file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("film", help="path to a film file")
        parser.add_argument("--json", action="store_true", help="print the full result as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        # The progress bar goes to the terminal (stderr) only when there is one.
        code = cli.run(options["film"], as_json=options["json"], out=self.stdout, err=sys.stderr)
        if code:
            raise CommandError(f"No such file: {options['film']}")
