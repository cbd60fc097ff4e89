from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "timelive.api"
    label = "api"
