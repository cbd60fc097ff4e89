"""Expense sheets: the issue's "the same for an expense sheet with a receipt", walked through the
pages as each person, plus the engine's refusals and who may see what.

bob records an expense with a real PNG receipt and submits the week's expenses;
tina (the project's team lead, tier 1) approves; erin (an external client, tier 2)
rejects with a comment; bob fixes and resubmits; both approve; the expense is
read-only; alice, an administrator, overrides; the audit trail tells it all."""

import datetime as dt
from decimal import Decimal

from django.urls import reverse

from timelive.expenses.models import Expense, ExpenseStatus
from timelive.expenses.tests.helpers import make_code, make_expense, png_bytes, png_upload
from timelive.orgs.models import AuditEvent, AuditLog

from ..actions import ApprovalError, do_approve, do_override, do_recall, do_submit_expense_sheet
from ..models import EventAction, Submission, SubmissionKind, SubmissionStatus
from .helpers import MONDAY, SUNDAY, ApprovalTestCase, builtin, set_default_path

TUESDAY = MONDAY + dt.timedelta(days=1)


class ExpenseSheetTestCase(ApprovalTestCase):
    def setUp(self):
        self.code = make_code(self.org)

    def expense(self, user=None, day=TUESDAY, amount="10.00", **extra):
        return make_expense(self.org, user or self.bob, self.project, self.code, amount=amount, day=day, **extra)

    def submit(self, user=None, **extra):
        return do_submit_expense_sheet(self.org, user or self.bob, MONDAY, SUNDAY, acting_user=user or self.bob,
                                       **extra)

    def status(self, expense):
        return Expense.objects.get(pk=expense.pk).status


