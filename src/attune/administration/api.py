"""The service's report figures as JSON, for the admin's own service."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest
from ninja import Router

from attune.accounts.models import User
from attune.administration.reports import Period, service_report
from attune.core.errors import PermissionDenied, ServiceError

router = Router(tags=["reports"])


@router.get("/reports/summary", response=dict[str, Any])
def report_summary(
    request: HttpRequest, start: date | None = None, end: date | None = None
) -> dict[str, Any]:
    """The figures of the reports page: counts of cases under 5 read "fewer than 5"."""
    user: User = request.user  # type: ignore[assignment]
    if not user.is_service_admin or user.service is None:
        raise PermissionDenied("Reports are for service admins.")
    period = Period.default()
    period = Period(start=start or period.start, end=end or period.end)
    if period.start > period.end:
        raise ServiceError("The end comes after the start.", field="end")
    return service_report(user.service, period)
