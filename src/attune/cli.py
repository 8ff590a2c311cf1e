"""The `attune` command: every Django management command plus Attune's own (serve, demo…)."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "attune.settings")
    from django.core.management import execute_from_command_line

    args = list(sys.argv if argv is None else ["attune", *argv])
    args[0] = "attune"
    execute_from_command_line(args)


if __name__ == "__main__":
    main()
