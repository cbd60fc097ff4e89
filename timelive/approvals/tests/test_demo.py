from io import StringIO

from django.core.management import call_command
from django.test import TestCase

from timelive.accounts.models import User
from timelive.orgs.models import Organization

from ..models import ApprovalPath, Submission, SubmissionStatus


class DemoApprovalsTestCase(TestCase):
    def run_demo(self):
        out = StringIO()
        with self.captureOnCommitCallbacks(execute=True):
            call_command("demo", stdout=out)
        return out.getvalue()

    def test_acme_has_timesheets_waiting_at_each_step_once(self):
        output = self.run_demo()
        acme = Organization.objects.get(slug="acme")
        self.assertIn("timesheets submitted for approval", output)
        submissions = list(Submission.objects.filter(org=acme).order_by("id"))
        self.assertEqual(len(submissions), 3)
        self.assertTrue(ApprovalPath.objects.filter(org=acme, title="Manager then client").exists())
        # The first is past its first step: at the client's step, or approved when it holds no client time.
        first, *others = submissions
        self.assertEqual(first.events.filter(action="approved", tier=1).count(), 1)
        at_client = first.tier_count == 2
        self.assertEqual((first.status, first.current_tier),
                         (SubmissionStatus.SUBMITTED, 2) if at_client else (SubmissionStatus.APPROVED, 1))
        self.assertEqual({(s.status, s.current_tier) for s in others}, {(SubmissionStatus.SUBMITTED, 1)})
        erin = User.objects.get(email="erin@client.example")
        self.client.force_login(erin, backend="timelive.accounts.backends.EmailBackend")
        self.assertEqual(len(self.client.get("/o/acme/approvals/").context["page"].object_list), int(at_client))
        self.run_demo()
        self.assertEqual(Submission.objects.filter(org=acme).count(), 3)
        self.assertFalse(Submission.objects.exclude(org=acme).exists())
