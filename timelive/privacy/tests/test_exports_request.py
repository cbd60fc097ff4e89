import datetime as dt

import time_machine

from timelive.orgs.models import AuditEvent, AuditLog
from timelive.privacy.exports import do_request_export, request_message
from timelive.privacy.models import DataExport, ExportStatus
from timelive.test import BaseTestCase

NOW = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)


class DoRequestExportTestCase(BaseTestCase):
    def setUp(self):
        self.traveller = time_machine.travel(NOW.timestamp(), tick=False)
        self.traveller.start()
        self.addCleanup(self.traveller.stop)

    def test_it_creates_a_queued_export_and_audits_it(self):
        with self.captureOnCommitCallbacks(execute=False) as callbacks:
            export, created = do_request_export(self.alice, via="api")
        self.assertTrue(created)
        self.assertEqual(export.status, ExportStatus.QUEUED)
        self.assertEqual(export.user, self.alice)
        self.assertEqual(export.requested_at, NOW)
        # The build is enqueued only once the request is committed.
        self.assertEqual(len(callbacks), 1)
        log = AuditLog.objects.get(event=AuditEvent.DATA_EXPORT_REQUESTED)
        self.assertIsNone(log.org)
        self.assertEqual(log.actor, self.alice)
        self.assertEqual(log.target_id, export.code)
        self.assertEqual(log.details, {"via": "api"})

    def test_it_returns_the_pending_export_when_asked_twice(self):
        with self.captureOnCommitCallbacks(execute=False):
            first, _ = do_request_export(self.alice)
        for status in (ExportStatus.QUEUED, ExportStatus.BUILDING):
            DataExport.objects.filter(pk=first.pk).update(status=status)
            with self.captureOnCommitCallbacks(execute=False) as callbacks:
                again, created = do_request_export(self.alice)
            self.assertFalse(created)
            self.assertEqual(again, first)
            self.assertEqual(callbacks, [])
        self.assertEqual(DataExport.objects.count(), 1)
        self.assertEqual(AuditLog.objects.filter(event=AuditEvent.DATA_EXPORT_REQUESTED).count(), 1)
        self.assertIn("already being prepared", request_message(again, False))

    def test_another_persons_pending_export_does_not_count(self):
        with self.captureOnCommitCallbacks(execute=False):
            do_request_export(self.bob)
            _, created = do_request_export(self.alice)
        self.assertTrue(created)

    def test_a_ready_export_may_be_superseded(self):
        ready = DataExport.objects.create(user=self.alice, status=ExportStatus.READY, file="exports/x/y.zip",
                                          finished_at=NOW, expires_at=NOW + dt.timedelta(days=3))
        with self.captureOnCommitCallbacks(execute=False):
            export, created = do_request_export(self.alice)
        self.assertTrue(created)
        self.assertNotEqual(export, ready)
        text = request_message(export, created, earlier=ready)
        self.assertIn("It replaces your earlier copy", text)
        self.assertIn("5 Mar 2026", text)
        # The earlier copy stays until it expires.
        ready.refresh_from_db()
        self.assertEqual(ready.status, ExportStatus.READY)

    def test_a_stale_pending_export_is_given_up_and_replaced(self):
        stale = DataExport.objects.create(user=self.alice, status=ExportStatus.BUILDING,
                                          requested_at=NOW - dt.timedelta(hours=7))
        with self.captureOnCommitCallbacks(execute=False):
            export, created = do_request_export(self.alice)
        self.assertTrue(created)
        stale.refresh_from_db()
        self.assertEqual(stale.status, ExportStatus.FAILED)
        self.assertIn("took too long", stale.error)

    def test_failed_and_expired_exports_do_not_block_a_new_one(self):
        DataExport.objects.create(user=self.alice, status=ExportStatus.FAILED)
        DataExport.objects.create(user=self.alice, status=ExportStatus.EXPIRED)
        with self.captureOnCommitCallbacks(execute=False):
            _, created = do_request_export(self.alice)
        self.assertTrue(created)

    def test_the_message_tells_times_in_the_persons_zone(self):
        self.alice.time_zone = "Asia/Tokyo"
        self.alice.save()
        with self.captureOnCommitCallbacks(execute=False):
            export, _ = do_request_export(self.alice)
        self.assertIn("2 Mar 2026 19:00", request_message(export, False))
