"""Completing a request applies it through the deletion and account-state actions;
their refusal leaves the request as it was."""

from django.core import mail

from timelive.accounts.models import User
from timelive.orgs.models import Role
from timelive.privacy.actions import do_record_consent
from timelive.privacy.consents import has_consent
from timelive.privacy.data_requests import RequestRefused, do_complete_request, do_escalate_request
from timelive.privacy.models import ConsentMethod, ConsentRecord, ObjectionTo, Purpose, RequestKind, RequestStatus

from .helpers import NOW
from .test_data_request_base import DataRequestTestCase


def complete_url(data_request):
    return f"/o/alpha/privacy-requests/{data_request.code}/complete/"


class ApplyTestCase(DataRequestTestCase):
    def complete_as(self, user, data_request, text="Done as you asked."):
        self.login(user)
        with self.captureOnCommitCallbacks(execute=True):
            return self.client.post(complete_url(data_request), {"text": text})

    def assert_unchanged(self, data_request, events):
        data_request.refresh_from_db()
        self.assertEqual((data_request.status, data_request.reply, data_request.closed_at), (RequestStatus.OPEN, "", None))
        self.assertEqual(data_request.events.count(), events)

    def test_completing_a_deletion_deletes_the_account(self):
        data_request = self.file_and_confirm(self.bob, RequestKind.DELETION, reason="I left Alpha.")
        mail.outbox.clear()
        self.login(self.alice)
        r = self.client.get(complete_url(data_request))
        self.assertContains(r, "Completing deletes the person&#x27;s account now")
        r = self.complete_as(self.alice, data_request)
        self.assertRedirects(r, "/o/alpha/privacy-requests/", fetch_redirect_response=False)
        bob = User.objects.get(pk=self.bob.pk)
        self.assertTrue(bob.is_deleted)
        self.assertEqual(bob.full_name, f"Deleted user {bob.pk}")
        data_request.refresh_from_db()
        self.assertEqual((data_request.status, data_request.closed_at), (RequestStatus.DONE, NOW))
        # The person's words are erased with the rest of them.
        self.assertEqual(data_request.reason, "")
        # The deletion tells the old address itself; no outbox copy of a "done" mail stays behind.
        self.assertEqual([(m.to, m.subject) for m in mail.outbox],
                         [(["bob@example.org"], "Your TimeLive account has been deleted")])
        self.assertEqual(data_request.events.last().action, "done")

    def test_a_refused_deletion_leaves_the_request_as_it_was(self):
        ada, _ = self.add_member("ada@example.org", "Ada Admin", role=Role.ADMIN)
        # alice is the last owner of alpha, where bob and ada still work.
        data_request = self.file_and_confirm(self.alice, RequestKind.DELETION)
        events = data_request.events.count()
        mail.outbox.clear()
        r = self.complete_as(ada, data_request)
        self.assertContains(r, "You are the last owner of Alpha Ltd", status_code=409)
        self.assertContains(r, "Done as you asked.", status_code=409)
        self.assert_unchanged(data_request, events)
        self.assertFalse(User.objects.get(pk=self.alice.pk).is_deleted)
        self.assertEqual(mail.outbox, [])

    def test_completing_a_restriction_restricts_the_account(self):
        data_request = self.file_and_confirm(self.bob, RequestKind.RESTRICTION)
        self.complete_as(self.alice, data_request)
        self.assertEqual(User.objects.get(pk=self.bob.pk).restricted_at, NOW)
        data_request.refresh_from_db()
        self.assertEqual(data_request.status, RequestStatus.DONE)

    def test_a_refused_restriction_leaves_the_request_as_it_was(self):
        data_request = self.file_and_confirm(self.bob, RequestKind.RESTRICTION)
        events = data_request.events.count()
        # Restricted by the operator meanwhile.
        User.objects.filter(pk=self.bob.pk).update(restricted_at=NOW)
        r = self.complete_as(self.alice, data_request)
        self.assertContains(r, "already restricted", status_code=409)
        self.assert_unchanged(data_request, events)

    def test_completing_an_objection_to_marketing_withdraws_consent(self):
        do_record_consent(self.bob, Purpose.NEWSLETTER, True)
        data_request = self.file_and_confirm(self.bob, RequestKind.OBJECTION, objection_to=ObjectionTo.MARKETING)
        self.complete_as(self.alice, data_request)
        self.assertFalse(has_consent(self.bob, Purpose.NEWSLETTER))
        self.assertEqual(ConsentRecord.objects.filter(user=self.bob).latest("id").method, ConsentMethod.REQUEST)

    def test_the_operator_completes_an_objection_to_research(self):
        data_request = self.file_and_confirm(self.charlie, RequestKind.OBJECTION, objection_to=ObjectionTo.RESEARCH)
        do_complete_request(data_request, "Recorded.", acting_user=self.operator)
        self.assertEqual(User.objects.get(pk=self.charlie.pk).research_objection_at, NOW)

    def test_the_operator_completes_an_escalated_deletion(self):
        data_request = self.file_and_confirm(self.bob, RequestKind.DELETION)
        do_escalate_request(data_request, acting_user=self.alice)
        self.login(self.operator)
        self.client.post("/operator/privacy/datarequest/", {
            "action": "complete_requests", "_selected_action": [data_request.pk], "index": 0, "apply": "1",
            "text": "Deleted.",
        })
        self.assertTrue(User.objects.get(pk=self.bob.pk).is_deleted)

    def test_a_refusal_in_the_console_is_shown_and_nothing_changes(self):
        self.add_member("ada@example.org", "Ada Admin", role=Role.ADMIN)
        data_request = self.file_and_confirm(self.alice, RequestKind.DELETION)
        do_escalate_request(data_request, acting_user=self.alice)
        self.login(self.operator)
        r = self.client.post("/operator/privacy/datarequest/", {
            "action": "complete_requests", "_selected_action": [data_request.pk], "index": 0, "apply": "1",
            "text": "Deleted.",
        }, follow=True)
        self.assertContains(r, "last owner of Alpha Ltd")
        self.assertContains(r, "Nothing changed.")
        data_request.refresh_from_db()
        self.assertEqual(data_request.status, RequestStatus.ESCALATED)

    def test_rectification_applies_nothing_by_itself(self):
        data_request = self.file_and_confirm(self.bob)
        do_complete_request(data_request, "Fixed.", acting_user=self.alice)
        bob = User.objects.get(pk=self.bob.pk)
        self.assertEqual((bob.restricted_at, bob.deleted_at, bob.research_objection_at), (None, None, None))

    def test_the_action_raises_request_refused(self):
        self.add_member("ada@example.org", "Ada Admin", role=Role.ADMIN)
        data_request = self.file_and_confirm(self.alice, RequestKind.DELETION)
        with self.assertRaisesMessage(RequestRefused, "last owner"):
            do_complete_request(data_request, "Done.", acting_user=self.alice)
