"""Django's admin, kept for looking, never for changing.

Every change to Attune's records goes through a service that checks who may act and writes an
audit event; the admin would do neither. So the admin is read-only for every model, it signs in
through Attune's own sign-in (with the second factor) rather than its own password form, and it
is off altogether in production unless ``ATTUNE_ADMIN=1``: off, every admin URL is a 404.
"""

from __future__ import annotations

from typing import Any

from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.contrib import admin
from django.http import Http404, HttpRequest, HttpResponse


def _require_enabled() -> None:
    if not settings.ATTUNE_ADMIN:
        raise Http404("The admin is not enabled here.")


class AttuneAdminSite(admin.AdminSite):
    site_header = "Attune (read only)"
    site_title = "Attune admin"

    def admin_view(self, view: Any, cacheable: bool = False) -> Any:
        inner = super().admin_view(view, cacheable)

        def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            _require_enabled()
            return inner(request, *args, **kwargs)

        return guarded

    def login(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        _require_enabled()
        # Through allauth: the password, then the second factor, then back here.
        return secure_admin_login(super().login)(request, extra_context)


class ReadOnlyModelAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyTabularInline(admin.TabularInline):  # type: ignore[type-arg]
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
