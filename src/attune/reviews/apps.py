from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "attune.reviews"
    label = "reviews"
    verbose_name = "Shared reviews"
