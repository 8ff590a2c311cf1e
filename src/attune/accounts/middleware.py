"""When ATTUNE_REQUIRE_MFA is on, or the user's service requires it, staff without a second
factor can only set one up."""

from __future__ import annotations

from collections.abc import Callable

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect

_ALLOWED_PREFIXES = ("/accounts/", "/static/", "/invitations/", "/healthz")


class RequireMFAMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            # Only a browser session is authenticated here; API tokens are checked later, by the
            # API, and scripts have no second factor to offer.
            and user.is_authenticated
            and not request.path.startswith(_ALLOWED_PREFIXES)
            and (settings.ATTUNE_REQUIRE_MFA or getattr(user.service, "require_mfa", False))
            and not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
        ):
            if request.path.startswith("/api/"):
                # A signed-in browser without a second factor must not reach cases via the API.
                return JsonResponse(
                    {
                        "error": {
                            "code": "mfa_required",
                            "message": "Set up two-factor sign-in first, or use an API token.",
                            "fields": [],
                        }
                    },
                    status=403,
                )
            return redirect("mfa_activate_totp")
        return self.get_response(request)
