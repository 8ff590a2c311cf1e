from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def attune(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    service = getattr(user, "service", None) if user and user.is_authenticated else None
    return {"site_name": settings.ATTUNE_SITE_NAME, "current_service": service}
