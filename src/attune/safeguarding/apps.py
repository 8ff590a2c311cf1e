from django.apps import AppConfig


class SafeguardingConfig(AppConfig):
    name = "attune.safeguarding"
    label = "safeguarding"
