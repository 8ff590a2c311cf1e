from django.apps import AppConfig


class MomentsConfig(AppConfig):
    name = "attune.moments"
    label = "moments"
    verbose_name = "Micro-analysis"

    def ready(self) -> None:
        from attune.moments import maintenance, receivers  # noqa: F401 (worker upkeep, hooks)
