from io import StringIO

from django.core.files.storage import default_storage
from django.core.management import call_command
from django.test import TestCase

from timelive.expenses.models import ExchangeRate, Expense, ExpenseCode, Receipt
from timelive.orgs.models import AuditEvent, AuditLog


class DemoExpensesTestCase(TestCase):
    def run_demo(self):
        out = StringIO()
        with self.captureOnCommitCallbacks(execute=True):
            call_command("demo", stdout=out)
        return out.getvalue()

    def test_it_seeds_settings_and_a_few_expenses_once(self):
        output = self.run_demo()
        self.assertIn("acme: 6 expenses added.", output)
        # The five defaults of a new organisation and the demo's Office supplies.
        self.assertEqual(ExpenseCode.objects.filter(org__slug="globex").count(), 6)
        self.assertFalse(Expense.objects.filter(org__slug="globex").exists())
        acme = Expense.objects.filter(org__slug="acme")
        self.assertEqual(acme.count(), 6)
        self.assertTrue(acme.filter(currency="EUR").exists())
        self.assertTrue(acme.filter(quantity__isnull=False).exists())
        receipt = Receipt.objects.first()
        self.assertTrue(default_storage.exists(receipt.file.name))
        self.assertEqual(AuditLog.objects.filter(event=AuditEvent.EXPENSE_CREATED).count(), 6)
        self.assertTrue(ExchangeRate.objects.filter(org__slug="acme", currency="EUR").exists())
        self.run_demo()
        self.assertEqual(Expense.objects.count(), 6)
