from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from attune.demo.seed import DEMO_PASSWORD, seed_demo, seed_demo_film


class Command(BaseCommand):
    help = "Create the demo service, people and cases (safe to run again)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--password", help="Give every demo person this password.")
        parser.add_argument("--quiet", action="store_true")
        parser.add_argument("--no-film", action="store_true", help="Do not generate the demo film.")

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION and not options.get("password"):
            raise CommandError(
                "In production the demo's people need a password of your choosing "
                "(--password): the default one is printed in the README."
            )
        # The demo's comments and invitations would mail their notices: nobody is there to read
        # them, so seeding sends none.
        backend = settings.EMAIL_BACKEND
        settings.EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
        try:
            service, people, created = seed_demo(password=options.get("password"))
            film = None if options["no_film"] else seed_demo_film()
            if not options["no_film"]:
                from attune.demo.supervision import seed_supervision_film

                seed_supervision_film()
        finally:
            settings.EMAIL_BACKEND = backend
        if options["quiet"]:
            return
        self.stdout.write(
            f"{'Created' if created else 'Found'} the demo service “{service.name}”. Sign in as:"
        )
        password = options.get("password") or DEMO_PASSWORD
        for spec, _user in people:
            self.stdout.write(f"  {spec.role:<15} {spec.email:<26} password: {password}")
        if film is not None:
            self.stdout.write(
                f"Generated a demo film for {film.case.reference}; the worker processes and "
                "analyses it once Attune is running."
            )
