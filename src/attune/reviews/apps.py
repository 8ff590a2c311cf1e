from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "attune.reviews"
    label = "reviews"
    verbose_name = "Shared reviews"

    def ready(self) -> None:
        from attune.reviews import sar  # noqa: F401 (adds the adult's words to subject access)
