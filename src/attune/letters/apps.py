from django.apps import AppConfig


class LettersConfig(AppConfig):
    name = "attune.letters"
    label = "letters"
    verbose_name = "Closing letters"
