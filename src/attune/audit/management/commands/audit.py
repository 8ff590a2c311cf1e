from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from attune.audit.checkpoint import (
    CheckpointError,
    checkpoint_path,
    checkpoint_problems,
    checkpoint_read,
    checkpoint_write,
)
from attune.audit.services import audit_verify


class Command(BaseCommand):
    help = (
        "Audit trail tools. `attune audit verify` checks every keyed hash chain and that nothing "
        "was lost since the last checkpoint; `attune audit checkpoint` writes a signed checkpoint "
        "of every chain head and prints it for you to keep."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify", "checkpoint"])
        parser.add_argument(
            "--checkpoint",
            type=Path,
            help="verify: check against this checkpoint file (default: the data dir's).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "checkpoint":
            self._checkpoint()
        else:
            self._verify(options.get("checkpoint"))

    def _checkpoint(self) -> None:
        try:
            checkpoint = checkpoint_write()
        except CheckpointError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(json.dumps(checkpoint, indent=1, sort_keys=True))
        self.stderr.write(f"Checkpoint written to {checkpoint_path()}; keep a copy elsewhere.")

    def _verify(self, path: Path | None) -> None:
        checked, problems = audit_verify()
        try:
            checkpoint = checkpoint_read(path)
        except CheckpointError as exc:
            raise CommandError(str(exc)) from exc
        if path is not None and checkpoint is None:
            raise CommandError(f"No checkpoint at {path}.")
        if checkpoint is not None:
            problems.extend(checkpoint_problems(checkpoint))
        if problems:
            for problem in problems:
                self.stderr.write(f"BROKEN {problem}")
            raise CommandError(
                f"The audit trail has been tampered with: {len(problems)} problem(s) found "
                f"({checked} events checked). First bad event: {problems[0]}."
            )
        against = (
            f", nothing lost since the checkpoint of {checkpoint['written_at']}"
            if checkpoint is not None
            else " (no checkpoint yet: run `attune audit checkpoint`)"
        )
        self.stdout.write(
            self.style.SUCCESS(f"Audit trail intact: {checked} events verified{against}.")
        )
