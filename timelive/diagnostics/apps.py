from django.apps import AppConfig


class DiagnosticsConfig(AppConfig):
    name = "timelive.diagnostics"
    label = "diagnostics"
    verbose_name = "Diagnostics"
