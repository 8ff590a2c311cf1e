from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from attune.vault import crypto
from attune.vault.keys import MasterKeyError, master_key, parse_master_key, rotate_master_key


class Command(BaseCommand):
    help = "Key management. `attune keys rotate --new-key HEX` re-wraps every case key."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        rotate = sub.add_parser("rotate", help="Re-wrap case keys under a new master key.")
        rotate.add_argument("--new-key", help="64 hex characters; a new one is made if omitted.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            new = (
                parse_master_key(options["new_key"]) if options.get("new_key") else crypto.new_key()
            )
        except MasterKeyError as exc:
            raise CommandError(str(exc)) from exc
        key_file = None if settings.ATTUNE_MASTER_KEY else Path(settings.ATTUNE_MASTER_KEY_FILE)
        if key_file is not None:
            # Write the new key beside the old one first, so a crash leaves both recoverable.
            pending = key_file.with_suffix(".new")
            fd = os.open(pending, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w") as fh:
                fh.write(new.hex())
        count = rotate_master_key(new)
        master_key.cache_clear()
        if key_file is not None:
            os.replace(pending, key_file)
            self.stdout.write(f"Re-wrapped {count} case key(s); media untouched. Key file updated.")
        else:
            self.stdout.write(
                f"Re-wrapped {count} case key(s); media untouched.\n"
                f"Set ATTUNE_MASTER_KEY to the new key before restarting:\n{new.hex()}"
            )
