from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "attune.accounts"
    label = "accounts"
    verbose_name = "Services and people"
