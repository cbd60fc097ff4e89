"""Late requests are flagged to whoever holds them, once; unconfirmed ones lapse."""

import io

import time_machine
from django.core import mail
from django.core.management import call_command

from timelive.orgs.models import AuditEvent, AuditLog
from timelive.privacy.data_requests import do_escalate_request, flag_overdue_requests, lapse_unconfirmed_requests
from timelive.privacy.models import DataRequest, RequestKind, RequestStatus

from .helpers import NOW
from .test_data_request_base import DAY, DataRequestTestCase

DUE = NOW + 30 * DAY


class OverdueTestCase(DataRequestTestCase):
    def flag(self, at):
        with time_machine.travel(at.timestamp(), tick=False), self.captureOnCommitCallbacks(execute=True):
            return flag_overdue_requests()

    def test_nothing_is_flagged_before_the_due_date(self):
        self.file_and_confirm(self.bob)
        mail.outbox.clear()
        self.assertEqual(self.flag(DUE - DAY), 0)
        self.assertEqual(mail.outbox, [])

    def test_the_holder_is_told_once(self):
        data_request = self.file_and_confirm(self.bob)
        mail.outbox.clear()
        self.assertEqual(self.flag(DUE), 1)
        self.assertEqual([(m.to, m.subject) for m in mail.outbox], [([self.alice.email], "A data request is overdue")])
        self.assertIn(f"/o/alpha/privacy-requests/{data_request.code}/", mail.outbox[0].body)
        data_request.refresh_from_db()
        self.assertEqual(data_request.overdue_flagged_at, DUE)
        event = data_request.events.last()
        self.assertEqual((event.action, event.actor, event.status), ("overdue", None, RequestStatus.OPEN))
        self.assertTrue(AuditLog.objects.filter(event=AuditEvent.DATA_REQUEST_CHANGED, details__action="overdue",
                                                org=self.org).exists())
        # Running again (the next day, or twice at once) mails nobody.
        self.assertEqual(self.flag(DUE + DAY), 0)
        self.assertEqual(self.flag(DUE + DAY), 0)
        self.assertEqual(len(mail.outbox), 1)
        self.assertEqual(data_request.events.filter(action="overdue").count(), 1)

    def test_the_operator_is_told_about_late_escalated_requests(self):
        data_request = self.file_and_confirm(self.charlie)
        mail.outbox.clear()
        self.assertEqual(self.flag(DUE), 1)
        self.assertEqual([m.to for m in mail.outbox], [[self.operator.email]])
        self.assertIn(f"/operator/privacy/datarequest/{data_request.pk}/change/", mail.outbox[0].body)

    def test_escalating_a_flagged_request_flags_it_again_to_the_operator(self):
        data_request = self.file_and_confirm(self.bob)
        self.flag(DUE)
        with time_machine.travel((DUE + DAY).timestamp(), tick=False):
            do_escalate_request(data_request, acting_user=self.alice)
        mail.outbox.clear()
        self.assertEqual(self.flag(DUE + 2 * DAY), 1)
        self.assertEqual([m.to for m in mail.outbox], [[self.operator.email]])
        self.assertEqual(self.flag(DUE + 3 * DAY), 0)

    def test_closed_requests_are_never_flagged(self):
        for status in (RequestStatus.DONE, RequestStatus.DECLINED, RequestStatus.WITHDRAWN):
            DataRequest.objects.create(user=self.bob, kind=RequestKind.DELETION, reason="x", status=status,
                                       org=self.org, due_at=NOW)
        self.assertEqual(self.flag(DUE), 0)
        self.assertEqual(mail.outbox, [])

    def test_unconfirmed_requests_lapse_after_24_hours(self):
        data_request, _ = self.file(self.bob)
        with time_machine.travel((NOW + DAY / 2).timestamp(), tick=False):
            self.assertEqual(lapse_unconfirmed_requests(), 0)
        with time_machine.travel((NOW + DAY).timestamp(), tick=False):
            self.assertEqual(lapse_unconfirmed_requests(), 1)
            self.assertEqual(lapse_unconfirmed_requests(), 0)
        data_request.refresh_from_db()
        self.assertEqual(data_request.status, RequestStatus.LAPSED)

    def test_the_command_lapses_and_flags(self):
        lapsing, _ = self.file(self.charlie, RequestKind.DELETION)
        late = self.file_and_confirm(self.bob)
        mail.outbox.clear()
        out = io.StringIO()
        with time_machine.travel(DUE.timestamp(), tick=False), self.captureOnCommitCallbacks(execute=True):
            call_command("flag_overdue_requests", stdout=out)
        self.assertIn("Flagged 1 overdue data request(s).", out.getvalue())
        lapsing.refresh_from_db()
        late.refresh_from_db()
        self.assertEqual((lapsing.status, late.overdue_flagged_at), (RequestStatus.LAPSED, DUE))
        self.assertEqual(len(mail.outbox), 1)
