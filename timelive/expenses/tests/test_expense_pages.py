import datetime as dt
from decimal import Decimal

from django.core.files.storage import default_storage
from django.urls import reverse

from timelive.expenses.models import Expense, ExpenseStatus, Receipt
from timelive.orgs.models import AuditEvent, AuditLog, Role
from timelive.test import BaseTestCase
from timelive.tracking.models import Project

from .helpers import DAY, make_code, make_expense, make_mileage, make_rate, make_tax, png_upload


class ExpensePagesTestCase(BaseTestCase):
    def setUp(self):
        self.carol, _ = self.add_member("carol@example.org", "Carol Manager", Role.MANAGER)
        self.dave, _ = self.add_member("dave@example.org", "Dave Member")
        self.erin, _ = self.add_member("erin@client.example", "Erin External", Role.EXTERNAL)
        self.website = Project.objects.create(org=self.org, name="Website", project_manager=self.carol)
        self.internal = Project.objects.create(org=self.org, name="Internal")
        self.meals = make_code(self.org)
        self.url = reverse("expenses:list", args=["alpha"])
        self.new_url = reverse("expenses:new", args=["alpha"])

    def form(self, **extra):
        data = {"date": "2026-03-10", "project": self.website.uid, "expense_code": self.meals.uid, "amount": "10.00",
                "currency": "USD", "description": "Lunch with the client", "billable": "on", "reimbursable": "on"}
        data.update(extra)
        return {k: v for k, v in data.items() if v is not None}

    def detail_url(self, expense, name="detail"):
        return reverse(f"expenses:{name}", args=["alpha", expense.uid])

    # The list

    def test_it_lists_my_expenses_of_the_period_with_totals(self):
        make_rate(self.org, "EUR", "1.10", dt.date(2026, 1, 1))
        make_expense(self.org, self.bob, self.website, amount="10.00")
        make_expense(self.org, self.bob, self.website, amount="20.00", currency="EUR", description="Taxi in Paris")
        make_expense(self.org, self.bob, self.website, amount="99.00", day=DAY + dt.timedelta(days=40))
        make_expense(self.org, self.alice, self.website, amount="55.00", description="Alice's hotel")
        self.login(self.bob)
        r = self.client.get(self.url, {"start": "2026-03-01", "end": "2026-03-31"})
        self.assertEqual(r.status_code, 200)
        self.assertContains(r, "Taxi in Paris")
        self.assertNotContains(r, "Alice&#x27;s hotel")
        self.assertNotContains(r, "99.00")
        self.assertEqual(r.context["by_currency"], [("EUR", Decimal("20.00")), ("USD", Decimal("10.00"))])
        self.assertEqual(r.context["in_base"], [("USD", Decimal("32.00"))])
        self.assertEqual(r.context["count"], 2)

    def test_it_defaults_to_this_month_and_says_what_to_do_when_empty(self):
        self.login(self.bob)
        r = self.client.get(self.url)
        self.assertEqual(r.status_code, 200)
        self.assertContains(r, "No expenses from")
        self.assertContains(r, self.new_url)
        self.assertEqual(r.context["start"].day, 1)

    def test_it_shows_a_period_error(self):
        self.login(self.bob)
        r = self.client.get(self.url, {"start": "2026-03-10", "end": "2026-03-01"})
        self.assertEqual(r.status_code, 400)
        self.assertContains(r, "The period ends before it starts.", status_code=400)

    def test_it_paginates_with_a_fixed_number_of_queries(self):
        for index in range(3):
            make_expense(self.org, self.bob, self.website, amount=f"{index + 1}.00")
        self.login(self.bob)
        params = {"start": "2026-03-01", "end": "2026-03-31"}
        self.client.get(self.url, params)
        # Session, user, membership, totals, page; the layout's memberships, timer and policy notice.
        with self.assertNumQueries(8):
            r = self.client.get(self.url, params)
        for _ in range(60):
            make_expense(self.org, self.bob, self.website, amount="1.00")
        with self.assertNumQueries(8):
            r = self.client.get(self.url, {**params, "page": 2})
        self.assertEqual(len(r.context["page"].object_list), 13)

    def test_administrators_see_everyones_expenses(self):
        make_expense(self.org, self.bob, self.internal, description="Bob's train")
        self.login(self.alice)
        r = self.client.get(self.url, {"start": "2026-03-01", "who": "all"})
        self.assertContains(r, "Bob&#x27;s train")
        r = self.client.get(self.url, {"start": "2026-03-01", "who": self.bob.code})
        self.assertContains(r, "Bob&#x27;s train")
        r = self.client.get(self.url, {"start": "2026-03-01"})
        self.assertNotContains(r, "Bob&#x27;s train")

    def test_managers_see_their_projects_expenses_only(self):
        make_expense(self.org, self.bob, self.website, description="Website taxi")
        make_expense(self.org, self.bob, self.internal, description="Internal lunch")
        self.login(self.carol)
        r = self.client.get(self.url, {"start": "2026-03-01", "who": "all"})
        self.assertContains(r, "Website taxi")
        self.assertNotContains(r, "Internal lunch")
        r = self.client.get(self.url, {"start": "2026-03-01", "who": self.bob.code})
        self.assertContains(r, "Website taxi")
        self.assertNotContains(r, "Internal lunch")

    def test_members_see_only_their_own_whatever_they_ask(self):
        make_expense(self.org, self.bob, self.website, description="Bob's taxi")
        self.login(self.dave)
        for who in ("all", self.bob.code):
            r = self.client.get(self.url, {"start": "2026-03-01", "who": who})
            self.assertEqual(r.status_code, 200)
            self.assertNotContains(r, "Bob&#x27;s taxi")

    def test_outsiders_get_404_and_externals_403(self):
        self.login(self.charlie)
        self.assertEqual(self.client.get(self.url).status_code, 404)
        self.assertEqual(self.client.get(self.new_url).status_code, 404)
        self.login(self.erin)
        self.assertEqual(self.client.get(self.url).status_code, 403)
        self.assertEqual(self.client.post(self.new_url, self.form()).status_code, 403)
        self.assertFalse(Expense.objects.exists())

    # Adding

    def test_it_adds_an_expense_with_receipts_and_audits_it(self):
        self.login(self.bob)
        vat = make_tax(self.org)
        r = self.client.post(self.new_url, {**self.form(tax_code=vat.uid), "receipts": [png_upload("lunch.png")]})
        expense = Expense.objects.get()
        self.assertRedirects(r, self.detail_url(expense))
        self.assertEqual((expense.user, expense.project, expense.amount, expense.tax_amount, expense.total),
                         (self.bob, self.website, Decimal("10.00"), Decimal("2.00"), Decimal("12.00")))
        self.assertEqual(expense.status, ExpenseStatus.OPEN)
        receipt = expense.receipts.get()
        self.assertEqual((receipt.name, receipt.content_type), ("lunch.png", "image/png"))
        self.assertTrue(default_storage.exists(receipt.file.name))
        log = AuditLog.objects.get(target_type="expense")
        self.assertEqual((log.actor, log.target_id, log.event), (self.bob, expense.uid, AuditEvent.EXPENSE_CREATED))
        self.assertEqual(log.details["changes"]["total"], [None, "12.00"])
        self.assertEqual(log.details["changes"]["receipts"], [None, ["lunch.png"]])
        # Empty fields are not listed as created.
        self.assertNotIn("quantity", log.details["changes"])

    def test_it_prices_a_quantity(self):
        mileage = make_mileage(self.org)
        self.login(self.bob)
        self.client.post(self.new_url, self.form(expense_code=mileage.uid, amount=None, quantity="100"))
        self.assertEqual(Expense.objects.get().amount, Decimal("45.00"))

    def test_it_keeps_the_input_and_explains_bad_input(self):
        self.login(self.bob)
        r = self.client.post(self.new_url, self.form(amount="", description="Kept text"))
        self.assertEqual(r.status_code, 400)
        self.assertContains(r, "Enter the amount.", status_code=400)
        self.assertContains(r, "Kept text", status_code=400)
        r = self.client.post(self.new_url, self.form(quantity="3", amount="5"))
        self.assertContains(r, "Enter either a quantity or an amount, not both.", status_code=400)
        r = self.client.post(self.new_url, self.form(date="not a date"))
        self.assertEqual(r.status_code, 400)
        self.assertFalse(Expense.objects.exists())

    def test_it_refuses_a_currency_without_an_exchange_rate_and_saves_nothing(self):
        self.login(self.bob)
        r = self.client.post(self.new_url, {**self.form(currency="EUR"), "receipts": [png_upload()]})
        self.assertContains(r, "There is no exchange rate from EUR to USD on or before 10 Mar 2026", status_code=400)
        self.assertContains(r, "choose the receipts again", status_code=400)
        self.assertFalse(Expense.objects.exists())
        self.assertFalse(Receipt.objects.exists())

    def test_it_refuses_a_project_the_person_cannot_see(self):
        secret = Project.objects.create(org=self.org, name="Secret", is_public=False)
        self.login(self.bob)
        r = self.client.post(self.new_url, self.form(project=secret.uid))
        self.assertEqual(r.status_code, 400)
        self.assertFalse(Expense.objects.exists())

    def test_it_refuses_an_inactive_code(self):
        self.meals.is_active = False
        self.meals.save()
        self.login(self.bob)
        r = self.client.post(self.new_url, self.form())
        self.assertEqual(r.status_code, 400)
        self.assertFalse(Expense.objects.exists())

    def test_the_form_offers_the_codes_with_their_defaults(self):
        make_mileage(self.org)
        self.login(self.bob)
        r = self.client.get(self.new_url)
        self.assertContains(r, f'<option value="{self.meals.uid}" data-billable="1" data-unit="">Meals</option>',
                            html=True)
        self.assertContains(r, 'data-billable="0" data-unit="km"')
        self.assertContains(r, 'name="receipts"')
        self.assertContains(r, "expenses/form.js")

    def test_it_says_when_there_are_no_codes(self):
        self.meals.delete()
        self.login(self.bob)
        r = self.client.get(self.new_url)
        self.assertContains(r, "There are no expense codes yet")

    # Changing

    def test_it_saves_a_change_with_old_and_new_values(self):
        expense = make_expense(self.org, self.bob, self.website, amount="10.00")
        self.login(self.bob)
        r = self.client.post(self.detail_url(expense, "edit"), {**self.form(amount="12.50"), "version": "1"})
        self.assertRedirects(r, self.detail_url(expense))
        expense.refresh_from_db()
        self.assertEqual((expense.amount, expense.version), (Decimal("12.50"), 2))
        log = AuditLog.objects.get(target_type="expense")
        self.assertEqual(log.event, AuditEvent.EXPENSE_CHANGED)
        self.assertEqual(log.details["changes"]["amount"], ["10.00", "12.50"])
        self.assertEqual(log.details["changes"]["description"], ["", "Lunch with the client"])
        self.assertNotIn("date", log.details["changes"])
        r = self.client.get(self.detail_url(expense))
        self.assertContains(r, "Bob Example</strong> expense changed")
        self.assertContains(r, "amount 10.00 → 12.50")

    def test_it_refuses_a_stale_change(self):
        expense = make_expense(self.org, self.bob, self.website, amount="10.00")
        Expense.objects.filter(pk=expense.pk).update(version=2)
        self.login(self.bob)
        r = self.client.post(self.detail_url(expense, "edit"), {**self.form(amount="12.50"), "version": "1"})
        self.assertContains(r, "Someone changed this expense meanwhile", status_code=400)
        expense.refresh_from_db()
        self.assertEqual(expense.amount, Decimal("10.00"))

    def test_submitted_and_approved_expenses_are_read_only(self):
        for status in (ExpenseStatus.SUBMITTED, ExpenseStatus.APPROVED):
            expense = make_expense(self.org, self.bob, self.website, amount="10.00", status=status)
            self.login(self.bob)
            r = self.client.get(self.detail_url(expense))
            self.assertNotContains(r, self.detail_url(expense, "edit"))
            r = self.client.post(self.detail_url(expense, "edit"), {**self.form(amount="99"), "version": "1"})
            self.assertRedirects(r, self.detail_url(expense))
            r = self.client.post(self.detail_url(expense, "delete"), follow=True)
            self.assertContains(r, "cannot be changed or deleted any more")
            expense.refresh_from_db()
            self.assertEqual(expense.amount, Decimal("10.00"))
        self.assertFalse(AuditLog.objects.filter(target_type="expense").exists())

    def test_a_rejected_expense_can_be_fixed(self):
        expense = make_expense(self.org, self.bob, self.website, amount="10.00", status=ExpenseStatus.REJECTED)
        self.login(self.bob)
        r = self.client.get(self.detail_url(expense, "edit"))
        self.assertContains(r, "This expense was rejected.")
        r = self.client.post(self.detail_url(expense, "edit"), {**self.form(amount="11"), "version": "1"})
        self.assertRedirects(r, self.detail_url(expense))

    def test_others_see_an_expense_read_only(self):
        expense = make_expense(self.org, self.bob, self.website, description="Bob's taxi")
        for person in (self.alice, self.carol):
            self.login(person)
            r = self.client.get(self.detail_url(expense))
            self.assertContains(r, "Bob&#x27;s taxi")
            self.assertNotContains(r, self.detail_url(expense, "edit"))
            self.assertEqual(self.client.get(self.detail_url(expense, "edit")).status_code, 403)
            r = self.client.post(self.detail_url(expense, "edit"), {**self.form(amount="99"), "version": "1"})
            self.assertEqual(r.status_code, 403)
            self.assertEqual(self.client.post(self.detail_url(expense, "delete")).status_code, 403)
        expense.refresh_from_db()
        self.assertEqual(expense.amount, Decimal("10.00"))

    def test_people_who_may_not_see_it_get_404(self):
        expense = make_expense(self.org, self.bob, self.internal)
        self.login(self.carol)  # a manager, not of this project
        self.assertEqual(self.client.get(self.detail_url(expense)).status_code, 404)
        for person in (self.dave, self.charlie):
            self.login(person)
            for name in ("detail", "edit", "delete"):
                self.assertEqual(self.client.get(self.detail_url(expense, name)).status_code, 404, name)
            self.assertEqual(self.client.post(self.detail_url(expense, "delete")).status_code, 404)
        self.assertTrue(Expense.objects.filter(pk=expense.pk).exists())

    # Deleting

    def test_it_asks_then_deletes_with_the_receipts(self):
        expense = make_expense(self.org, self.bob, self.website)
        receipt = Receipt.objects.create(expense=expense, file=png_upload(), name="r.png", size=10,
                                         content_type="image/png")
        self.login(self.bob)
        r = self.client.get(self.detail_url(expense, "delete"))
        self.assertContains(r, "Delete this expense?")
        self.assertContains(r, "and its 1 receipt")
        with self.captureOnCommitCallbacks(execute=True):
            r = self.client.post(self.detail_url(expense, "delete"))
        self.assertRedirects(r, self.url)
        self.assertFalse(Expense.objects.exists())
        self.assertFalse(default_storage.exists(receipt.file.name))
        log = AuditLog.objects.get(target_type="expense")
        self.assertEqual(log.event, AuditEvent.EXPENSE_DELETED)
        self.assertEqual(log.details["changes"]["amount"], ["10.00", None])
        self.assertEqual(log.details["changes"]["receipts"], [["r.png"], None])


