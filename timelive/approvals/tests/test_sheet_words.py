"""Expense sheets speak of expense sheets, not timesheets: the inbox, its messages, the history
and their own addresses (the old timesheet addresses keep working)."""

from ..actions import do_approve, do_recall
from .test_expense_sheets import ExpenseSheetTestCase

INBOX = "/o/alpha/approvals/"


class SheetWordsTestCase(ExpenseSheetTestCase):
    def test_the_inbox_button_and_message_name_what_was_approved(self):
        self.expense()
        sheet = self.submit()
        self.login(self.tina)
        r = self.client.get(INBOX)
        self.assertNotContains(r, "Approve ticked timesheets")
        self.assertContains(r, "Approve ticked sheets")
        r = self.client.post("/o/alpha/approvals/approve/", {"pick": f"{sheet.uid}:1"}, follow=True)
        self.assertContains(r, "Approved 1 expense sheet.")
        r = self.client.post("/o/alpha/approvals/approve/", {}, follow=True)
        self.assertNotContains(r, "Tick the timesheets")

    def test_the_history_says_expense_sheet(self):
        self.expense()
        sheet = self.submit()
        do_recall(sheet, acting_user=self.bob)
        self.login(self.bob)
        r = self.client.get(f"/o/alpha/approvals/expense-sheets/{sheet.uid}/")
        self.assertContains(r, "submitted the expense sheet")
        self.assertContains(r, "recalled the expense sheet")
        self.assertNotContains(r, "the timesheet")

    def test_an_expense_sheet_has_its_own_address_and_the_old_one_still_works(self):
        self.expense()
        sheet = self.submit()
        self.login(self.tina)
        r = self.client.get(INBOX)
        self.assertContains(r, f'href="/o/alpha/approvals/expense-sheets/{sheet.uid}/"')
        self.assertNotContains(r, f"/approvals/timesheets/{sheet.uid}/")
        self.assertEqual(self.client.get(f"/o/alpha/approvals/timesheets/{sheet.uid}/").status_code, 200)
        r = self.client.post(f"/o/alpha/approvals/expense-sheets/{sheet.uid}/approve/", {"tier": 1, "comment": ""})
        self.assertEqual(r.status_code, 302)
        sheet.refresh_from_db()
        self.assertEqual(sheet.current_tier, 2)
        # Outsiders still get nothing there.
        self.login(self.charlie)
        self.assertEqual(self.client.get(f"/o/alpha/approvals/expense-sheets/{sheet.uid}/").status_code, 404)

    def test_approving_the_last_step_says_expense_sheet(self):
        self.expense()
        sheet = do_approve(self.submit(), acting_user=self.tina)
        self.login(self.erin)
        r = self.client.post(f"/o/alpha/approvals/expense-sheets/{sheet.uid}/approve/",
                             {"tier": 2, "comment": ""}, follow=True)
        self.assertContains(r, "expense sheet")
        self.login(self.bob)
        r = self.client.get(f"/o/alpha/approvals/expense-sheets/{sheet.uid}/")
        self.assertContains(r, "approved the expense sheet")
