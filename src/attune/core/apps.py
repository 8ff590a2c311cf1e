from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "attune.core"
    label = "core"

    def ready(self) -> None:
        from attune.core import jobs  # noqa: F401 (registers the scratch sweep with the worker)
