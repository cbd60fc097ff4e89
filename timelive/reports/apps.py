from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "timelive.reports"
    label = "reports"
