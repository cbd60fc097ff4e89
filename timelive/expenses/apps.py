from django.apps import AppConfig


class ExpensesConfig(AppConfig):
    name = "timelive.expenses"
    label = "expenses"

    def ready(self):
        from timelive.orgs.signals import org_created

        from .defaults import on_org_created

        org_created.connect(on_org_created, dispatch_uid="expenses.defaults")
