from django.apps import AppConfig


class TrackingConfig(AppConfig):
    name = "timelive.tracking"
    label = "tracking"

    def ready(self):
        from django.db.models import Exists, OuterRef

        from timelive.orgs.checklist import Step, register

        from .models import Client, Project, Rate

        def client_and_project():
            org = OuterRef("pk")
            return Exists(Client.objects.filter(org=org)) & Exists(Project.objects.filter(org=org))

        register(Step("project", 10, "Add a client and a project", "Then people can log time on it.",
                      "tracking:client_new", client_and_project))
        register(Step("rates", 40, "Set your rates", "Billing and cost rates value every hour logged.",
                      "tracking:rates", lambda: Exists(Rate.objects.filter(org=OuterRef("pk")))))
