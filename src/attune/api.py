"""The one NinjaAPI instance: authentication and the single JSON error shape.

Every error answers `{"error": {"code": ..., "message": ..., "fields": [{"field", "message"}]}}`.
"""

from __future__ import annotations

import importlib
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI, Swagger
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer, SessionAuth

from attune.accounts.services import api_token_authenticate
from attune.core.errors import PermissionDenied, ServiceError, TransitionRefused

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class BearerToken(HttpBearer):
    """A live API token acts as its owner; a read-only one may not write (403)."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = api_token_authenticate(token)
        if found is None:
            return None
        if request.method not in SAFE_METHODS and not found.can_write:
            raise PermissionDenied("This API token can only read.")
        request.user = found.user
        return found.user


class BrowserSession(SessionAuth):
    """A signed-in browser, CSRF-checked on writes. Nobody signed in is simply not authenticated
    (401), rather than refused for a missing CSRF token (403) before anyone asked who they are."""

    def __call__(self, request: HttpRequest) -> Any:
        if not request.user.is_authenticated:
            return None
        return super().__call__(request)


#: Every refusal the API gives, in the one error shape; declared on every operation so that the
#: schema says what clients really get (checked by tests/api/test_api_schema_conformance.py).
ERROR_STATUSES = {
    400: "The request could not be read (not JSON, or a malformed body).",
    401: "No valid API token or signed-in session (a revoked or expired token is none).",
    403: "Not allowed: a read-only token or person writing, or a step for someone else.",
    404: "No such thing within your reach.",
    409: "Allowed, but not in the case's present state.",
    410: "The media has been destroyed or locked after consent was withdrawn.",
    422: "A field is missing or wrong; each is named in `fields`.",
}
ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message", "fields"],
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string"},
                "fields": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["field", "message"],
                        "properties": {
                            "field": {"type": "string"},
                            "message": {"type": "string"},
                        },
                    },
                },
            },
        }
    },
}


class AttuneAPI(NinjaAPI):
    def get_openapi_schema(self, **kwargs: Any) -> Any:
        schema = super().get_openapi_schema(**kwargs)
        schema.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
        ref = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
        for operations in schema["paths"].values():
            for operation in operations.values():
                responses = operation.setdefault("responses", {})
                for status, description in ERROR_STATUSES.items():
                    responses.setdefault(status, {"description": description, "content": ref})
        return schema


api = AttuneAPI(
    title="Attune API",
    version="1",
    description="Cases, helping questions and the work of Video Interaction Guidance.",
    auth=[BearerToken(), BrowserSession()],
    urls_namespace="api",
    # No deep links: Swagger UI puts each as a link inside the operation's button (a control
    # nested in a control, too small to touch).
    docs=Swagger(settings={"deepLinking": False}),
)


def error_response(
    request: HttpRequest,
    status: int,
    code: str,
    message: str,
    fields: list[dict[str, str]] | None = None,
) -> HttpResponse:
    return api.create_response(
        request,
        {"error": {"code": code, "message": message, "fields": fields or []}},
        status=status,
    )


@api.exception_handler(NinjaValidationError)
def _validation(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    fields = []
    for err in exc.errors:
        loc = [str(part) for part in err.get("loc", []) if part not in ("body", "payload", "query")]
        fields.append({"field": ".".join(loc) or "body", "message": err.get("msg", "Invalid.")})
    names = ", ".join(f["field"] for f in fields)
    return error_response(request, 422, "validation_error", f"Check these fields: {names}.", fields)


@api.exception_handler(ServiceError)
def _service_error(request: HttpRequest, exc: ServiceError) -> HttpResponse:
    status = (
        403
        if isinstance(exc, PermissionDenied)
        else 409
        if isinstance(exc, TransitionRefused)
        else 422
    )
    fields = [{"field": exc.field, "message": exc.message}] if exc.field else []
    return error_response(request, status, exc.code, exc.message, fields)


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return error_response(request, 404, "not_found", "Not found.")


@api.exception_handler(AuthenticationError)
def _unauthorised(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return error_response(request, 401, "unauthorised", "Sign in or send a valid API token.")


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return error_response(request, exc.status_code, "error", str(exc))


# Each app with an API keeps its router in `<app>/api.py`.
API_APPS = [
    "cases",
    "films",
    "consent",
    "safeguarding",
    "analysis",
    "moments",
    "reviews",
    "letters",
]
API_APPS += ["supervision", "administration"]


def register_routers() -> None:
    for app in API_APPS:
        try:
            module = importlib.import_module(f"attune.{app}.api")
        except ModuleNotFoundError as exc:
            if exc.name != f"attune.{app}.api":
                raise
            continue
        api.add_router("/", module.router)


register_routers()
