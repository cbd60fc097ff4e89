from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    name = "timelive.integrations"
    label = "integrations"

    def ready(self):
        from . import receivers  # noqa: F401 - connects the webhooks to other apps' signals
