"""Errors that services raise and every interface (web, API, CLI) turns into a clear message."""

from __future__ import annotations


class ServiceError(Exception):
    """A request that cannot be carried out; the message is shown to the user as it stands."""

    code = "invalid"

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class TransitionRefused(ServiceError):
    code = "transition_refused"


class PermissionDenied(ServiceError):
    code = "forbidden"
