import importlib

from django.apps import apps
from django.test import TestCase

from timelive.expenses.models import ExpenseCode, PaymentMethod, TaxCode
from timelive.orgs.actions import do_create_organization
from timelive.test import BaseTestCase, make_user

CODES = ["Lodging", "Meals", "Mileage", "Other", "Travel"]
METHODS = ["Card", "Cash", "Company card"]


def titles(model, org):
    return list(model.objects.filter(org=org).order_by("title").values_list("title", flat=True))


class NewOrganizationDefaultsTestCase(TestCase):
    def test_it_gives_a_new_organisation_expense_codes_a_tax_code_and_payment_methods(self):
        owner = make_user("dora@example.com", "Dora Newcomer")
        org = do_create_organization("Dora Consulting", owner)
        self.assertEqual(titles(ExpenseCode, org), CODES)
        self.assertEqual(titles(TaxCode, org), ["No tax"])
        self.assertEqual(TaxCode.objects.get(org=org).percentage, 0)
        self.assertEqual(titles(PaymentMethod, org), METHODS)
        self.assertFalse(PaymentMethod.objects.get(org=org, title="Company card").reimbursable)
        self.assertTrue(PaymentMethod.objects.get(org=org, title="Cash").reimbursable)

    def test_the_expense_form_offers_the_defaults_at_once(self):
        owner = make_user("dora@example.com", "Dora Newcomer")
        org = do_create_organization("Dora Consulting", owner)
        self.client.force_login(owner, backend="timelive.accounts.backends.EmailBackend")
        r = self.client.get(f"/o/{org.slug}/expenses/new/")
        self.assertNotContains(r, "There are no expense codes yet")
        self.assertContains(r, "Mileage")


class DataMigrationTestCase(BaseTestCase):
    """The migration's function adds the defaults to organisations that have none, and leaves the rest."""

    def test_it_fills_organisations_without_settings_only(self):
        ExpenseCode.objects.create(org=self.other_org, title="Fuel")
        migration = importlib.import_module("timelive.expenses.migrations.0002_default_settings")
        migration.add_defaults(apps, None)
        self.assertEqual(titles(ExpenseCode, self.org), CODES)
        self.assertEqual(titles(TaxCode, self.org), ["No tax"])
        self.assertEqual(titles(PaymentMethod, self.org), METHODS)
        # Bravo kept its own codes, but gets what it lacked.
        self.assertEqual(titles(ExpenseCode, self.other_org), ["Fuel"])
        self.assertEqual(titles(TaxCode, self.other_org), ["No tax"])
        migration.add_defaults(apps, None)
        self.assertEqual(ExpenseCode.objects.filter(org=self.org).count(), 5)
