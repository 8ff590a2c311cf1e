from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from attune.audit.services import audit_verify


class Command(BaseCommand):
    help = "Audit trail tools. `attune audit verify` checks every hash chain."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify"])

    def handle(self, *args: Any, **options: Any) -> None:
        checked, problems = audit_verify()
        if problems:
            for problem in problems:
                self.stderr.write(f"BROKEN {problem}")
            raise CommandError(
                f"The audit trail has been tampered with: {len(problems)} chain(s) broken "
                f"({checked} events checked). First bad event: {problems[0]}."
            )
        self.stdout.write(self.style.SUCCESS(f"Audit trail intact: {checked} events verified."))
