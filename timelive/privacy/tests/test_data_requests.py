"""A person's requests: filing, the emailed confirmation link, routing, withdrawal, the privacy page."""

import datetime as dt

import time_machine
from django.core import mail
from django.test import RequestFactory

from timelive.lib.codes import hash_secret
from timelive.orgs.models import AuditEvent, AuditLog
from timelive.privacy.data_requests import RequestRefused, do_file_request, flag_overdue_requests
from timelive.privacy.models import DataRequest, DataRequestEvent, ObjectionTo, RequestKind, RequestStatus
from timelive.privacy.views.requests import center_context

from .helpers import NOW
from .test_data_request_base import DAY, DataRequestTestCase

NEW = "/account/privacy/requests/new/"
CENTER = "/account/privacy/"


def confirm_url(key):
    return f"/account/privacy/requests/confirm/{key}/"


class FilingTestCase(DataRequestTestCase):
    def post_new(self, **data):
        with self.captureOnCommitCallbacks(execute=True):
            return self.client.post(NEW, data)

    def test_it_files_a_request_and_mails_a_confirmation_link(self):
        self.login(self.bob)
        r = self.post_new(kind="deletion", reason="I left the company.")
        data_request = DataRequest.objects.get()
        self.assertRedirects(r, f"/account/privacy/requests/{data_request.code}/", fetch_redirect_response=False)
        self.assertEqual((data_request.user, data_request.kind, data_request.status, data_request.reason, data_request.org),
                         (self.bob, RequestKind.DELETION, RequestStatus.UNCONFIRMED, "I left the company.", None))
        self.assertEqual(data_request.confirm_expires_at, NOW + dt.timedelta(hours=24))
        [message] = self.mails_to(self.bob.email)
        self.assertEqual(message.subject, "Please confirm your request")
        self.assertIn("Delete my account", message.body)
        self.assertIn("http://127.0.0.1:8000/account/privacy/requests/confirm/", message.body)
        event = DataRequestEvent.objects.get()
        self.assertEqual((event.action, event.actor, event.status), ("filed", self.bob, RequestStatus.UNCONFIRMED))
        log = AuditLog.objects.get(event=AuditEvent.DATA_REQUEST_FILED)
        self.assertEqual((log.actor, log.target_id, log.details["kind"]), (self.bob, data_request.code, "deletion"))
        r = self.client.get(f"/account/privacy/requests/{data_request.code}/")
        self.assertContains(r, "We sent a link to bob@example.org")

    def test_only_a_hash_of_the_key_is_stored(self):
        data_request, key = self.file(self.bob)
        key_from_mail = self.key_in(self.mails_to(self.bob.email)[0])
        self.assertEqual(key_from_mail, key)
        self.assertEqual(data_request.confirm_key_hash, hash_secret(key))
        self.assertGreaterEqual(len(key), 40)
        # The raw key is in no column of the request, its history or the audit log.
        stored = [*DataRequest.objects.values_list(), *DataRequestEvent.objects.values_list(),
                  *AuditLog.objects.values_list("target_id", "target_label", "details")]
        self.assertNotIn(key, repr(stored))

    def test_an_objection_says_to_what(self):
        self.login(self.bob)
        r = self.post_new(kind="objection", reason="No newsletters please.")
        self.assertContains(r, "Choose what you object to.", status_code=400)
        self.assertContains(r, "No newsletters please.", status_code=400)
        self.assertFalse(DataRequest.objects.exists())
        self.post_new(kind="objection", objection_to="marketing", reason="No newsletters please.")
        self.assertEqual(DataRequest.objects.get().objection_to, ObjectionTo.MARKETING)

    def test_the_objection_target_is_dropped_for_other_kinds(self):
        self.login(self.bob)
        self.post_new(kind="rectification", objection_to="marketing", reason="Typo in my name.")
        self.assertEqual(DataRequest.objects.get().objection_to, "")

    def test_a_reason_is_required(self):
        self.login(self.bob)
        r = self.post_new(kind="deletion", reason="  ")
        self.assertEqual(r.status_code, 400)
        self.assertContains(r, "This field is required.", status_code=400)
        self.assertFalse(DataRequest.objects.exists())
        with self.assertRaisesMessage(RequestRefused, "Please say why"):
            do_file_request(self.bob, RequestKind.DELETION, "   ")

    def test_an_unknown_kind_is_refused(self):
        self.login(self.bob)
        r = self.post_new(kind="everything", reason="Why not")
        self.assertEqual(r.status_code, 400)
        self.assertFalse(DataRequest.objects.exists())

    def test_a_second_open_request_of_the_same_kind_points_to_the_first(self):
        first, _ = self.file(self.bob, RequestKind.DELETION)
        self.login(self.bob)
        r = self.post_new(kind="deletion", reason="Again")
        self.assertContains(r, "You already have an open request like this one (Delete my account, filed 1 June 2025)",
                            status_code=400)
        self.assertContains(r, f'href="/account/privacy/requests/{first.code}/"', status_code=400)
        self.assertContains(r, "Again", status_code=400)
        self.assertEqual(DataRequest.objects.count(), 1)
        # Still so once it is confirmed and held.
        self.client.post(confirm_url(self.key_in(self.mails_to(self.bob.email)[0])))
        r = self.post_new(kind="deletion", reason="Again")
        self.assertEqual(r.status_code, 400)
        self.assertEqual(DataRequest.objects.count(), 1)

    def test_other_kinds_and_other_objections_are_separate(self):
        self.file(self.bob, RequestKind.OBJECTION, objection_to=ObjectionTo.MARKETING)
        self.file(self.bob, RequestKind.OBJECTION, objection_to=ObjectionTo.RESEARCH)
        self.file(self.bob, RequestKind.RECTIFICATION)
        self.assertEqual(DataRequest.objects.filter(user=self.bob).count(), 3)

    def test_a_closed_request_does_not_block_a_new_one(self):
        first, _ = self.file(self.bob, RequestKind.DELETION)
        self.login(self.bob)
        self.client.post(f"/account/privacy/requests/{first.code}/withdraw/")
        self.post_new(kind="deletion", reason="Now for real")
        self.assertEqual(DataRequest.objects.filter(status=RequestStatus.UNCONFIRMED).count(), 1)

    def test_an_expired_link_does_not_block_a_new_one(self):
        first, _ = self.file(self.bob, RequestKind.DELETION)
        with time_machine.travel((NOW + 2 * DAY).timestamp(), tick=False):
            self.file(self.bob, RequestKind.DELETION)
        first.refresh_from_db()
        self.assertEqual(first.status, RequestStatus.LAPSED)
        self.assertEqual(DataRequest.objects.filter(status=RequestStatus.UNCONFIRMED).count(), 1)

    def test_a_restricted_account_may_still_file(self):
        type(self.bob).objects.filter(pk=self.bob.pk).update(restricted_at=NOW - DAY)
        self.login(self.bob)
        self.post_new(kind="deletion", reason="Please delete me.")
        self.assertEqual(DataRequest.objects.get().kind, RequestKind.DELETION)

    def test_restriction_while_restricted_is_refused_and_nothing_is_created(self):
        type(self.bob).objects.filter(pk=self.bob.pk).update(restricted_at=NOW - DAY)
        self.login(self.bob)
        r = self.post_new(kind="restriction", reason="Stop.")
        self.assertContains(r, "Your account is already restricted (since 31 May 2025)", status_code=400)
        self.assertFalse(DataRequest.objects.exists())
        self.assertEqual(mail.outbox, [])

    def test_research_objection_when_already_in_force_is_refused(self):
        type(self.bob).objects.filter(pk=self.bob.pk).update(research_objection_at=NOW - DAY)
        with self.assertRaisesMessage(RequestRefused, "already in force"):
            do_file_request(self.bob, RequestKind.OBJECTION, "No", objection_to=ObjectionTo.RESEARCH)

    def test_the_form_page_and_anonymous(self):
        r = self.client.get(NEW)
        self.assertRedirects(r, f"/account/login/?next={NEW}", fetch_redirect_response=False)
        self.login(self.charlie)
        r = self.client.get(NEW)
        self.assertContains(r, "Restrict processing of my data")


