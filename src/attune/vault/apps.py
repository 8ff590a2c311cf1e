from django.apps import AppConfig


class VaultConfig(AppConfig):
    name = "attune.vault"
    label = "vault"
    verbose_name = "Encrypted media vault"

    def ready(self) -> None:
        from attune.vault import checks  # noqa: F401 (registers the master key check)
