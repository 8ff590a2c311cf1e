from django.apps import AppConfig


class ConsentConfig(AppConfig):
    name = "attune.consent"
    label = "consent"
