from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "attune.core"
    label = "core"
