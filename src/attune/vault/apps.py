from django.apps import AppConfig


class VaultConfig(AppConfig):
    name = "attune.vault"
    label = "vault"
    verbose_name = "Encrypted media vault"

    def ready(self) -> None:
        from attune.audit.keying import provide_audit_key
        from attune.vault import checks  # noqa: F401 (registers the master key check)
        from attune.vault.keys import audit_signing_key

        provide_audit_key(audit_signing_key)
