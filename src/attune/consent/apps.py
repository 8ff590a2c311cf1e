from django.apps import AppConfig


class ConsentConfig(AppConfig):
    name = "attune.consent"
    label = "consent"

    def ready(self) -> None:
        from attune.consent import maintenance  # noqa: F401 (registers worker hooks)