class ClosedPeriodTestCase(BaseTestCase):
    """Closing a month (lock all time before a date) closes its expenses too, by every route."""

    form = ExpensePagesTestCase.form
    detail_url = ExpensePagesTestCase.detail_url

    def setUp(self):
        self.website = Project.objects.create(org=self.org, name="Website")
        self.meals = make_code(self.org)
        self.new_url = reverse("expenses:new", args=["alpha"])
        from timelive.approvals.paths import ensure_setup

        settings = ensure_setup(self.org)
        settings.locked_before = dt.date(2026, 4, 1)
        settings.save()

    def test_no_expense_is_added_or_changed_in_a_closed_month(self):
        from timelive.expenses.models import Expense

        self.login(self.bob)
        r = self.client.post(self.new_url, self.form())
        self.assertContains(r, "Time before 1 Apr 2026 is closed", status_code=400)
        self.assertFalse(Expense.objects.filter(user=self.bob).exists())

        old = make_expense(self.org, self.bob, self.website, day=dt.date(2026, 3, 10))
        r = self.client.post(self.detail_url(old, "edit"), self.form(description="Changed", version=old.version))
        self.assertGreaterEqual(r.status_code, 400)
        r = self.client.post(self.detail_url(old, "delete"), follow=True)
        self.assertContains(r, "this expense cannot be deleted")
        self.assertEqual(Expense.objects.get(pk=old.pk).description, old.description)

    def test_the_api_refuses_too(self):
        from timelive.integrations.models import ApiToken

        _, secret = ApiToken.issue(self.bob, "script")
        old = make_expense(self.org, self.bob, self.website, day=dt.date(2026, 3, 10))
        r = self.client.delete(f"/api/v1/orgs/alpha/expenses/{old.uid}", headers={"Authorization": f"Bearer {secret}"})
        self.assertEqual(r.status_code, 409)
        self.assertEqual(r.json()["code"], "locked")
        self.assertIn("is closed", r.json()["detail"])
