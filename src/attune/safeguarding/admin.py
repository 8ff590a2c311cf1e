from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from attune.core.admin import ReadOnlyModelAdmin
from attune.safeguarding.models import Concern


@admin.register(Concern)
class ConcernAdmin(ReadOnlyModelAdmin):
    """That a concern exists, never its words: they are read on the case, by those on it. And
    nothing here can change or remove one (append-only)."""

    list_display = ["case", "recorded_by", "recorded_at"]
    fields = ("case", "recorded_by", "recorded_at")
    readonly_fields = ("case", "recorded_by", "recorded_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
