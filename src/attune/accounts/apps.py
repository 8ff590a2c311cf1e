from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "attune.accounts"
    label = "accounts"
    verbose_name = "Services and people"

    def ready(self) -> None:
        from attune.accounts import adapters, second_factor  # noqa: F401  (connect receivers)
