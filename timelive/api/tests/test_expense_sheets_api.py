"""The expense sheets API (/orgs/{org}/expense-sheets): submit, list, read, approve, reject, recall and
override, through the same engine, paths and error codes as timesheets.

The approvals app's two-tier set-up: tina leads the Website project (tier 1 of the default path
"Lead then client"), erin is an external approver (tier 2), alice administers alpha; charlie is an
outsider."""

from decimal import Decimal

from timelive.approvals.models import Submission, SubmissionKind, SubmissionStatus
from timelive.approvals.tests.helpers import MONDAY, SUNDAY
from timelive.approvals.tests.test_expense_sheets import TUESDAY, ExpenseSheetTestCase
from timelive.expenses.models import Expense, ExpenseStatus
from timelive.expenses.tests.helpers import png_bytes, png_upload
from timelive.orgs.models import AuditLog

from .test_approvals_api import BASE, TIMESHEETS, ApprovalsApiTestCase

SHEETS = f"{BASE}/expense-sheets"


class ExpenseSheetsApiTestCase(ExpenseSheetTestCase, ApprovalsApiTestCase):
    def setUp(self):
        ExpenseSheetTestCase.setUp(self)
        ApprovalsApiTestCase.setUp(self)

    def sheet_state(self):
        return (list(Submission.objects.order_by("id").values_list("status", "current_tier")),
                list(Expense.objects.order_by("id").values_list("status", "amount", "version")),
                AuditLog.objects.count())

    def test_the_whole_story(self):
        expense = self.expense(description="Client lunch")
        r = self.client.post(f"{BASE}/expenses/{expense.uid}/receipts", {"file": png_upload("lunch.png")},
                             headers={"Authorization": f"Bearer {self.secret(self.bob)}"})
        self.assertEqual(r.status_code, 201, r.content)
        receipt = r.json()["id"]

        r = self.post(self.bob, SHEETS, {"day": str(MONDAY), "comment": "Lunch with the client."})
        self.assertEqual(r.status_code, 201, r.content)
        body = r.json()
        uid = body["id"]
        self.assertEqual((body["kind"], body["status"], body["current_tier"], body["tier_count"], body["total"],
                          body["currency"], body["expense_count"]),
                         ("expense_sheet", "submitted", 1, 2, "10.00", "USD", 1))
        self.assertEqual(body["expenses"][0]["receipts"][0]["id"], receipt)
        self.assertEqual(body["your_actions"], ["recall"])
        # Submitted: the expenses API refuses a change.
        self.assertError(self.patch(self.bob, f"{BASE}/expenses/{expense.uid}", {"amount": "99.00"}), 409, "locked")

        # Tina approves step 1; erin, external, reads it and its receipt, then rejects with a comment.
        r = self.post(self.tina, f"{SHEETS}/{uid}/approve", {"tier": 1})
        self.assertEqual((r.status_code, r.json()["current_tier"]), (200, 2))
        self.assertEqual(self.get(self.erin, f"{SHEETS}/{uid}").json()["your_actions"], ["approve", "reject"])
        r = self.get(self.erin, f"{BASE}/expenses/{expense.uid}/receipts/{receipt}")
        self.assertEqual(b"".join(r.streaming_content), png_bytes())
        before = self.sheet_state()
        self.assertError(self.post(self.erin, f"{SHEETS}/{uid}/reject", {"tier": 2, "comment": " "}), 422, "invalid")
        self.assertEqual(self.sheet_state(), before)
        r = self.post(self.erin, f"{SHEETS}/{uid}/reject", {"tier": 2, "comment": "Lunch is capped at 8.00."})
        self.assertEqual(r.json()["status"], "rejected")
        self.assertEqual(self.status(expense), ExpenseStatus.REJECTED)

        # Bob fixes it and submits again; both steps approve; it is read-only.
        version = Expense.objects.get().version
        r = self.patch(self.bob, f"{BASE}/expenses/{expense.uid}", {"amount": "8.00", "version": version})
        self.assertEqual(r.status_code, 200, r.content)
        r = self.post(self.bob, SHEETS, {"start": str(MONDAY), "end": str(SUNDAY)})
        self.assertEqual((r.status_code, r.json()["id"], r.json()["total"]), (201, uid, "8.00"))
        self.post(self.tina, f"{SHEETS}/{uid}/approve", {"tier": 1})
        r = self.post(self.erin, f"{SHEETS}/{uid}/approve", {"tier": 2, "comment": "Fine."})
        self.assertEqual(r.json()["status"], "approved")
        self.assertEqual(self.status(expense), ExpenseStatus.APPROVED)
        self.assertError(self.patch(self.bob, f"{BASE}/expenses/{expense.uid}", {"amount": "1.00"}), 409, "locked")
        self.assertError(self.post(self.erin, f"{SHEETS}/{uid}/approve", {"tier": 2}), 409, "already_decided")

        # Alice overrides: reopened, the expense open again.
        r = self.post(self.alice, f"{SHEETS}/{uid}/override", {"action": "reopen", "comment": "Wrong project."})
        self.assertEqual(r.json()["status"], "reopened")
        self.assertEqual(r.json()["history"][-1]["is_override"], True)
        self.assertEqual(self.status(expense), ExpenseStatus.OPEN)
        self.assertEqual(Expense.objects.get().amount, Decimal("8.00"))

    def test_refusals(self):
        before = self.sheet_state()
        self.assertRefusedSheet(self.post(self.bob, SHEETS, {"day": str(MONDAY)}), 409, "nothing_to_submit", before)
        self.expense()
        sheet = self.submit()
        url = f"{SHEETS}/{sheet.uid}"
        before = self.sheet_state()
        self.assertRefusedSheet(self.post(self.bob, SHEETS, {"day": str(MONDAY)}), 409, "already_submitted", before)
        # Outsiders, and members with no business with it: 404.
        for person in (self.charlie, self.maria):
            self.assertRefusedSheet(self.get(person, url), 404, "not_found", before)
            self.assertRefusedSheet(self.post(person, f"{url}/approve", {"tier": 1}), 404, "not_found", before)
        # A timesheet's id is no expense sheet's, and the other way round.
        self.log(self.bob)
        from timelive.approvals.actions import do_submit_timesheet

        timesheet = do_submit_timesheet(self.org, self.bob, MONDAY, SUNDAY, acting_user=self.bob)
        before = self.sheet_state()
        self.assertRefusedSheet(self.get(self.bob, f"{SHEETS}/{timesheet.uid}"), 404, "not_found", before)
        self.assertRefusedSheet(self.get(self.bob, f"{TIMESHEETS}/{sheet.uid}"), 404, "not_found", before)
        # Wrong people: bob approves no step; erin's step is not the one waiting; only alice overrides;
        # only bob recalls.
        self.assertRefusedSheet(self.post(self.bob, f"{url}/approve", {"tier": 1}), 403, "permission_denied", before)
        self.assertRefusedSheet(self.post(self.erin, f"{url}/approve", {"tier": 1}), 409, "not_approver", before)
        self.assertRefusedSheet(self.post(self.erin, f"{url}/approve", {"tier": 2}), 409, "wrong_tier", before)
        self.assertRefusedSheet(self.post(self.tina, f"{url}/override", {"action": "approve", "comment": "x"}),
                                403, "permission_denied", before)
        self.assertRefusedSheet(self.post(self.tina, f"{url}/recall"), 403, "permission_denied", before)
        self.assertRefusedSheet(self.post(self.erin, SHEETS, {"day": str(MONDAY)}), 403, "permission_denied", before)
        # After a recall there is nothing to approve.
        self.assertEqual(self.post(self.bob, f"{url}/recall").json()["status"], "recalled")
        before = self.sheet_state()
        self.assertRefusedSheet(self.post(self.tina, f"{url}/approve", {"tier": 1}), 409, "recalled", before)

    def assertRefusedSheet(self, response, status, code, before):
        self.assertError(response, status, code)
        self.assertEqual(self.sheet_state(), before, "a refused request changed something")

    def test_lists_are_a_fixed_number_of_queries(self):
        def many(start, n):
            for i in range(start, start + n):
                person = self.add_member(f"p{i}@example.org", f"Person {i}")[0]
                self.expense(user=person)
                self.submit(person)

        many(0, 2)
        self.get(self.tina, SHEETS, waiting="me")
        with self.assertNumQueries(4):
            self.get(self.tina, SHEETS, waiting="me")
        many(2, 5)
        with self.assertNumQueries(4):
            r = self.get(self.tina, SHEETS, waiting="me")
        self.assertEqual((r.json()["count"], r.json()["items"][0]["total"], r.json()["items"][0]["expense_count"]),
                         (7, "10.00", 1))
        self.assertEqual(self.get(self.alice, SHEETS, person="all").json()["count"], 7)
        self.assertError(self.get(self.bob, SHEETS, person="all"), 403, "permission_denied")
        # Timesheets and expense sheets keep to their own lists.
        self.assertEqual(self.get(self.tina, TIMESHEETS, waiting="me").json()["count"], 0)

    def test_one_sheet_is_a_fixed_number_of_queries(self):
        for day in (MONDAY, TUESDAY):
            expense = self.expense(day=day)
            expense.receipts.create(file=png_upload(), name="r.png", size=10, content_type="image/png")
        url = f"{SHEETS}/{self.submit().uid}"
        self.get(self.bob, url)
        with self.assertNumQueries(8):
            r = self.get(self.bob, url)
        self.assertEqual(len(r.json()["expenses"]), 2)
        self.assertEqual(Submission.objects.get().kind, SubmissionKind.EXPENSE_SHEET)
        self.assertEqual(Submission.objects.get().status, SubmissionStatus.SUBMITTED)
