from timelive.privacy.core.registry import export_person, registered

from ..actions import do_reject, do_submit_timesheet
from ..models import MemberApproval, Submission, SubmissionApprover, SubmissionEvent
from ..personal_data import redact_events
from .helpers import MONDAY, SUNDAY, ApprovalTestCase, set_manager


class PersonalDataTestCase(ApprovalTestCase):
    def setUp(self):
        self.log(self.bob)
        set_manager(self.bob_membership, manager=self.maria_membership)
        self.submission = do_submit_timesheet(self.org, self.bob, MONDAY, SUNDAY, acting_user=self.bob,
                                              comment="All done.")
        do_reject(self.submission, acting_user=self.tina, comment="Bob Example, bob@example.org: Monday is wrong.")

    def test_every_model_with_a_person_is_registered(self):
        for model in (Submission, SubmissionApprover, SubmissionEvent, MemberApproval):
            self.assertIsNotNone(registered(model), model)

    def test_the_copy_holds_my_timesheets_their_history_and_my_manager(self):
        data = export_person(self.bob)
        self.assertEqual([(r["uid"], r["status"]) for r in data["timesheet_submissions"]],
                         [(self.submission.uid, "rejected")])
        history = data["timesheet_approval_history"]
        self.assertEqual([(r["action"], r["by"]) for r in history], [("submitted", "you"), ("rejected", "Tina Lead")])
        self.assertEqual(history[1]["comment"], "Bob Example, bob@example.org: Monday is wrong.")
        self.assertEqual(data["approval_managers"][0]["manager"], "Maria Manager")
        # Tina's copy: what she did, and that she approves bob's timesheet; not bob's own comment.
        tina = export_person(self.tina)
        self.assertEqual([r["action"] for r in tina["timesheet_approval_history"]], ["rejected"])
        self.assertEqual(len(tina["timesheet_approver_of"]), 1)
        self.assertEqual(export_person(self.maria)["approval_managers"][0]["member"], "Bob Example")

    def test_erasure_keeps_the_history_without_the_persons_name(self):
        redact_events(self.bob)
        comments = list(SubmissionEvent.objects.order_by("id").values_list("comment", flat=True))
        self.assertEqual(comments[0], "All done.")
        self.assertNotIn("Bob Example", comments[1])
        self.assertNotIn("bob@example.org", comments[1])
        self.assertIn(f"Deleted user {self.bob.pk}", comments[1])
        self.assertEqual(SubmissionEvent.objects.count(), 2)


class ApprovalStepsInTheCopyTestCase(ApprovalTestCase):
    def test_the_copy_lists_the_approval_steps_that_name_the_person(self):
        from timelive.approvals.tests.helpers import make_path
        from timelive.privacy.core.registry import export_person

        make_path(self.org, "Two approvers", {"project_manager": True}, {"people": [self.bob_membership]})
        make_path(self.org, "Not Bob", {"people": [self.alice_membership]})
        rows = export_person(self.bob)["approval_steps"]
        self.assertEqual(rows, [{"org": "Alpha Ltd", "path": "Two approvers", "step": 2,
                                 "approver": "you, by name"}])
        self.assertEqual([r["path"] for r in export_person(self.alice)["approval_steps"]], ["Not Bob"])
