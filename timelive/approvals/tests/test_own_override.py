"""Nobody approves their own time: an administrator's override is refused on their own timesheet or expense
sheet, in pages and API; another administrator (or the owner) may act on it."""

from timelive.api.tests.test_approvals_api import BASE, TIMESHEETS, ApprovalsApiTestCase
from timelive.approvals.models import SubmissionStatus
from timelive.orgs.models import Role

from ..actions import do_submit_expense_sheet
from .helpers import MONDAY, SUNDAY, member
from .test_expense_sheets import ExpenseSheetTestCase

SHEETS = f"{BASE}/expense-sheets"

OWN = "Nobody overrides the approval of their own"


class OwnOverrideTestCase(ExpenseSheetTestCase, ApprovalsApiTestCase):
    def setUp(self):
        ExpenseSheetTestCase.setUp(self)
        ApprovalsApiTestCase.setUp(self)

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.adam, cls.adam_membership = member(cls.org, "adam@example.org", "Adam Admin", Role.ADMIN)

    def test_the_api_refuses_overriding_ones_own_timesheet(self):
        self.log(self.adam, MONDAY, 3600)
        sheet = ApprovalsApiTestCase.submit(self, self.adam)
        for action in ("approve", "reject", "reopen", "delete"):
            with self.subTest(action=action):
                before = self.state()
                body = self.assertRefused(self.post(self.adam, f"{TIMESHEETS}/{sheet.uid}/override",
                                                    {"action": action, "comment": "Mine."}), 403, "own_submission", before)
                self.assertIn(OWN, body["detail"])
        # The owner may.
        r = self.post(self.alice, f"{TIMESHEETS}/{sheet.uid}/override", {"action": "approve", "comment": "Checked."})
        self.assertEqual(r.json()["status"], "approved", r.content)

    def test_the_api_refuses_overriding_ones_own_expense_sheet(self):
        self.expense(user=self.adam, amount="999.00")
        sheet = do_submit_expense_sheet(self.org, self.adam, MONDAY, SUNDAY, acting_user=self.adam)
        before = self.state()
        self.assertRefused(self.post(self.adam, f"{SHEETS}/{sheet.uid}/override",
                                     {"action": "approve", "comment": "Mine."}), 403, "own_submission", before)
        self.assertEqual(self.post(self.alice, f"{SHEETS}/{sheet.uid}/override",
                                   {"action": "approve", "comment": "Ok."}).json()["status"], "approved")

    def test_the_page_refuses_overriding_ones_own(self):
        self.log(self.adam, MONDAY, 3600)
        sheet = ApprovalsApiTestCase.submit(self, self.adam)
        self.login(self.adam)
        detail = self.client.get(f"/o/alpha/approvals/timesheets/{sheet.uid}/")
        self.assertNotContains(detail, "Override…")
        url = f"/o/alpha/approvals/timesheets/{sheet.uid}/override/"
        self.assertContains(self.client.get(url), OWN, status_code=403)
        r = self.client.post(url, {"action": "approve", "comment": "Mine."})
        self.assertContains(r, OWN, status_code=403)
        sheet.refresh_from_db()
        self.assertEqual(sheet.status, SubmissionStatus.SUBMITTED)
        # The owner sees the button and may act.
        self.login(self.alice)
        self.assertContains(self.client.get(f"/o/alpha/approvals/timesheets/{sheet.uid}/"), "Override…")
        self.client.post(url, {"action": "approve", "comment": "Checked."})
        sheet.refresh_from_db()
        self.assertEqual(sheet.status, SubmissionStatus.APPROVED)
