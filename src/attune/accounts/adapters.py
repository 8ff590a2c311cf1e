"""How allauth behaves for Attune's staff accounts."""

from __future__ import annotations

import time
from datetime import UTC, datetime

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest

from attune.accounts.models import User
from attune.core.middleware import client_ip

# Set at every sign-in (allauth's login page, an accepted invitation, a test client's login).
SIGNED_IN_AT_SESSION_KEY = "attune_signed_in_at"


@receiver(user_logged_in, dispatch_uid="attune-signed-in-at")
def _remember_when_signed_in(sender: object, request: HttpRequest | None, **kwargs: object) -> None:
    if request is not None and hasattr(request, "session"):
        request.session[SIGNED_IN_AT_SESSION_KEY] = time.time()


class AccountAdapter(DefaultAccountAdapter):
    """No self sign-up: people join a service only through an admin's invitation."""

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False

    def get_client_ip(self, request: HttpRequest) -> str:
        """The same address the audit trail and the lockout use (trusted proxies only)."""
        return client_ip(request) or "0.0.0.0"  # noqa: S104 (not a bind address)

    def is_reauthentication_required(self, *, app: str, **kwargs: object) -> bool:
        """allauth asks for the password again before any change to the second factors. When
        the first one is set up straight after signing in (Attune sends staff there when
        `ATTUNE_REQUIRE_MFA` is on), the sign-in itself is that fresh proof: asking for the
        password a second time within seconds would only teach people to type it anywhere.
        So for a few minutes after signing in, an account whose authenticators were all made
        since then (TOTP, then the recovery codes shown once) is not asked again. Changing or
        removing an authenticator that existed before this sign-in still asks."""
        if app == "allauth.mfa" and self._enrolling_since_a_fresh_sign_in():
            return False
        return super().is_reauthentication_required(app=app, **kwargs)

    def _enrolling_since_a_fresh_sign_in(self) -> bool:
        request = self.request
        if request is None or not request.user.is_authenticated:
            return False
        signed_in_at = request.session.get(SIGNED_IN_AT_SESSION_KEY)
        if not isinstance(signed_in_at, int | float):
            return False
        fresh = time.time() - signed_in_at < settings.ACCOUNT_REAUTHENTICATION_TIMEOUT
        user: User = request.user  # type: ignore[assignment]
        if not fresh:
            return False
        before = datetime.fromtimestamp(signed_in_at, tz=UTC)
        return not Authenticator.objects.filter(user=user, created_at__lt=before).exists()