class ConfirmationTestCase(DataRequestTestCase):
    def confirm(self, user, key):
        self.login(user)
        with self.captureOnCommitCallbacks(execute=True):
            return self.client.post(confirm_url(key))

    def test_the_link_shows_the_request_and_a_click_confirms_it(self):
        data_request, key = self.file(self.bob, RequestKind.DELETION, reason="Bye")
        self.login(self.bob)
        r = self.client.get(confirm_url(key))
        self.assertContains(r, "Confirm your request")
        self.assertContains(r, "Bye")
        data_request.refresh_from_db()
        # Following the link (a mail scanner does) changes nothing.
        self.assertEqual(data_request.status, RequestStatus.UNCONFIRMED)
        r = self.confirm(self.bob, key)
        self.assertRedirects(r, f"/account/privacy/requests/{data_request.code}/", fetch_redirect_response=False)
        r = self.client.get(r["Location"])
        self.assertContains(r, "your request is confirmed and is now with the administrators of Alpha Ltd")
        self.assertContains(r, "You will get an answer by 1 July 2025")

    def test_a_managed_account_goes_to_its_organisations_admins(self):
        data_request, key = self.file(self.bob)
        mail.outbox.clear()
        self.confirm(self.bob, key)
        data_request.refresh_from_db()
        self.assertEqual((data_request.status, data_request.org), (RequestStatus.OPEN, self.org))
        self.assertEqual((data_request.confirmed_at, data_request.due_at), (NOW, NOW + 30 * DAY))
        # Alice owns alpha; bob is a member and holds nothing; the operator is not involved yet.
        self.assertEqual([m.to for m in mail.outbox], [[self.alice.email]])
        message = mail.outbox[0]
        self.assertIn(f"/o/alpha/privacy-requests/{data_request.code}/", message.body)
        self.assertIn("Answer due by: 1 July 2025", message.body)
        # The holder's mail never names the person (the outbox keeps it).
        self.assertNotIn("Bob", message.body)
        self.assertNotIn(self.bob.email, message.body)
        log = AuditLog.objects.get(event=AuditEvent.DATA_REQUEST_CHANGED)
        self.assertEqual((log.org, log.actor, log.details["action"], log.details["holder"]),
                         (self.org, self.bob, "confirmed", "alpha"))
        self.assertEqual(list(data_request.events.values_list("action", "status")),
                         [("filed", "unconfirmed"), ("confirmed", "open")])

    def test_other_accounts_go_to_the_operator(self):
        data_request, key = self.file(self.charlie)
        mail.outbox.clear()
        self.confirm(self.charlie, key)
        data_request.refresh_from_db()
        self.assertEqual((data_request.status, data_request.org), (RequestStatus.ESCALATED, None))
        self.assertEqual(data_request.due_at, NOW + 30 * DAY)
        self.assertEqual([m.to for m in mail.outbox], [[self.operator.email]])
        self.assertIn(f"/operator/privacy/datarequest/{data_request.pk}/change/", mail.outbox[0].body)

    def test_an_inactive_member_of_the_managing_organisation_goes_to_the_operator(self):
        self.bob_membership.is_active = False
        self.bob_membership.save()
        data_request, key = self.file(self.bob)
        self.confirm(self.bob, key)
        data_request.refresh_from_db()
        self.assertEqual((data_request.status, data_request.org), (RequestStatus.ESCALATED, None))

    def test_the_link_works_for_24_hours(self):
        data_request, key = self.file(self.bob)
        with time_machine.travel((NOW + dt.timedelta(hours=23, minutes=59)).timestamp(), tick=False):
            self.confirm(self.bob, key)
        data_request.refresh_from_db()
        self.assertEqual(data_request.status, RequestStatus.OPEN)

    def test_an_expired_link_says_so_and_the_request_lapses(self):
        data_request, key = self.file(self.bob)
        with time_machine.travel((NOW + dt.timedelta(hours=24)).timestamp(), tick=False):
            self.login(self.bob)
            r = self.client.get(confirm_url(key))
            self.assertContains(r, "This link has expired", status_code=410)
            data_request.refresh_from_db()
            self.assertEqual(data_request.status, RequestStatus.LAPSED)
            self.assertEqual(data_request.closed_at, NOW + dt.timedelta(hours=24))
            r = self.confirm(self.bob, key)
            self.assertContains(r, "This link has expired", status_code=410)
        data_request.refresh_from_db()
        self.assertEqual((data_request.status, data_request.org, data_request.confirmed_at), (RequestStatus.LAPSED, None, None))
        self.assertEqual(list(data_request.events.values_list("action", flat=True)), ["filed", "lapsed"])

    def test_an_expired_link_clicked_without_a_visit_first_also_lapses(self):
        data_request, key = self.file(self.bob)
        with time_machine.travel((NOW + 2 * DAY).timestamp(), tick=False):
            r = self.confirm(self.bob, key)
        self.assertEqual(r.status_code, 410)
        data_request.refresh_from_db()
        self.assertEqual(data_request.status, RequestStatus.LAPSED)

    def test_a_used_link_says_already_confirmed(self):
        data_request, key = self.file(self.bob)
        self.confirm(self.bob, key)
        mail.outbox.clear()
        r = self.confirm(self.bob, key)
        self.assertContains(r, "This request is already confirmed")
        self.assertContains(r, "The link works only once")
        r = self.client.get(confirm_url(key))
        self.assertContains(r, "This request is already confirmed")
        self.assertEqual(data_request.events.count(), 2)
        self.assertEqual(mail.outbox, [])

    def test_a_wrong_key_is_a_clear_404(self):
        self.file(self.bob)
        self.login(self.bob)
        for key in ["wrong", "x" * 43]:
            r = self.client.get(confirm_url(key))
            self.assertContains(r, "This link is not valid", status_code=404)
            r = self.client.post(confirm_url(key))
            self.assertEqual(r.status_code, 404)
        self.assertEqual(DataRequest.objects.get().status, RequestStatus.UNCONFIRMED)

    def test_someone_elses_link_is_404_and_changes_nothing(self):
        data_request, key = self.file(self.bob)
        r = self.confirm(self.charlie, key)
        self.assertContains(r, "This link is not valid", status_code=404)
        data_request.refresh_from_db()
        self.assertEqual(data_request.status, RequestStatus.UNCONFIRMED)

    def test_the_link_needs_the_persons_session(self):
        _data_request, key = self.file(self.bob)
        r = self.client.get(confirm_url(key))
        self.assertRedirects(r, f"/account/login/?next={confirm_url(key)}", fetch_redirect_response=False)

    def test_a_withdrawn_request_cannot_be_confirmed(self):
        data_request, key = self.file(self.bob)
        self.login(self.bob)
        self.client.post(f"/account/privacy/requests/{data_request.code}/withdraw/")
        r = self.confirm(self.bob, key)
        self.assertContains(r, "This request is closed", status_code=410)
        data_request.refresh_from_db()
        self.assertEqual(data_request.status, RequestStatus.WITHDRAWN)


