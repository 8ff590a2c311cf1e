from django.apps import AppConfig


class AnalysisConfig(AppConfig):
    name = "attune.analysis"
    label = "analysis"
