from django.apps import AppConfig


class MomentsConfig(AppConfig):
    name = "attune.moments"
    label = "moments"
