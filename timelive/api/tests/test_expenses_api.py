import datetime as dt
import json
from decimal import Decimal
from urllib.parse import urlencode

from django.core.files.uploadedfile import SimpleUploadedFile

from timelive.api.test import ApiTestCase
from timelive.expenses.models import Expense, ExpenseStatus, Receipt
from timelive.expenses.receipts import MAX_RECEIPT_BYTES
from timelive.expenses.tests.helpers import (
    make_code,
    make_expense,
    make_method,
    make_mileage,
    make_rate,
    make_tax,
    pdf_bytes,
    png_bytes,
)
from timelive.orgs.models import AuditEvent, AuditLog, Role
from timelive.tracking.models import Project

URL = "/api/v1/orgs/alpha/expenses"


class ExpensesApiTestCase(ApiTestCase):
    def setUp(self):
        self.carol, _ = self.add_member("carol@example.org", "Carol Manager", Role.MANAGER)
        self.dave, _ = self.add_member("dave@example.org", "Dave Member")
        self.website = Project.objects.create(org=self.org, name="Website", project_manager=self.carol)
        self.meals = make_code(self.org, billable=False)
        self.secrets = {person: self.make_token(person)[1] for person in (self.alice, self.bob, self.carol, self.dave,
                                                                         self.charlie)}

    def call(self, method, person, path, body=None, params=None):
        if params:
            path = f"{path}?{urlencode(params)}"
        return self.client.generic(method, path, "" if body is None else json.dumps(body),
                                   content_type="application/json",
                                   headers={"Authorization": f"Bearer {self.secrets[person]}"})

    def body(self, **extra):
        return {"date": "2026-03-10", "project": self.website.uid, "expense_code": self.meals.uid, "amount": "40.00",
                **extra}

    def test_it_creates_and_reads_an_expense(self):
        make_rate(self.org, "EUR", "1.25", dt.date(2026, 1, 1))
        vat = make_tax(self.org)
        card = make_method(self.org, reimbursable=False)
        r = self.call("POST", self.bob, URL, self.body(currency="EUR", tax_code=vat.uid, payment_method=card.uid,
                                                       description="Taxi"))
        self.assertEqual(r.status_code, 201, r.content)
        body = r.json()
        self.assertEqual((body["user"], body["amount"], body["tax_amount"], body["total"], body["base_total"]),
                         (self.bob.code, "40.00", "8.00", "48.00", "60.00"))
        # Left out, billable and reimbursable follow the code and the payment method.
        self.assertEqual((body["billable"], body["reimbursable"], body["status"], body["receipts"]),
                         (False, False, "open", []))
        self.assertEqual(self.call("GET", self.bob, f"{URL}/{body['id']}").json(), body)
        self.assertEqual(AuditLog.objects.get(target_type="expense").event, AuditEvent.EXPENSE_CREATED)

    def test_it_prices_a_quantity(self):
        mileage = make_mileage(self.org)
        r = self.call("POST", self.bob, URL, self.body(expense_code=mileage.uid, amount=None, quantity="100"))
        self.assertEqual(r.status_code, 201, r.content)
        self.assertEqual((r.json()["amount"], r.json()["unit_rate"]), ("45.00", "0.4500"))

    def test_it_explains_bad_input_and_saves_nothing(self):
        cases = [
            (self.body(currency="EUR"), "currency", "no exchange rate from EUR to USD"),
            (self.body(amount=None), "amount", "Enter the amount."),
            (self.body(quantity="3"), "amount", "not both"),
            (self.body(project="nosuchproject"), "project", "Select a valid choice"),
            (self.body(currency="XXX"), "currency", "Select a valid choice"),
        ]
        for body, field, message in cases:
            with self.subTest(field=field, message=message):
                r = self.call("POST", self.bob, URL, body)
                error = self.assertError(r, 422, "invalid")
                self.assertIn(["body", field], [e["loc"] for e in error["errors"]])
                self.assertIn(message, error["detail"])
        self.assertFalse(Expense.objects.exists())

    def test_it_lists_what_each_may_see_with_a_fixed_number_of_queries(self):
        other = Project.objects.create(org=self.org, name="Other")
        for _ in range(3):
            make_expense(self.org, self.bob, self.website, self.meals)
        make_expense(self.org, self.bob, other, self.meals)
        make_expense(self.org, self.dave, other, self.meals)
        counts = {person: self.call("GET", person, URL).json()["count"]
                  for person in (self.alice, self.bob, self.carol, self.dave)}
        self.assertEqual(counts, {self.alice: 5, self.bob: 4, self.carol: 3, self.dave: 1})
        self.assertEqual(self.call("GET", self.alice, URL, params={"user": self.dave.code}).json()["count"], 1)
        # Token, membership, count, page, receipts.
        with self.assertNumQueries(5):
            r = self.call("GET", self.alice, URL, params={"limit": 2, "from": "2026-03-01", "status": "open"})
        self.assertEqual((r.json()["count"], len(r.json()["items"])), (5, 2))

    def test_outsiders_get_404_and_externals_403(self):
        expense = make_expense(self.org, self.bob, self.website, self.meals)
        for path in (URL, f"{URL}/{expense.uid}", f"{URL}/{expense.uid}/receipts"):
            self.assertError(self.call("GET", self.charlie, path), 404, "not_found")
        self.assertError(self.call("POST", self.charlie, URL, self.body()), 404, "not_found")
        self.assertError(self.call("GET", self.dave, f"{URL}/{expense.uid}"), 404, "not_found")
        erin, _ = self.add_member("erin@client.example", "Erin", Role.EXTERNAL)
        _, secret = self.make_token(erin)
        self.secrets[erin] = secret
        self.assertError(self.call("GET", erin, URL), 403, "permission_denied")

    def test_it_changes_with_optimistic_concurrency(self):
        expense = make_expense(self.org, self.bob, self.website, self.meals)
        path = f"{URL}/{expense.uid}"
        r = self.call("PATCH", self.bob, path, {"amount": "12.50", "version": 1})
        self.assertEqual(r.status_code, 200, r.content)
        self.assertEqual((r.json()["amount"], r.json()["version"]), ("12.50", 2))
        self.assertError(self.call("PATCH", self.bob, path, {"amount": "13", "version": 1}), 409, "conflict")
        expense.refresh_from_db()
        self.assertEqual(expense.amount, Decimal("12.50"))
        log = AuditLog.objects.get(target_type="expense")
        self.assertEqual(log.details["changes"]["amount"], ["10.00", "12.50"])

    def test_a_quantity_replaces_the_amount(self):
        mileage = make_mileage(self.org)
        expense = make_expense(self.org, self.bob, self.website, self.meals)
        r = self.call("PATCH", self.bob, f"{URL}/{expense.uid}", {"expense_code": mileage.uid, "quantity": "10"})
        self.assertEqual(r.status_code, 200, r.content)
        self.assertEqual((r.json()["amount"], r.json()["quantity"]), ("4.50", "10.00"))
        r = self.call("PATCH", self.bob, f"{URL}/{expense.uid}", {"expense_code": self.meals.uid, "amount": "7"})
        self.assertEqual((r.json()["amount"], r.json()["quantity"]), ("7.00", None))

    def test_others_and_locked_expenses_cannot_be_changed(self):
        expense = make_expense(self.org, self.bob, self.website, self.meals)
        path = f"{URL}/{expense.uid}"
        for person in (self.alice, self.carol):
            self.assertEqual(self.call("GET", person, path).status_code, 200)
            self.assertError(self.call("PATCH", person, path, {"amount": "99"}), 403, "permission_denied")
            self.assertError(self.call("DELETE", person, path), 403, "permission_denied")
        Expense.objects.filter(pk=expense.pk).update(status=ExpenseStatus.SUBMITTED)
        self.assertError(self.call("PATCH", self.bob, path, {"amount": "99"}), 409, "locked")
        self.assertError(self.call("DELETE", self.bob, path), 409, "locked")
        expense.refresh_from_db()
        self.assertEqual(expense.amount, Decimal("10.00"))

    def test_it_deletes(self):
        expense = make_expense(self.org, self.bob, self.website, self.meals)
        self.assertError(self.call("DELETE", self.bob, f"{URL}/{expense.uid}?version=7"), 409, "conflict")
        self.assertEqual(self.call("DELETE", self.bob, f"{URL}/{expense.uid}?version=1").status_code, 204)
        self.assertFalse(Expense.objects.exists())

    # Receipts

    def upload(self, person, expense, name, content):
        return self.client.post(f"{URL}/{expense.uid}/receipts", {"file": SimpleUploadedFile(name, content)},
                                headers={"Authorization": f"Bearer {self.secrets[person]}"})

    def test_it_uploads_lists_downloads_and_removes_receipts(self):
        expense = make_expense(self.org, self.bob, self.website, self.meals)
        r = self.upload(self.bob, expense, "taxi.pdf", pdf_bytes())
        self.assertEqual(r.status_code, 201, r.content)
        receipt = r.json()
        self.assertEqual((receipt["name"], receipt["content_type"]), ("taxi.pdf", "application/pdf"))
        log = AuditLog.objects.get(target_type="expense")
        self.assertEqual((log.event, log.details["changes"]), (AuditEvent.EXPENSE_RECEIPT_ADDED,
                                                               {"receipts": [[], ["taxi.pdf"]]}))
        listed = self.call("GET", self.bob, f"{URL}/{expense.uid}/receipts").json()
        self.assertEqual(listed, {"items": [receipt], "count": 1})
        self.assertEqual(self.call("GET", self.bob, f"{URL}/{expense.uid}").json()["receipts"], [receipt])
        for person in (self.bob, self.alice, self.carol):
            r = self.call("GET", person, f"{URL}/{expense.uid}/receipts/{receipt['id']}")
            self.assertEqual(r.status_code, 200)
            self.assertEqual(b"".join(r.streaming_content), pdf_bytes())
            self.assertEqual(r["Content-Type"], "application/pdf")
        for person in (self.dave, self.charlie):
            r = self.call("GET", person, f"{URL}/{expense.uid}/receipts/{receipt['id']}")
            self.assertError(r, 404, "not_found")
        self.assertError(self.call("DELETE", self.alice, f"{URL}/{expense.uid}/receipts/{receipt['id']}"), 403,
                         "permission_denied")
        r = self.call("DELETE", self.bob, f"{URL}/{expense.uid}/receipts/{receipt['id']}")
        self.assertEqual(r.status_code, 204)
        self.assertFalse(Receipt.objects.exists())

    def test_a_receipt_belongs_to_its_expense(self):
        one = make_expense(self.org, self.bob, self.website, self.meals)
        two = make_expense(self.org, self.bob, self.website, self.meals)
        receipt = self.upload(self.bob, one, "r.png", png_bytes()).json()
        self.assertError(self.call("GET", self.bob, f"{URL}/{two.uid}/receipts/{receipt['id']}"), 404, "not_found")

    def test_it_refuses_bad_receipts(self):
        expense = make_expense(self.org, self.bob, self.website, self.meals)
        error = self.assertError(self.upload(self.bob, expense, "receipt.png", b"not a picture"), 422, "invalid")
        self.assertIn("is not a picture (JPEG, PNG, GIF or WebP) or a PDF", error["detail"])
        big = png_bytes() + b"\0" * MAX_RECEIPT_BYTES
        self.assertError(self.upload(self.bob, expense, "big.png", big), 413, "too_large")
        r = self.client.post(f"{URL}/{expense.uid}/receipts", {},
                             headers={"Authorization": f"Bearer {self.secrets[self.bob]}"})
        self.assertError(r, 422, "invalid")
        self.assertError(self.upload(self.alice, expense, "r.png", png_bytes()), 403, "permission_denied")
        self.assertError(self.upload(self.charlie, expense, "r.png", png_bytes()), 404, "not_found")
        Expense.objects.filter(pk=expense.pk).update(status=ExpenseStatus.APPROVED)
        self.assertError(self.upload(self.bob, expense, "r.png", png_bytes()), 409, "locked")
        self.assertFalse(Receipt.objects.exists())

    def test_it_lists_what_to_pick_from(self):
        make_mileage(self.org)
        make_tax(self.org)
        make_method(self.org)
        codes = self.call("GET", self.bob, "/api/v1/orgs/alpha/expense-codes").json()
        self.assertEqual([c["name"] for c in codes["items"]], ["Meals", "Mileage"])
        self.assertEqual(codes["items"][1]["unit"], "km")
        taxes = self.call("GET", self.bob, "/api/v1/orgs/alpha/tax-codes").json()
        self.assertEqual(taxes["items"][0]["percentage"], "20.00")
        methods = self.call("GET", self.bob, "/api/v1/orgs/alpha/payment-methods").json()
        self.assertFalse(methods["items"][0]["reimbursable"])
        self.assertError(self.call("GET", self.charlie, "/api/v1/orgs/alpha/expense-codes"), 404, "not_found")
