from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from attune.core.errors import ServiceError
from attune.retention import sar


class Command(BaseCommand):
    help = "Subject access: export all that is held about one adult or child as a zip."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        export = sub.add_parser("export", help="Write one person's export.")
        export.add_argument(
            "--person",
            required=True,
            help="adult:<adult id> for an adult, child:<case reference> for a child.",
        )
        export.add_argument(
            "--out", type=Path, default=None, help="The zip to write (default: in this folder)."
        )
        export.add_argument(
            "--include-media",
            action="store_true",
            help="Decrypt the films, clips, stills and signatures into the export too.",
        )

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        try:
            person = sar.person_from_id(options["person"])
        except ServiceError as exc:
            raise CommandError(exc.message) from exc
        out: Path = options["out"] or Path(sar.export_filename(person))
        if out.exists():
            raise CommandError(f"{out} already exists; choose another --out.")
        fd_path = out.with_name(out.name + ".part")
        try:
            with open(fd_path, "xb") as fh:
                fd_path.chmod(0o600)
                summary = sar.sar_export(
                    actor=None, person=person, dest=fh, include_media=options["include_media"]
                )
            fd_path.rename(out)
        finally:
            fd_path.unlink(missing_ok=True)
        media = f", {summary['media_files']} media file(s)" if options["include_media"] else ""
        self.stdout.write(f"Wrote {out} for {person.person_id}{media}.")
