from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "timelive.accounts"
    label = "accounts"

    def ready(self):
        from django.db.backends.signals import connection_created

        from timelive.lib.dbfiles import private_sqlite_files

        from . import checks, signals  # noqa: F401

        connection_created.connect(private_sqlite_files, dispatch_uid="timelive.private_sqlite_files")
