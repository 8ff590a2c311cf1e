from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "attune.supervision"
    label = "supervision"
    verbose_name = "Supervision"
