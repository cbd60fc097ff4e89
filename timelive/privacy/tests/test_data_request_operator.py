"""The operator console: escalated data requests, their history, and the operator's answers."""

import time_machine
from django.core import mail

from timelive.orgs.models import AuditEvent, AuditLog
from timelive.privacy.data_requests import do_escalate_request
from timelive.privacy.models import DataRequest, DataRequestEvent, RequestKind, RequestStatus

from .helpers import NOW
from .test_data_request_base import DAY, DataRequestTestCase

LIST = "/operator/privacy/datarequest/"


def change_url(data_request):
    return f"{LIST}{data_request.pk}/change/"


class OperatorConsoleTestCase(DataRequestTestCase):
    def setUp(self):
        super().setUp()
        # charlie's account is not managed: his request goes straight to the operator.
        self.escalated = self.file_and_confirm(self.charlie, RequestKind.RECTIFICATION, reason="My name is misspelt.")
        # bob's stays with alpha's admins.
        self.held_by_alpha = self.file_and_confirm(self.bob, RequestKind.RECTIFICATION, reason="Wrong department.")
        mail.outbox.clear()

    def act(self, action, *requests, text=None, where="list"):
        """Run a console action: the first POST shows the form; with `text`, the second applies it."""
        self.login(self.operator)
        ids = [r.pk for r in requests]
        if where == "list":
            path, data = LIST, {"action": action, "_selected_action": ids, "index": 0}
        else:
            path, data = change_url(requests[0]), {"CHANGE_FORM-action": action, "_selected_action": ids}
        if text is not None:
            data = {**data, "apply": "1", "text": text}
        with self.captureOnCommitCallbacks(execute=True):
            return self.client.post(path, data)

    def test_non_staff_are_sent_to_the_operator_login(self):
        for user in (self.alice, self.charlie):
            self.login(user)
            for path in [LIST, change_url(self.escalated)]:
                r = self.client.get(path)
                self.assertRedirects(r, f"/operator/login/?next={path}", fetch_redirect_response=False)

    def test_the_list_shows_holder_status_and_due_date_and_filters(self):
        self.login(self.operator)
        r = self.client.get(LIST)
        self.assertContains(r, self.escalated.code)
        self.assertContains(r, self.held_by_alpha.code)
        self.assertContains(r, "Administrators of Alpha Ltd")
        r = self.client.get(LIST + "?status__exact=escalated")
        self.assertContains(r, self.escalated.code)
        self.assertNotContains(r, self.held_by_alpha.code)
        r = self.client.get(LIST + "?holder=operator")
        self.assertContains(r, self.escalated.code)
        self.assertNotContains(r, self.held_by_alpha.code)
        r = self.client.get(LIST + "?overdue=yes")
        self.assertNotContains(r, self.escalated.code)
        with time_machine.travel((NOW + 31 * DAY).timestamp(), tick=False):
            self.login(self.operator)
            DataRequest.objects.filter(pk=self.held_by_alpha.pk).update(status=RequestStatus.DONE)
            r = self.client.get(LIST + "?overdue=yes")
            self.assertContains(r, self.escalated.code)
            self.assertNotContains(r, self.held_by_alpha.code)
            r = self.client.get(LIST + "?overdue=no")
            self.assertNotContains(r, self.escalated.code)
            self.assertContains(r, self.held_by_alpha.code)

    def test_the_list_costs_the_same_queries_for_one_request_or_many(self):
        self.login(self.operator)
        self.client.get(LIST)
        with self.assertNumQueries(7) as few:
            self.client.get(LIST)
        for n in range(5):
            self.file_and_confirm(self.add_member(f"x{n}@example.net", f"Ext {n}")[0])
        with self.assertNumQueries(len(few.captured_queries)):
            r = self.client.get(LIST)
        self.assertContains(r, "Ext 4")

    def test_the_detail_shows_the_history_and_edits_nothing(self):
        self.login(self.operator)
        r = self.client.get(change_url(self.escalated))
        self.assertContains(r, "My name is misspelt.")
        self.assertContains(r, "filed")
        self.assertContains(r, "confirmed")
        # Read-only: no field or inline to edit, no save button.
        self.assertNotContains(r, 'name="reason"')
        self.assertNotContains(r, 'name="events-0-note"')
        self.assertNotContains(r, 'name="_save"')
        r = self.client.post(change_url(self.escalated), {"reason": "Rewritten", "status": "done"})
        self.assertEqual(r.status_code, 403)
        self.escalated.refresh_from_db()
        self.assertEqual((self.escalated.reason, self.escalated.status), ("My name is misspelt.", RequestStatus.ESCALATED))
        self.assertEqual(self.client.get(f"{LIST}add/").status_code, 403)
        self.assertEqual(self.client.post(f"{LIST}{self.escalated.pk}/delete/").status_code, 403)
        self.assertTrue(DataRequest.objects.filter(pk=self.escalated.pk).exists())

    def test_there_is_no_bulk_delete(self):
        self.login(self.operator)
        r = self.client.get(LIST)
        self.assertNotContains(r, 'value="delete_selected"')
        self.assertContains(r, 'value="reply_to_requests"')

    def test_reply_asks_for_the_text_then_emails_the_person(self):
        r = self.act("reply_to_requests", self.escalated)
        self.assertContains(r, "Reply to the person")
        self.assertContains(r, "My name is misspelt.")
        self.assertEqual(self.escalated.events.count(), 2)
        r = self.act("reply_to_requests", self.escalated, text="How should it be spelt?")
        self.assertRedirects(r, LIST, fetch_redirect_response=False)
        self.escalated.refresh_from_db()
        self.assertEqual((self.escalated.status, self.escalated.reply), (RequestStatus.ESCALATED, "How should it be spelt?"))
        self.assertEqual([(m.to, m.subject) for m in mail.outbox], [([self.charlie.email], "A reply to your request")])
        event = self.escalated.events.last()
        self.assertEqual((event.action, event.actor), ("replied", self.operator))
        log = AuditLog.objects.filter(event=AuditEvent.DATA_REQUEST_CHANGED).latest("id")
        self.assertEqual((log.org, log.actor, log.details["action"]), (None, self.operator, "replied"))

    def test_an_empty_text_shows_the_form_again(self):
        r = self.act("decline_requests", self.escalated, text="  ")
        self.assertEqual(r.status_code, 200)
        self.assertContains(r, "This field is required.")
        self.escalated.refresh_from_db()
        self.assertEqual(self.escalated.status, RequestStatus.ESCALATED)

    def test_complete_from_the_change_page(self):
        r = self.act("complete_requests", self.escalated, where="form")
        self.assertContains(r, "Complete the request")
        self.assertContains(r, 'name="CHANGE_FORM-action" value="complete_requests"')
        r = self.act("complete_requests", self.escalated, text="Corrected to Charlie Other.", where="form")
        self.assertEqual(r.status_code, 302)
        self.escalated.refresh_from_db()
        self.assertEqual((self.escalated.status, self.escalated.reply), (RequestStatus.DONE, "Corrected to Charlie Other."))
        self.assertEqual([(m.to, m.subject) for m in mail.outbox], [([self.charlie.email], "Your request is done")])

    def test_decline(self):
        self.act("decline_requests", self.escalated, text="The spelling matches your passport.")
        self.escalated.refresh_from_db()
        self.assertEqual(self.escalated.status, RequestStatus.DECLINED)
        self.assertEqual(self.escalated.events.last().action, "declined")

    def test_a_request_held_by_an_organisation_is_left_to_its_admins(self):
        r = self.act("complete_requests", self.held_by_alpha, self.escalated, text="Done.")
        r = self.client.get(r["Location"])
        self.assertContains(r, f"Request {self.held_by_alpha.code} is with the organisation&#x27;s administrators (held by the "
                               "administrators of Alpha Ltd); only escalated requests are answered here.")
        self.held_by_alpha.refresh_from_db()
        self.escalated.refresh_from_db()
        self.assertEqual((self.held_by_alpha.status, self.escalated.status), (RequestStatus.OPEN, RequestStatus.DONE))

    def test_an_escalated_request_reaches_the_console(self):
        do_escalate_request(self.held_by_alpha, "Beyond us.", acting_user=self.alice)
        self.act("complete_requests", self.held_by_alpha, text="Done by the operator.")
        self.held_by_alpha.refresh_from_db()
        self.assertEqual(self.held_by_alpha.status, RequestStatus.DONE)
        self.assertEqual(list(self.held_by_alpha.events.values_list("action", flat=True)),
                         ["filed", "confirmed", "escalated", "done"])

    def test_the_history_stays_append_only(self):
        from timelive.privacy.models import Immutable

        event = DataRequestEvent.objects.filter(request=self.escalated).first()
        with self.assertRaises(Immutable):
            DataRequestEvent.objects.filter(pk=event.pk).update(note="changed")
        with self.assertRaises(Immutable):
            event.delete()
