from django.apps import AppConfig


class AdministrationConfig(AppConfig):
    name = "attune.administration"
    label = "administration"
    verbose_name = "Running the service"
