"""The signed-in member of staff behind a request, typed.

Every page is behind ``login_required`` and every API route behind the API's authentication, so by
the time a view asks, ``request.user`` is a ``User``; this says so once, and fails closed if a
route is ever left open by mistake.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from attune.accounts.models import User


def signed_in_user(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User) or not user.is_authenticated or not user.is_active:
        raise PermissionDenied("Sign in first.")
    return user
