from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from attune.audit.models import AuditEvent
from attune.core.admin import ReadOnlyModelAdmin


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyModelAdmin):
    """Read-only: the audit trail is append-only everywhere."""

    list_display = ["chain", "seq", "at", "actor_label", "action", "case", "ip"]
    list_filter = ["action", "service"]
    search_fields = ["actor_label", "action", "case__reference"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