class ExpenseSheetEngineTestCase(ExpenseSheetTestCase):
    def test_submit_takes_open_and_rejected_expenses_of_the_period_only(self):
        mine = self.expense()
        rejected = self.expense(day=SUNDAY, status=ExpenseStatus.REJECTED)
        next_week = self.expense(day=SUNDAY + dt.timedelta(days=1))
        theirs = self.expense(user=self.tina)
        sheet = self.submit()
        self.assertEqual((sheet.kind, sheet.status, sheet.current_tier, sheet.tier_count),
                         (SubmissionKind.EXPENSE_SHEET, SubmissionStatus.SUBMITTED, 1, 2))
        self.assertEqual([self.status(e) for e in (mine, rejected, next_week, theirs)],
                         ["submitted", "submitted", "open", "open"])
        self.assertEqual(set(sheet.approvers.values_list("tier", "user")), {(1, self.tina.pk), (2, self.erin.pk)})
        # Each expense's own history records the move, made by the approval.
        log = AuditLog.objects.filter(target_type="expense", target_id=mine.uid).get()
        self.assertEqual((log.event, log.details["changes"], log.details["via"], log.details["submission"]),
                         (AuditEvent.EXPENSE_CHANGED, {"status": ["open", "submitted"]}, "approval", sheet.uid))
        row = AuditLog.objects.get(target_type="submission", event=AuditEvent.TIMESHEET_SUBMITTED)
        self.assertEqual((row.target_label, row.details["kind"]),
                         (f"Expense sheet of Bob Example · {sheet.range_label}", "expense_sheet"))

    def test_a_timesheet_and_an_expense_sheet_of_one_week_live_side_by_side(self):
        from ..actions import do_submit_timesheet

        self.log(self.bob)
        self.expense()
        timesheet = do_submit_timesheet(self.org, self.bob, MONDAY, SUNDAY, acting_user=self.bob)
        sheet = self.submit()
        self.assertNotEqual(timesheet.pk, sheet.pk)
        self.assertEqual(Submission.objects.filter(status=SubmissionStatus.SUBMITTED).count(), 2)

    def test_refusals_leave_everything_as_it_was(self):
        with self.assertRaisesMessage(ApprovalError, "There are no open expenses"):
            self.submit()
        expense = self.expense()
        with self.assertRaisesMessage(ApprovalError, "goes past the period's last day"):
            do_submit_expense_sheet(self.org, self.bob, MONDAY, SUNDAY + dt.timedelta(days=1), acting_user=self.bob)
        sheet = self.submit()
        with self.assertRaisesMessage(ApprovalError, "This expense sheet is already waiting for approval."):
            self.submit()
        with self.assertRaisesMessage(ApprovalError, "You are not an approver of step 1 of this expense sheet."):
            do_approve(sheet, acting_user=self.erin)
        with self.assertRaisesMessage(ApprovalError, "Only the person who submitted an expense sheet"):
            do_recall(sheet, acting_user=self.alice)
        do_approve(sheet, acting_user=self.tina, expected_tier=1)
        with self.assertRaisesMessage(ApprovalError, "already been decided by someone else"):
            do_approve(sheet, acting_user=self.tina, expected_tier=1)
        with self.assertRaisesMessage(ApprovalError, "cannot be recalled"):
            do_recall(sheet, acting_user=self.bob)
        self.assertEqual(self.status(expense), ExpenseStatus.SUBMITTED)

    def test_recall_and_override_move_the_expenses(self):
        expense = self.expense()
        sheet = self.submit()
        do_recall(sheet, acting_user=self.bob)
        self.assertEqual(self.status(expense), ExpenseStatus.OPEN)
        sheet = self.submit()
        self.assertEqual(sheet.events.last().action, EventAction.RESUBMITTED)
        do_override(sheet, "approve", acting_user=self.alice, comment="Month end.")
        self.assertEqual(self.status(expense), ExpenseStatus.APPROVED)
        do_override(sheet, "reopen", acting_user=self.alice, comment="Wrong project.")
        self.assertEqual(self.status(expense), ExpenseStatus.OPEN)
        self.assertTrue(Expense.objects.get(pk=expense.pk).is_editable)

    def test_an_admin_deletes_an_approved_sheet_and_its_expenses(self):
        from timelive.orgs.models import AuditEvent, AuditLog

        expense = self.expense()
        sheet = self.submit()
        do_override(sheet, "approve", acting_user=self.alice, comment="Month end.")
        do_override(sheet, "delete", acting_user=self.alice, comment="Charged to the wrong client.")
        sheet.refresh_from_db()
        self.assertEqual(sheet.status, "deleted")
        self.assertFalse(Expense.objects.filter(pk=expense.pk).exists())
        row = AuditLog.objects.get(event=AuditEvent.EXPENSE_DELETED, target_id=expense.uid)
        self.assertEqual(row.actor, self.alice)

    def test_no_expense_is_added_to_a_period_whose_sheet_is_waiting(self):
        self.expense()
        sheet = self.submit()
        self.login(self.bob)
        form = {"date": SUNDAY, "project": self.project.uid, "expense_code": self.code.uid, "amount": "5.00",
                "currency": "USD"}
        r = self.client.post("/o/alpha/expenses/new/", form)
        self.assertContains(r, f"Your expenses of {sheet.range_label} are waiting for approval", status_code=400)
        self.assertEqual(Expense.objects.count(), 1)
        # The next period is free.
        r = self.client.post("/o/alpha/expenses/new/", {**form, "date": SUNDAY + dt.timedelta(days=1)})
        self.assertEqual((r.status_code, Expense.objects.count()), (302, 2))

    def test_no_path_approves_at_once(self):
        set_default_path(self.org, builtin(self.org, "not_required"))
        expense = self.expense()
        sheet = self.submit()
        self.assertEqual(sheet.status, SubmissionStatus.APPROVED)
        self.assertEqual(self.status(expense), ExpenseStatus.APPROVED)

    def test_the_path_follows_the_expenses_projects(self):
        from timelive.tracking.tests.helpers import make_project

        from ..models import PathKind, ProjectApproval

        other = make_project(self.org, "Intranet", project_manager=self.maria)
        ProjectApproval.objects.create(org=self.org, project=other, path=builtin(self.org, PathKind.PROJECT_MANAGER))
        make_expense(self.org, self.bob, other, self.code, day=TUESDAY)
        sheet = self.submit()
        self.assertEqual((sheet.path_title, list(sheet.approvers.values_list("user", flat=True))),
                         ("Project manager", [self.maria.pk]))


