"""Request-scoped context that services need but should not take as parameters (the client IP)."""

from __future__ import annotations

import functools
import ipaddress
from collections.abc import Callable
from contextvars import ContextVar

from django.conf import settings
from django.http import HttpRequest, HttpResponse

_client_ip: ContextVar[str | None] = ContextVar("attune_client_ip", default=None)


def current_ip() -> str | None:
    """The IP address of the request being served, or None outside a request (CLI, worker)."""
    return _client_ip.get()


def _trusted(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in _trusted_networks())


@functools.cache
def _networks(spec: tuple[str, ...]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(item, strict=False) for item in spec)


def _trusted_networks() -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return _networks(tuple(settings.ATTUNE_TRUSTED_PROXIES))


def client_ip(request: HttpRequest) -> str | None:
    """The address of the person making the request: the one the audit trail records and sign-in
    lockouts count. ``X-Forwarded-For`` is believed only when the request comes from one of
    ``ATTUNE_TRUSTED_PROXIES`` (anyone else can write that header), and then only back to the
    first address that is not itself a trusted proxy."""
    remote = request.META.get("REMOTE_ADDR") or None
    if remote is None or not _trusted(remote):
        return remote
    hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
    for hop in reversed(hops):
        if not _trusted(hop):
            try:
                return str(ipaddress.ip_address(hop))
            except ValueError:
                return remote  # a proxy passed on nonsense: count the proxy
    return remote


class RequestContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _client_ip.set(client_ip(request))
        try:
            response = self.get_response(request)
        finally:
            _client_ip.reset(token)
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; "
            "style-src 'self' 'unsafe-inline'; script-src 'self'; frame-ancestors 'none'; "
            "form-action 'self'",
        )
        # Pages for a signed-in person, and the API, hold personal data: no browser or proxy
        # may keep a copy (static files are left cacheable).
        user = getattr(request, "user", None)
        if request.path.startswith("/api/") or (user is not None and user.is_authenticated):
            response.headers.setdefault("Cache-Control", "no-store")
        return response


class ServiceErrorMiddleware:
    """Pages answer a service's refusal (``attune.core.errors.PermissionDenied``) with the 403
    page and its message, as the API answers it with a 403 JSON error: services hold the rule,
    so views need not check it again before calling them."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        from django.core.exceptions import PermissionDenied as Forbidden
        from django.views.defaults import permission_denied

        from attune.core.errors import PermissionDenied

        if isinstance(exception, PermissionDenied):
            return permission_denied(request, Forbidden(exception.message))
        return None
