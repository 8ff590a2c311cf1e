from django.apps import AppConfig


class FilmsConfig(AppConfig):
    name = "attune.films"
    label = "films"

    def ready(self) -> None:
        from attune.films import maintenance  # noqa: F401 (registers worker hooks)
