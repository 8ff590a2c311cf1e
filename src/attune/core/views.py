from __future__ import annotations

from django import forms
from django.http import HttpRequest, JsonResponse

from attune.core.errors import ServiceError


def form_error(form: forms.BaseForm, exc: ServiceError) -> None:
    """Show a service's refusal beside the field it names (or above the form)."""
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, exc.message)


def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})