class WithdrawTestCase(DataRequestTestCase):
    def withdraw(self, user, data_request):
        self.login(user)
        with self.captureOnCommitCallbacks(execute=True):
            return self.client.post(f"/account/privacy/requests/{data_request.code}/withdraw/")

    def test_it_asks_first(self):
        data_request, _ = self.file(self.bob)
        self.login(self.bob)
        r = self.client.get(f"/account/privacy/requests/{data_request.code}/withdraw/")
        self.assertContains(r, "Withdraw your request (Correct my data)?")
        data_request.refresh_from_db()
        self.assertEqual(data_request.status, RequestStatus.UNCONFIRMED)

    def test_an_unconfirmed_request_is_withdrawn_quietly(self):
        data_request, _ = self.file(self.bob)
        mail.outbox.clear()
        r = self.withdraw(self.bob, data_request)
        self.assertRedirects(r, f"/account/privacy/requests/{data_request.code}/", fetch_redirect_response=False)
        data_request.refresh_from_db()
        self.assertEqual((data_request.status, data_request.closed_at), (RequestStatus.WITHDRAWN, NOW))
        self.assertEqual(mail.outbox, [])
        self.assertEqual(AuditLog.objects.filter(event=AuditEvent.DATA_REQUEST_CHANGED, details__action="withdrawn").count(), 1)

    def test_an_open_request_is_withdrawn_and_the_holders_told(self):
        data_request = self.file_and_confirm(self.bob)
        mail.outbox.clear()
        self.withdraw(self.bob, data_request)
        data_request.refresh_from_db()
        self.assertEqual(data_request.status, RequestStatus.WITHDRAWN)
        self.assertEqual([(m.to, m.subject) for m in mail.outbox], [([self.alice.email], "A data request was withdrawn")])
        self.assertEqual(data_request.events.last().actor, self.bob)

    def test_a_closed_request_cannot_be_withdrawn(self):
        data_request, _ = self.file(self.bob)
        self.withdraw(self.bob, data_request)
        r = self.withdraw(self.bob, data_request)
        r = self.client.get(r["Location"])
        self.assertContains(r, "This request is withdrawn; it can no longer be withdrawn.")
        self.assertEqual(data_request.events.count(), 2)

    def test_only_the_person_can_withdraw_or_see_it(self):
        data_request, _ = self.file(self.bob)
        # Alice administers bob's organisation: still not hers to see here, nor to withdraw.
        for user in (self.charlie, self.alice):
            self.login(user)
            self.assertEqual(self.client.get(f"/account/privacy/requests/{data_request.code}/").status_code, 404)
            self.assertEqual(self.withdraw(user, data_request).status_code, 404)
        data_request.refresh_from_db()
        self.assertEqual(data_request.status, RequestStatus.UNCONFIRMED)


