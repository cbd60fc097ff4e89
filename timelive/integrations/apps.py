from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    name = "timelive.integrations"
    label = "integrations"