class ExpenseSheetWalkTestCase(ExpenseSheetTestCase):
    def sheet(self):
        return Submission.objects.get(kind=SubmissionKind.EXPENSE_SHEET)

    def test_the_whole_story(self):
        # Bob records an expense with a real PNG receipt.
        self.login(self.bob)
        r = self.client.post("/o/alpha/expenses/new/", {
            "date": TUESDAY, "project": self.project.uid, "expense_code": self.code.uid, "amount": "10.00",
            "currency": "USD", "description": "Client lunch", "receipts": [png_upload("lunch.png")]})
        expense = Expense.objects.get()
        self.assertRedirects(r, f"/o/alpha/expenses/{expense.uid}/")
        receipt = expense.receipts.get()
        receipt_url = reverse("expenses:receipt", args=["alpha", receipt.uid])

        # The list offers to submit; the submit page shows the period, count, total and the path.
        self.assertContains(self.client.get(f"/o/alpha/expenses/?start={MONDAY}"), "Submit expenses for approval")
        page = self.client.get(f"/o/alpha/approvals/submit-expenses/?day={MONDAY}")
        self.assertContains(page, "1 open expense, 10.00 USD in all")
        self.assertContains(page, "Tina Lead")
        self.assertContains(page, "Erin Client")
        r = self.client.post("/o/alpha/approvals/submit-expenses/", {"day": MONDAY, "start": MONDAY, "end": SUNDAY,
                                                                     "comment": "Lunch with the client."})
        sheet = self.sheet()
        self.assertRedirects(r, f"/o/alpha/approvals/expense-sheets/{sheet.uid}/")
        self.assertEqual(self.status(expense), ExpenseStatus.SUBMITTED)
        # Submitted: the edit page refuses, and nothing changes.
        r = self.client.post(f"/o/alpha/expenses/{expense.uid}/edit/", {
            "date": TUESDAY, "project": self.project.uid, "expense_code": self.code.uid, "amount": "99.00",
            "currency": "USD", "version": expense.version})
        self.assertRedirects(r, f"/o/alpha/expenses/{expense.uid}/", fetch_redirect_response=False)
        self.assertEqual(Expense.objects.get().amount, Decimal("10.00"))

        # Erin (tier 2) has nothing yet, and cannot see the receipt; tina's inbox shows the sheet with its total.
        self.login(self.erin)
        self.assertContains(self.client.get("/o/alpha/approvals/"), "Nothing waits for your approval")
        self.login(self.tina)
        inbox = self.client.get("/o/alpha/approvals/")
        self.assertContains(inbox, "Expense sheet")
        self.assertContains(inbox, "10.00 USD · 1 expense<")
        detail = self.client.get(f"/o/alpha/approvals/timesheets/{sheet.uid}/")
        self.assertContains(detail, f'<img src="{receipt_url}"')
        self.assertContains(detail, "Client lunch")
        self.assertContains(detail, "Approve step 1")
        r = self.client.get(receipt_url)
        self.assertEqual(b"".join(r.streaming_content), png_bytes())
        r = self.client.post(f"/o/alpha/approvals/timesheets/{sheet.uid}/approve/", {"tier": 1})
        self.assertRedirects(r, "/o/alpha/approvals/")

        # Erin, an external client, approves step 2: she sees the expense and its receipt.
        self.login(self.erin)
        detail = self.client.get(f"/o/alpha/approvals/timesheets/{sheet.uid}/")
        self.assertContains(detail, "Approve step 2")
        self.assertEqual(self.client.get(receipt_url).status_code, 200)
        self.assertEqual(self.client.get(f"/o/alpha/expenses/{expense.uid}/").status_code, 200)
        r = self.client.post(f"/o/alpha/approvals/timesheets/{sheet.uid}/reject/", {"tier": 2, "comment": ""})
        self.assertEqual(r.status_code, 400)
        self.assertEqual(self.sheet().status, SubmissionStatus.SUBMITTED)
        r = self.client.post(f"/o/alpha/approvals/timesheets/{sheet.uid}/reject/",
                             {"tier": 2, "comment": "Lunch is capped at 8.00."})
        self.assertRedirects(r, "/o/alpha/approvals/")
        self.assertEqual(self.status(expense), ExpenseStatus.REJECTED)

        # Bob reads why, fixes the amount (the expense is editable again) and submits again.
        self.login(self.bob)
        self.assertContains(self.client.get(f"/o/alpha/approvals/timesheets/{sheet.uid}/"), "Lunch is capped at 8.00.")
        r = self.client.post(f"/o/alpha/expenses/{expense.uid}/edit/", {
            "date": TUESDAY, "project": self.project.uid, "expense_code": self.code.uid, "amount": "8.00",
            "currency": "USD", "description": "Client lunch", "version": Expense.objects.get().version})
        self.assertRedirects(r, f"/o/alpha/expenses/{expense.uid}/")
        self.assertEqual(Expense.objects.get().amount, Decimal("8.00"))
        self.client.post("/o/alpha/approvals/submit-expenses/", {"day": MONDAY, "start": MONDAY, "end": SUNDAY})
        self.assertEqual(self.sheet().pk, sheet.pk)
        self.login(self.tina)
        self.client.post(f"/o/alpha/approvals/timesheets/{sheet.uid}/approve/", {"tier": 1})
        self.login(self.erin)
        self.client.post(f"/o/alpha/approvals/timesheets/{sheet.uid}/approve/", {"tier": 2, "comment": "Fine."})
        self.assertEqual(self.sheet().status, SubmissionStatus.APPROVED)
        self.assertEqual(self.status(expense), ExpenseStatus.APPROVED)

        # Approved: read-only for bob, whatever the door.
        self.login(self.bob)
        r = self.client.post(f"/o/alpha/expenses/{expense.uid}/delete/")
        self.assertRedirects(r, f"/o/alpha/expenses/{expense.uid}/", fetch_redirect_response=False)
        self.assertTrue(Expense.objects.filter(pk=expense.pk).exists())

        # Alice, an administrator, reopens it: an override, with her name.
        self.login(self.alice)
        r = self.client.post(f"/o/alpha/approvals/timesheets/{sheet.uid}/override/",
                             {"action": "reopen", "comment": "Booked on the wrong project."})
        self.assertRedirects(r, f"/o/alpha/approvals/expense-sheets/{sheet.uid}/")
        self.assertEqual(self.status(expense), ExpenseStatus.OPEN)

        # The history tells the whole story; so does each expense's audit trail.
        self.assertEqual(list(self.sheet().events.values_list("action", "tier", "is_override")), [
            ("submitted", 1, False), ("approved", 1, False), ("rejected", 2, False), ("resubmitted", 1, False),
            ("approved", 1, False), ("approved", 2, False), ("reopened", 2, True)])
        statuses = [log.details["changes"]["status"] for log in AuditLog.objects.filter(
            target_type="expense", target_id=expense.uid, details__via="approval").order_by("id")]
        self.assertEqual(statuses, [["open", "submitted"], ["submitted", "rejected"], ["rejected", "submitted"],
                                    ["submitted", "approved"], ["approved", "open"]])

    def test_people_who_must_be_refused(self):
        expense = self.expense()
        receipt = expense.receipts.create(file=png_upload(), name="lunch.png", size=10, content_type="image/png")
        sheet = self.submit()
        detail = f"/o/alpha/approvals/timesheets/{sheet.uid}/"
        receipt_url = reverse("expenses:receipt", args=["alpha", receipt.uid])
        dave = self.add_member("dave@example.org", "Dave Member")[0]
        # An outsider and a member with no business with the sheet: 404, the receipt too.
        for person in (self.charlie, dave):
            self.login(person)
            self.assertEqual(self.client.get(detail).status_code, 404, person)
            self.assertEqual(self.client.get(receipt_url).status_code, 404, person)
            self.assertEqual(self.client.post(f"{detail}approve/", {"tier": 1}).status_code, 404, person)
        # A later-tier approver sees it but may not decide this step; bob may not approve his own.
        self.login(self.erin)
        self.assertEqual(self.client.post(f"{detail}approve/", {"tier": 1}).status_code, 409)
        self.login(self.bob)
        self.assertEqual(self.client.post(f"{detail}approve/", {"tier": 1}).status_code, 403)
        self.assertEqual(self.client.post(f"{detail}override/", {"action": "approve", "comment": "x"}).status_code, 403)
        # Only bob submits his own expenses on this page; the external approver has none.
        self.login(self.erin)
        self.assertEqual(self.client.get("/o/alpha/approvals/submit-expenses/").status_code, 403)
        self.assertEqual(Submission.objects.get().status, SubmissionStatus.SUBMITTED)
        self.assertEqual(self.status(expense), ExpenseStatus.SUBMITTED)

    def test_bulk_approval_takes_timesheets_and_expense_sheets_alike(self):
        from ..actions import do_submit_timesheet

        expense = self.expense()
        self.log(self.bob)
        sheet = self.submit()
        timesheet = do_submit_timesheet(self.org, self.bob, MONDAY, SUNDAY, acting_user=self.bob)
        self.login(self.tina)
        r = self.client.post("/o/alpha/approvals/approve/", {"pick": [f"{sheet.uid}:1", f"{timesheet.uid}:1"]})
        self.assertRedirects(r, "/o/alpha/approvals/")
        self.assertEqual(sorted(Submission.objects.values_list("kind", "current_tier")),
                         [("expense_sheet", 2), ("timesheet", 2)])
        # Step 1 of 2: the expense waits for erin, still submitted.
        self.assertEqual(self.status(expense), ExpenseStatus.SUBMITTED)

    def test_the_inbox_with_both_kinds_is_a_fixed_number_of_queries(self):
        from ..actions import do_submit_timesheet

        for i in range(3):
            person = self.add_member(f"p{i}@example.org", f"Person {i}")[0]
            make_expense(self.org, person, self.project, self.code, day=TUESDAY)
            self.log(person)
            self.submit(person)
            do_submit_timesheet(self.org, person, MONDAY, SUNDAY, acting_user=person)
        self.login(self.tina)
        with self.assertNumQueries(9):
            r = self.client.get("/o/alpha/approvals/")
        self.assertContains(r, "Expense sheet", count=3)

    def test_the_sheet_page_is_a_fixed_number_of_queries(self):
        # The same count with one expense as with three, receipts and all.
        for days in ((MONDAY,), (TUESDAY, SUNDAY)):
            for day in days:
                expense = self.expense(day=day)
                expense.receipts.create(file=png_upload(), name="r.png", size=10, content_type="image/png")
            sheet = self.submit()
            self.login(self.tina)
            with self.assertNumQueries(13):
                r = self.client.get(f"/o/alpha/approvals/timesheets/{sheet.uid}/")
            self.assertContains(r, "<img ", count=Expense.objects.count())
            do_recall(sheet, acting_user=self.bob)
