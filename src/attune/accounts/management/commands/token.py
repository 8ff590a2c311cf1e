from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from attune.accounts.models import ApiToken, TokenScope, User
from attune.accounts.services import api_token_create, api_token_revoke
from attune.core.errors import ServiceError


class Command(BaseCommand):
    help = "API tokens. `attune token create EMAIL [--name N] [--scope read|write] [--days D]` prints a new token once."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Create a token and print it.")
        create.add_argument("email")
        create.add_argument("--name", default="Command line")
        create.add_argument(
            "--scope", choices=[s.value for s in TokenScope], default=TokenScope.READ.value
        )
        create.add_argument("--days", type=int, default=None, help="default 90")
        revoke = sub.add_parser("revoke", help="Revoke a token by its prefix.")
        revoke.add_argument("email")
        revoke.add_argument("prefix")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(email__iexact=options["email"], is_active=True).first()
        if user is None:
            raise CommandError(f"No active user with email {options['email']}.")
        if options["action"] == "create":
            try:
                _, secret = api_token_create(
                    actor=user,
                    user=user,
                    name=options["name"],
                    scope=options["scope"],
                    days=options["days"],
                )
            except ServiceError as exc:
                raise CommandError(exc.message) from exc
            self.stdout.write(secret)
            return
        token = ApiToken.objects.filter(user=user, prefix=options["prefix"]).first()
        if token is None:
            raise CommandError("No such token.")
        api_token_revoke(actor=user, token=token)
        self.stdout.write(f"Revoked {token}.")
