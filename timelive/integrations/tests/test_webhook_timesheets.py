import json

from timelive.approvals.actions import do_approve, do_reject, do_submit_timesheet
from timelive.approvals.tests.helpers import MONDAY, SUNDAY, ApprovalTestCase
from timelive.integrations.actions import do_create_webhook

from .receiver import Receiver

EVENTS = ["timesheet.submitted", "timesheet.approved", "timesheet.rejected"]


class TimesheetWebhookTestCase(ApprovalTestCase):
    def test_submitting_the_final_approval_and_a_rejection_are_delivered(self):
        self.log(self.bob, MONDAY, 3600)
        with Receiver() as receiver:
            do_create_webhook(self.org, acting_user=self.alice, title="Payroll", url=receiver.url, events=EVENTS)
            with self.captureOnCommitCallbacks(execute=True):
                submission = do_submit_timesheet(self.org, self.bob, MONDAY, SUNDAY, acting_user=self.bob)
            with self.captureOnCommitCallbacks(execute=True):
                do_approve(submission, acting_user=self.tina, expected_tier=1)
            with self.captureOnCommitCallbacks(execute=True):
                do_approve(submission, acting_user=self.erin, expected_tier=2)
        bodies = [json.loads(r["body"]) for r in receiver.requests]
        # The first tier's approval is no approval of the timesheet yet: nothing is sent for it.
        self.assertEqual([b["event"] for b in bodies], ["timesheet.submitted", "timesheet.approved"])
        self.assertEqual(bodies[1]["data"]["id"], submission.uid)
        self.assertEqual((bodies[1]["data"]["status"], bodies[1]["data"]["total_seconds"]), ("approved", 3600))

    def test_a_rejection_is_delivered(self):
        self.log(self.bob, MONDAY, 3600)
        with Receiver() as receiver:
            do_create_webhook(self.org, acting_user=self.alice, title="Payroll", url=receiver.url,
                              events=["timesheet.rejected"])
            submission = do_submit_timesheet(self.org, self.bob, MONDAY, SUNDAY, acting_user=self.bob)
            with self.captureOnCommitCallbacks(execute=True):
                do_reject(submission, acting_user=self.tina, expected_tier=1, comment="Too long.")
        self.assertEqual([json.loads(r["body"])["event"] for r in receiver.requests], ["timesheet.rejected"])
