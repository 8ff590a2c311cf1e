from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "attune.cases"
    label = "cases"
