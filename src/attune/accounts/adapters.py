from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest


class AccountAdapter(DefaultAccountAdapter):
    """No self sign-up: people join a service only through an admin's invitation."""

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False
