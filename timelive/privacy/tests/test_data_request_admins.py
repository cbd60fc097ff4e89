"""The organisation admins' inbox of data requests: list, detail, reply, complete, decline, escalate."""

import datetime as dt
from unittest import mock

import time_machine
from django.core import mail

from timelive.orgs.models import AuditEvent, AuditLog, Plan, Role
from timelive.privacy.data_requests import flag_overdue_requests
from timelive.privacy.models import DataRequest, RequestKind, RequestStatus

from .helpers import NOW
from .test_data_request_base import DAY, DataRequestTestCase

LIST = "/o/alpha/privacy-requests/"


def url(data_request, step=""):
    return f"{LIST}{data_request.code}/{step + '/' if step else ''}"


class AdminInboxTestCase(DataRequestTestCase):
    def setUp(self):
        super().setUp()
        self.data_request = self.file_and_confirm(self.bob, RequestKind.RECTIFICATION, reason="My department is wrong.")
        mail.outbox.clear()

    def post(self, path, data=None, user=None):
        self.login(user or self.alice)
        with self.captureOnCommitCallbacks(execute=True):
            return self.client.post(path, data or {})

    # Who gets in

    def test_admins_see_the_list_with_status_and_due_date(self):
        self.login(self.alice)
        r = self.client.get(LIST)
        self.assertContains(r, f'href="{url(self.data_request)}">Bob Example</a>')
        self.assertContains(r, "Correct my data")
        self.assertContains(r, "With the organisation&#x27;s administrators")
        self.assertContains(r, "1 Jul 2025")
        self.assertNotContains(r, "Overdue")

    def test_an_admin_who_is_not_the_owner_gets_in_too(self):
        admin, _ = self.add_member("ada@example.org", "Ada Admin", role=Role.ADMIN)
        self.login(admin)
        self.assertEqual(self.client.get(LIST).status_code, 200)
        self.assertEqual(self.client.get(url(self.data_request)).status_code, 200)

    def test_the_list_has_a_link_in_the_admin_menu(self):
        self.login(self.alice)
        r = self.client.get("/o/alpha/")
        self.assertContains(r, f'<a href="{LIST}">Privacy requests</a>', html=True)
        self.login(self.bob)
        self.assertNotContains(self.client.get("/o/alpha/"), "Privacy requests")

    def test_a_member_is_refused(self):
        self.login(self.bob)
        for path in [LIST, url(self.data_request), url(self.data_request, "complete")]:
            self.assertEqual(self.client.get(path).status_code, 403, path)
        for step in ["reply", "complete", "decline", "escalate"]:
            r = self.post(url(self.data_request, step), {"text": "Done myself"}, user=self.bob)
            self.assertEqual(r.status_code, 403, step)
        self.data_request.refresh_from_db()
        self.assertEqual((self.data_request.status, self.data_request.reply), (RequestStatus.OPEN, ""))
        self.assertEqual(mail.outbox, [])

    def test_an_outsider_gets_404(self):
        self.login(self.charlie)
        for path in [LIST, url(self.data_request), url(self.data_request, "decline")]:
            self.assertEqual(self.client.get(path).status_code, 404, path)
        r = self.post(url(self.data_request, "complete"), {"text": "x"}, user=self.charlie)
        self.assertEqual(r.status_code, 404)
        self.data_request.refresh_from_db()
        self.assertEqual(self.data_request.status, RequestStatus.OPEN)

    def test_another_organisations_request_is_404(self):
        # charlie's request, made to look held by bravo: alice cannot reach it from alpha.
        other = DataRequest.objects.create(user=self.charlie, kind=RequestKind.DELETION, reason="x",
                                           status=RequestStatus.OPEN, org=self.other_org)
        self.login(self.alice)
        self.assertEqual(self.client.get(url(other)).status_code, 404)
        self.assertEqual(self.post(url(other, "complete"), {"text": "done"}).status_code, 404)
        self.assertNotContains(self.client.get(LIST + "?show=all"), other.code)

    def test_unconfirmed_requests_are_not_shown_to_admins(self):
        unconfirmed, _ = self.file(self.bob, RequestKind.DELETION)
        self.login(self.alice)
        r = self.client.get(LIST + "?show=all")
        self.assertNotContains(r, "Delete my account")
        self.assertEqual(self.client.get(url(unconfirmed)).status_code, 404)

    # The list

    def test_filters_and_overdue(self):
        closed = self.file_and_confirm(self.bob, RequestKind.OBJECTION, objection_to="research")
        DataRequest.objects.filter(pk=closed.pk).update(status=RequestStatus.DECLINED)
        self.login(self.alice)
        r = self.client.get(LIST)
        self.assertContains(r, "Correct my data")
        self.assertNotContains(r, "Object to a use of my data")
        r = self.client.get(LIST + "?show=closed")
        self.assertNotContains(r, "Correct my data")
        self.assertContains(r, "Object to a use of my data: Research and development")
        r = self.client.get(LIST + "?show=all")
        self.assertContains(r, "Correct my data")
        self.assertContains(r, "Object to a use of my data")
        with time_machine.travel((NOW + 30 * DAY).timestamp(), tick=False):
            self.login(self.alice)
            r = self.client.get(LIST)
        self.assertContains(r, '<span class="badge">Overdue</span>', count=1, html=True)

    def test_an_empty_inbox_says_so(self):
        DataRequest.objects.update(status=RequestStatus.DONE)
        self.login(self.alice)
        self.assertContains(self.client.get(LIST), "No request is waiting for an answer.")

    def test_it_paginates(self):
        for _ in range(3):
            DataRequest.objects.create(user=self.bob, kind=RequestKind.RECTIFICATION, reason="x",
                                       status=RequestStatus.OPEN, org=self.org, due_at=NOW + DAY)
        self.login(self.alice)
        with mock.patch("timelive.privacy.views.org_requests.PAGE_SIZE", 2):
            r = self.client.get(LIST)
            self.assertContains(r, "Page 1 of 2")
            r = self.client.get(LIST + "?show=open&page=2")
        self.assertContains(r, "Page 2 of 2")
        self.assertContains(r, "Bob Example", count=2)

    def test_the_list_costs_the_same_queries_for_one_request_or_many(self):
        self.login(self.alice)
        self.client.get(LIST)  # the session is loaded once
        with self.assertNumQueries(8) as one:
            self.client.get(LIST)
        for _ in range(5):
            self.file_and_confirm(self.add_member(f"p{_}@example.org", f"Person {_}")[0])
        with self.assertNumQueries(len(one.captured_queries)):
            r = self.client.get(LIST)
        self.assertContains(r, "Person 4")

    # The detail

    def test_the_detail_shows_the_person_reason_and_history(self):
        self.login(self.alice)
        r = self.client.get(url(self.data_request))
        self.assertContains(r, "Bob Example &lt;bob@example.org&gt;")
        self.assertContains(r, "My department is wrong.")
        self.assertContains(r, "<td>Filed</td>", html=True)
        self.assertContains(r, "<td>Confirmed</td>", html=True)
        self.assertContains(r, "Correct the data first")
        self.assertContains(r, "Pass to the operator…")

    # Acting

    def test_admins_reply_and_the_person_is_emailed(self):
        r = self.post(url(self.data_request, "reply"), {"text": "Which department should it be?"})
        self.assertRedirects(r, url(self.data_request), fetch_redirect_response=False)
        self.data_request.refresh_from_db()
        self.assertEqual((self.data_request.status, self.data_request.reply),
                         (RequestStatus.OPEN, "Which department should it be?"))
        [message] = mail.outbox
        self.assertEqual((message.to, message.subject), ([self.bob.email], "A reply to your request"))
        self.assertIn("Which department should it be?", message.body)
        event = self.data_request.events.last()
        self.assertEqual((event.action, event.actor, event.note), ("replied", self.alice, "Which department should it be?"))
        log = AuditLog.objects.filter(event=AuditEvent.DATA_REQUEST_CHANGED).latest("id")
        self.assertEqual((log.org, log.actor, log.details["action"]), (self.org, self.alice, "replied"))

    def test_an_empty_reply_is_refused_and_nothing_changes(self):
        r = self.post(url(self.data_request, "reply"), {"text": " "})
        self.assertContains(r, "This field is required.", status_code=400)
        self.data_request.refresh_from_db()
        self.assertEqual(self.data_request.reply, "")
        self.assertEqual(mail.outbox, [])

    def test_completing_asks_first_then_closes_with_a_reply(self):
        self.login(self.alice)
        r = self.client.get(url(self.data_request, "complete"))
        self.assertContains(r, "Complete the request: correct my data")
        self.assertContains(r, "Correct the data first")
        r = self.post(url(self.data_request, "complete"), {"text": "Fixed: you are in Sales now."})
        self.assertRedirects(r, LIST, fetch_redirect_response=False)
        self.data_request.refresh_from_db()
        self.assertEqual((self.data_request.status, self.data_request.reply, self.data_request.closed_at),
                         (RequestStatus.DONE, "Fixed: you are in Sales now.", NOW))
        [message] = mail.outbox
        self.assertEqual((message.to, message.subject), ([self.bob.email], "Your request is done"))
        self.assertIn("Fixed: you are in Sales now.", message.body)
        self.assertEqual(self.data_request.events.last().action, "done")
        # Done is done.
        r = self.post(url(self.data_request, "complete"), {"text": "again"})
        self.assertRedirects(r, url(self.data_request), fetch_redirect_response=False)
        self.assertEqual(self.data_request.events.filter(action="done").count(), 1)

    def test_completing_needs_a_reply(self):
        r = self.post(url(self.data_request, "complete"), {"text": ""})
        self.assertEqual(r.status_code, 400)
        self.data_request.refresh_from_db()
        self.assertEqual(self.data_request.status, RequestStatus.OPEN)

    def test_declining_needs_a_reason_and_tells_the_person(self):
        r = self.post(url(self.data_request, "decline"), {"text": ""})
        self.assertEqual(r.status_code, 400)
        r = self.post(url(self.data_request, "decline"), {"text": "Your department is right: you moved in May."})
        self.assertRedirects(r, LIST, fetch_redirect_response=False)
        self.data_request.refresh_from_db()
        self.assertEqual((self.data_request.status, self.data_request.reply),
                         (RequestStatus.DECLINED, "Your department is right: you moved in May."))
        [message] = mail.outbox
        self.assertEqual((message.to, message.subject), ([self.bob.email], "Your request was declined"))
        self.assertIn("data protection authority", message.body)

    def test_escalating_moves_it_to_the_operator(self):
        self.login(self.alice)
        r = self.client.get(url(self.data_request, "escalate"))
        self.assertContains(r, "beyond the role of an administrator")
        r = self.post(url(self.data_request, "escalate"), {"text": "We cannot change the company record."})
        self.assertRedirects(r, LIST, fetch_redirect_response=False)
        self.data_request.refresh_from_db()
        self.assertEqual((self.data_request.status, self.data_request.org), (RequestStatus.ESCALATED, None))
        # The due date stays.
        self.assertEqual(self.data_request.due_at, NOW + 30 * DAY)
        self.assertEqual(sorted((m.to[0], m.subject) for m in mail.outbox), [
            (self.bob.email, "Your request went to the operator"),
            (self.operator.email, "A data request passed to the operator"),
        ])
        operator_mail = self.mails_to(self.operator.email)[0]
        self.assertIn("We cannot change the company record.", operator_mail.body)
        self.assertIn("beyond their role", operator_mail.body)
        event = self.data_request.events.last()
        self.assertEqual((event.action, event.status, event.actor), ("escalated", RequestStatus.ESCALATED, self.alice))
        # alpha's audit log keeps the step, though the request has left the inbox.
        log = AuditLog.objects.filter(event=AuditEvent.DATA_REQUEST_CHANGED).latest("id")
        self.assertEqual((log.org, log.details["action"], log.details["escalated_from"]), (self.org, "escalated", "alpha"))
        self.assertEqual(self.client.get(url(self.data_request)).status_code, 404)
        self.assertNotContains(self.client.get(LIST + "?show=all"), "Correct my data")

    def test_a_read_only_organisation_can_still_answer(self):
        type(self.org).objects.filter(pk=self.org.pk).update(plan=Plan.TRIAL, trial_ends_at=NOW - DAY)
        r = self.post(url(self.data_request, "reply"), {"text": "On it."})
        self.assertEqual(r.status_code, 302)
        self.data_request.refresh_from_db()
        self.assertEqual(self.data_request.reply, "On it.")

    def test_the_overdue_flag_reaches_the_admins_once(self):
        with time_machine.travel((NOW + 30 * DAY).timestamp(), tick=False), \
                self.captureOnCommitCallbacks(execute=True):
            self.assertEqual(flag_overdue_requests(), 1)
        self.assertEqual([(m.to, m.subject) for m in mail.outbox], [([self.alice.email], "A data request is overdue")])


class AdminInboxTimeZoneTestCase(DataRequestTestCase):
    def test_dates_in_messages_are_the_viewers_days(self):
        type(self.bob).objects.filter(pk=self.bob.pk).update(time_zone="Pacific/Tahiti")
        # 2 June 08:00 UTC is still 1 June in Tahiti.
        with time_machine.travel(dt.datetime(2025, 6, 2, 8, 0, tzinfo=dt.UTC).timestamp(), tick=False):
            self.file(self.bob, RequestKind.DELETION)
            self.login(self.bob)
            r = self.client.post("/account/privacy/requests/new/", {"kind": "deletion", "reason": "again"})
        self.assertContains(r, "filed 1 June 2025", status_code=400)
