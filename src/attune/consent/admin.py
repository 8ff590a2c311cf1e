from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from attune.consent.models import (
    ConsentForm,
    ConsentFormVersion,
    ConsentRecord,
    ConsentWithdrawal,
    MediaDeletion,
)
from attune.core.admin import ReadOnlyModelAdmin


class ReadOnlyAdmin(ReadOnlyModelAdmin):
    """Consent is changed only through its services, which check and audit every change."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ConsentForm)
class ConsentFormAdmin(ReadOnlyAdmin):
    list_display = ["name", "service", "created_at"]


@admin.register(ConsentFormVersion)
class ConsentFormVersionAdmin(ReadOnlyAdmin):
    list_display = ["form", "number", "title", "created_by", "created_at"]


@admin.register(ConsentRecord)
class ConsentRecordAdmin(ReadOnlyAdmin):
    list_display = ["case", "adult", "scopes", "method", "signed_on", "witness"]
    exclude = ["typed_name", "child_view"]


@admin.register(ConsentWithdrawal)
class ConsentWithdrawalAdmin(ReadOnlyAdmin):
    list_display = ["record", "scopes", "channel", "asked_on", "recorded_by"]


@admin.register(MediaDeletion)
class MediaDeletionAdmin(ReadOnlyAdmin):
    list_display = ["case", "reason", "status", "due_at", "done_at"]
    list_filter = ["reason", "status"]
