import datetime as dt
from decimal import Decimal

from django.urls import reverse

from timelive.expenses.models import ExchangeRate, ExpenseCode, PaymentMethod, TaxCode
from timelive.orgs.models import AuditEvent, AuditLog, Role
from timelive.test import BaseTestCase
from timelive.tracking.models import Project

from .helpers import make_code, make_expense, make_rate


def url(name, kind, *args):
    return reverse(f"expenses:{name}", args=["alpha", kind, *args])


class ExpenseSettingsTestCase(BaseTestCase):
    def test_it_lists_and_adds_expense_codes_with_an_audit_row(self):
        self.login(self.alice)
        r = self.client.get(url("setting_list", "codes"))
        self.assertContains(r, "No expense codes yet.")
        r = self.client.post(url("setting_list", "codes"),
                             {"title": "Mileage", "billable": "", "unit": "km", "rate_per_unit": "0.45"})
        self.assertRedirects(r, url("setting_list", "codes"))
        code = ExpenseCode.objects.get(org=self.org)
        self.assertEqual((code.title, code.billable, code.unit, code.rate_per_unit, code.is_active),
                         ("Mileage", False, "km", Decimal("0.45"), True))
        log = AuditLog.objects.get(target_type="expensecode")
        self.assertEqual((log.event, log.target_id, log.details["expense_code"]),
                         (AuditEvent.ORG_SETTINGS_CHANGED, code.uid, "created"))
        self.assertEqual(log.details["changes"]["rate_per_unit"], [None, "0.4500"])
        self.assertContains(self.client.get(url("setting_list", "codes")), "0.45 per km")

    def test_it_explains_bad_codes(self):
        make_code(self.org, "Meals")
        self.login(self.alice)
        cases = [
            ({"title": "meals"}, "There is already one with this name."),
            ({"title": "Hotel", "unit": "night"}, "Give the rate per unit too"),
            ({"title": "Hotel", "rate_per_unit": "80"}, "Name the unit"),
            ({"title": "Hotel", "unit": "night", "rate_per_unit": "-1"}, "greater than or equal to 0.0001"),
        ]
        for data, message in cases:
            with self.subTest(data):
                r = self.client.post(url("setting_list", "codes"), data)
                self.assertContains(r, message, status_code=400)
        self.assertEqual(ExpenseCode.objects.count(), 1)

    def test_it_edits_a_code_recording_old_and_new(self):
        code = make_code(self.org, "Meals")
        self.login(self.alice)
        r = self.client.post(url("setting_edit", "codes", code.uid), {"title": "Meals and drinks", "billable": "on"})
        self.assertRedirects(r, url("setting_list", "codes"))
        log = AuditLog.objects.get(target_type="expensecode")
        self.assertEqual(log.details["changes"], {"title": ["Meals", "Meals and drinks"]})

    def test_it_deactivates_and_reactivates(self):
        code = make_code(self.org, "Meals")
        self.login(self.alice)
        self.client.post(url("setting_active", "codes", code.uid), {"active": "0"})
        code.refresh_from_db()
        self.assertFalse(code.is_active)
        self.client.post(url("setting_active", "codes", code.uid), {"active": "1"})
        code.refresh_from_db()
        self.assertTrue(code.is_active)
        changes = [log.details["changes"] for log in AuditLog.objects.filter(target_type="expensecode").order_by("id")]
        self.assertEqual(changes, [{"is_active": [True, False]}, {"is_active": [False, True]}])
        self.assertEqual(self.client.get(url("setting_active", "codes", code.uid)).status_code, 405)

    def test_it_adds_tax_codes_and_payment_methods(self):
        self.login(self.alice)
        self.client.post(url("setting_list", "taxes"), {"title": "VAT", "percentage": "20"})
        self.client.post(url("setting_list", "payment-methods"), {"title": "Cash", "reimbursable": "on"})
        self.assertEqual(TaxCode.objects.get().percentage, Decimal("20"))
        self.assertTrue(PaymentMethod.objects.get().reimbursable)
        r = self.client.post(url("setting_list", "taxes"), {"title": "Odd", "percentage": "120"})
        self.assertContains(r, "less than or equal to 100", status_code=400)

    def test_it_keeps_exchange_rates_one_a_day(self):
        self.login(self.alice)
        data = {"currency": "EUR", "rate": "1.1", "effective_date": "2026-01-01"}
        self.assertEqual(self.client.post(url("setting_list", "exchange-rates"), data).status_code, 302)
        r = self.client.post(url("setting_list", "exchange-rates"), {**data, "rate": "1.2"})
        self.assertContains(r, "There is already a EUR rate from this day", status_code=400)
        r = self.client.post(url("setting_list", "exchange-rates"), {**data, "currency": "USD"})
        self.assertContains(r, "Select a valid choice", status_code=400)  # the organisation's own currency
        r = self.client.post(url("setting_list", "exchange-rates"), {**data, "rate": "0"})
        self.assertEqual(r.status_code, 400)
        self.assertEqual(ExchangeRate.objects.count(), 1)

    def test_deleting_a_rate_leaves_priced_expenses_alone(self):
        rate = make_rate(self.org, "EUR", "1.10", dt.date(2026, 1, 1))
        expense = make_expense(self.org, self.bob, Project.objects.create(org=self.org, name="W"), currency="EUR")
        self.login(self.alice)
        self.assertContains(self.client.get(url("setting_delete", "exchange-rates", rate.uid)), "keep the rate")
        self.client.post(url("setting_delete", "exchange-rates", rate.uid))
        self.assertFalse(ExchangeRate.objects.exists())
        expense.refresh_from_db()
        self.assertEqual(expense.base_total, Decimal("11.00"))
        log = AuditLog.objects.get(target_type="exchangerate")
        self.assertEqual(log.details["changes"]["rate"], ["1.10000000", None])
        # Codes are deactivated, not deleted; rates are deleted, not deactivated.
        code = make_code(self.org, "Hotel")
        self.assertEqual(self.client.post(url("setting_delete", "codes", code.uid)).status_code, 404)
        self.assertEqual(self.client.post(url("setting_active", "exchange-rates", rate.uid)).status_code, 404)

    def test_it_is_for_administrators_only(self):
        code = make_code(self.org)
        manager, _ = self.add_member("carol@example.org", "Carol", Role.MANAGER)
        for person in (self.bob, manager):
            self.login(person)
            self.assertEqual(self.client.get(url("setting_list", "codes")).status_code, 403)
            self.assertEqual(self.client.post(url("setting_list", "codes"), {"title": "X"}).status_code, 403)
            self.assertEqual(self.client.post(url("setting_active", "codes", code.uid)).status_code, 403)
        self.login(self.charlie)
        self.assertEqual(self.client.get(url("setting_list", "codes")).status_code, 404)
        self.assertEqual(self.client.get(url("setting_edit", "codes", code.uid)).status_code, 404)
        # Charlie's own organisation does not reach alpha's rows either.
        r = self.client.get(reverse("expenses:setting_edit", args=["bravo", "codes", code.uid]))
        self.assertEqual(r.status_code, 404)
        self.assertEqual(ExpenseCode.objects.count(), 1)
        self.assertTrue(ExpenseCode.objects.get().is_active)

    def test_an_unknown_kind_is_404(self):
        self.login(self.alice)
        self.assertEqual(self.client.get(url("setting_list", "nonsense")).status_code, 404)

    def test_the_list_has_a_fixed_number_of_queries(self):
        for index in range(5):
            make_code(self.org, f"Code {index}")
        self.login(self.alice)
        self.client.get(url("setting_list", "codes"))
        # Session, user, membership, rows; the layout's memberships, timer and policy notice.
        with self.assertNumQueries(7):
            self.client.get(url("setting_list", "codes"))
