from django.apps import AppConfig


class AnalysisConfig(AppConfig):
    name = "attune.analysis"
    label = "analysis"

    def ready(self) -> None:
        from attune.analysis import maintenance, receivers  # noqa: F401 (worker upkeep, hooks)
