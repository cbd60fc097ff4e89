from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "timelive.accounts"
    label = "accounts"

    def ready(self):
        from . import checks, signals  # noqa: F401
