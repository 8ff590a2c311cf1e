from django.apps import AppConfig


class VaultConfig(AppConfig):
    name = "attune.vault"
    label = "vault"
    verbose_name = "Encrypted media vault"
