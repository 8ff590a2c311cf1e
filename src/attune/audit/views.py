from __future__ import annotations

import csv
import json

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as Forbidden
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone

from attune.accounts.models import User
from attune.audit import selectors
from attune.core.forms import AttuneForm


class AuditFilterForm(AttuneForm):
    action = forms.CharField(required=False)
    actor = forms.CharField(required=False, label="Person (email)")
    case = forms.CharField(required=False, label="Case reference")
    since = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))


class _Echo:
    def write(self, value: str) -> str:
        return value


@login_required
def audit_log(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    user: User = request.user  # type: ignore[assignment]
    if not user.is_service_admin:
        raise Forbidden("Only service admins can read the audit trail.")
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    events = selectors.audit_events_for_admin(
        user,
        action=filters.get("action", ""),
        actor=filters.get("actor", ""),
        case_reference=filters.get("case", ""),
        since=filters.get("since"),
        until=filters.get("until"),
    )
    if request.GET.get("format") == "csv":
        writer = csv.writer(_Echo())
        header = [
            "seq",
            "at",
            "actor",
            "action",
            "case",
            "object_type",
            "object_id",
            "ip",
            "details",
            "hash",
        ]

        def rows():  # type: ignore[no-untyped-def]
            yield writer.writerow(header)
            for e in events.iterator():
                yield writer.writerow(
                    [
                        e.seq,
                        e.at.isoformat(),
                        e.actor_label,
                        e.action,
                        e.case.reference if e.case else "",
                        e.object_type,
                        e.object_id,
                        e.ip or "",
                        json.dumps(e.details, sort_keys=True),
                        e.hash,
                    ]
                )

        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        response = StreamingHttpResponse(rows(), content_type="text/csv")
        response["Content-Disposition"] = f'attachment; filename="attune-audit-{stamp}.csv"'
        return response
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/audit_log.html",
        {
            "form": form,
            "page": page,
            "actions": selectors.audit_actions(user),
            "query": query.urlencode(),
        },
    )
