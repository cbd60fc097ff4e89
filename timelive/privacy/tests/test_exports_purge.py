import datetime as dt

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from timelive.privacy.exports import purge_expired_exports
from timelive.privacy.models import DataExport, ExportStatus
from timelive.test import BaseTestCase

NOW = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)


class PurgeExpiredExportsTestCase(BaseTestCase):
    def ready(self, user, expires_at):
        export = DataExport.objects.create(user=user, status=ExportStatus.READY, finished_at=expires_at - dt.timedelta(days=3),
                                           expires_at=expires_at, size=3)
        export.file.save("export.zip", ContentFile(b"zip"), save=True)
        return export

    def test_it_deletes_expired_files_and_marks_them_expired(self):
        old = self.ready(self.alice, NOW - dt.timedelta(minutes=1))
        fresh = self.ready(self.bob, NOW + dt.timedelta(days=1))
        name = old.file.name
        self.assertEqual(purge_expired_exports(now=NOW), 1)
        old.refresh_from_db()
        self.assertEqual(old.status, ExportStatus.EXPIRED)
        self.assertFalse(old.file)
        self.assertFalse(default_storage.exists(name))
        # Its folder (exports/<code>/) goes too.
        self.assertFalse(default_storage.exists(f"exports/{old.code}"))
        fresh.refresh_from_db()
        self.assertEqual(fresh.status, ExportStatus.READY)
        self.assertTrue(default_storage.exists(fresh.file.name))

    def test_it_is_idempotent(self):
        self.ready(self.alice, NOW - dt.timedelta(days=1))
        self.assertEqual(purge_expired_exports(now=NOW), 1)
        self.assertEqual(purge_expired_exports(now=NOW), 0)
        self.assertEqual(DataExport.objects.get().status, ExportStatus.EXPIRED)

    def test_a_dry_run_counts_and_changes_nothing(self):
        export = self.ready(self.alice, NOW - dt.timedelta(days=1))
        self.assertEqual(purge_expired_exports(now=NOW, dry_run=True), 1)
        export.refresh_from_db()
        self.assertEqual(export.status, ExportStatus.READY)
        self.assertTrue(default_storage.exists(export.file.name))

    def test_a_file_already_missing_is_still_marked_expired(self):
        export = self.ready(self.alice, NOW - dt.timedelta(days=1))
        default_storage.delete(export.file.name)
        self.assertEqual(purge_expired_exports(now=NOW), 1)
        export.refresh_from_db()
        self.assertEqual(export.status, ExportStatus.EXPIRED)

    def test_it_leaves_pending_and_failed_exports_alone(self):
        queued = DataExport.objects.create(user=self.alice)
        failed = DataExport.objects.create(user=self.bob, status=ExportStatus.FAILED, error="x")
        self.assertEqual(purge_expired_exports(now=NOW + dt.timedelta(days=30)), 0)
        queued.refresh_from_db()
        failed.refresh_from_db()
        self.assertEqual((queued.status, failed.status), (ExportStatus.QUEUED, ExportStatus.FAILED))

    def test_it_defaults_to_now(self):
        self.ready(self.alice, dt.datetime(2000, 1, 1, tzinfo=dt.UTC))
        self.assertEqual(purge_expired_exports(), 1)