class PrivacyPageTestCase(DataRequestTestCase):
    def test_the_person_sees_status_due_date_history_and_replies(self):
        from timelive.privacy.data_requests import do_reply_to_request

        data_request = self.file_and_confirm(self.bob, RequestKind.DELETION, reason="I left.")
        do_reply_to_request(data_request, "We will delete it on Friday.", acting_user=self.alice)
        self.login(self.bob)
        r = self.client.get(CENTER)
        self.assertContains(r, "Your account is managed by <strong>Alpha Ltd</strong>")
        self.assertContains(r, f'href="/account/privacy/requests/{data_request.code}/">Delete my account</a>')
        self.assertContains(r, "With the organisation&#x27;s administrators")
        self.assertContains(r, "1 Jul 2025")
        self.assertContains(r, "We will delete it on Friday.")
        self.assertContains(r, "Alice Example (administrator)")
        self.assertContains(r, "<td>Replied</td>", html=True)
        self.assertContains(r, "I left.")
        r = self.client.get(f"/account/privacy/requests/{data_request.code}/")
        self.assertContains(r, "<td>Confirmed</td>", html=True)
        self.assertContains(r, "We will delete it on Friday.")

    def test_the_operator_is_not_named_to_the_person(self):
        from timelive.privacy.data_requests import do_reply_to_request

        data_request = self.file_and_confirm(self.charlie)
        do_reply_to_request(data_request, "Which field?", acting_user=self.operator)
        self.login(self.charlie)
        r = self.client.get(f"/account/privacy/requests/{data_request.code}/")
        self.assertContains(r, "The operator")
        self.assertNotContains(r, "Olga")
        self.assertContains(r, "With the operator")

    def test_overdue_requests_say_so(self):
        data_request = self.file_and_confirm(self.bob)
        self.login(self.bob)
        self.assertNotContains(self.client.get(CENTER), "Overdue")
        with time_machine.travel((NOW + 31 * DAY).timestamp(), tick=False):
            self.login(self.bob)
            flag_overdue_requests()
            r = self.client.get(f"/account/privacy/requests/{data_request.code}/")
        self.assertContains(r, '<span class="badge">Overdue</span>', html=True)

    def test_an_empty_list_says_what_to_do(self):
        self.login(self.charlie)
        r = self.client.get(CENTER)
        self.assertContains(r, "You have made no requests.")
        self.assertContains(r, "The operator of TimeLive handles your request.")

    def test_the_list_costs_the_same_queries_for_one_request_or_many(self):
        def queries_for_page():
            request = RequestFactory().get(CENTER)
            request.user = self.bob
            with self.assertNumQueries(3):
                context = center_context(request)
            return context

        self.file_and_confirm(self.bob, RequestKind.DELETION)
        self.assertEqual(len(queries_for_page()["data_requests"]), 1)
        self.file_and_confirm(self.bob, RequestKind.RESTRICTION)
        self.file(self.bob, RequestKind.RECTIFICATION)
        self.assertEqual(len(queries_for_page()["data_requests"]), 3)
