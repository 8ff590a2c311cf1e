from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "attune.audit"
    label = "audit"
    verbose_name = "Audit trail"

    def ready(self) -> None:
        from attune.audit import maintenance  # noqa: F401 (the worker's periodic checkpoint)
