from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "attune.audit"
    label = "audit"
    verbose_name = "Audit trail"
