from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from attune.accounts.models import ApiToken, Invitation, Service, SupervisionLink, User
from attune.core.admin import ReadOnlyModelAdmin


@admin.register(Service)
class ServiceAdmin(ReadOnlyModelAdmin):
    list_display = ["name", "slug", "retention_days", "allow_downloads"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(User)
class UserAdmin(ReadOnlyModelAdmin, BaseUserAdmin):
    ordering = ["email"]
    list_display = [
        "email",
        "full_name",
        "service",
        "is_guider",
        "is_supervisor",
        "is_service_admin",
    ]
    list_filter = ["service", "is_guider", "is_trainee", "is_supervisor", "is_service_admin"]
    search_fields = ["email", "full_name"]
    fieldsets = (
        (None, {"fields": ("email", "password", "full_name", "service")}),
        ("Roles", {"fields": ("is_guider", "is_trainee", "is_supervisor", "is_service_admin")}),
        ("Platform", {"fields": ("is_active", "is_staff", "is_superuser")}),
    )
    add_fieldsets = (
        (None, {"fields": ("email", "full_name", "service", "password1", "password2")}),
    )


@admin.register(SupervisionLink)
class SupervisionLinkAdmin(ReadOnlyModelAdmin):
    list_display = ["supervisor", "supervisee", "started_on", "ended_on"]


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyModelAdmin):
    list_display = ["user", "name", "prefix", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["token_hash"]


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyModelAdmin):
    list_display = ["email", "service", "created_at", "expires_at", "accepted_at"]
    readonly_fields = ["token_hash"]
