from django.apps import AppConfig


class RetentionConfig(AppConfig):
    name = "attune.retention"
    label = "retention"
    verbose_name = "Retention and subject access"

    def ready(self) -> None:
        from attune.retention import maintenance, receivers  # noqa: F401 (connects hooks)
