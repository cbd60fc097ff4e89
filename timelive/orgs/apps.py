from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "timelive.orgs"
    label = "orgs"
