from django.apps import AppConfig


class ExpensesConfig(AppConfig):
    name = "timelive.expenses"
    label = "expenses"
