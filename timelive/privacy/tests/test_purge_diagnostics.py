import datetime as dt
import io
from unittest import mock

from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from timelive.diagnostics.models import RequestRecord
from timelive.privacy.models import RetentionCategory, RetentionRule
from timelive.privacy.tasks import purge_diagnostics
from timelive.test import BaseTestCase


def record(age, path="/"):
    return RequestRecord.objects.create(at=timezone.now() - age, method="GET", path=path, status=200,
                                        duration_ms=1.0, ip="192.0.2.1")


class PurgeDiagnosticsTestCase(BaseTestCase):
    def test_it_deletes_rows_older_than_30_days(self):
        record(dt.timedelta(days=30, minutes=1), "/old")
        record(dt.timedelta(days=29, hours=23), "/recent")
        self.assertEqual(purge_diagnostics.call(), 1)
        self.assertEqual(list(RequestRecord.objects.values_list("path", flat=True)), ["/recent"])

    def test_it_is_idempotent(self):
        record(dt.timedelta(days=40))
        self.assertEqual(purge_diagnostics.call(), 1)
        self.assertEqual(purge_diagnostics.call(), 0)

    def test_it_works_in_batches(self):
        for _ in range(7):
            record(dt.timedelta(days=31))
        record(dt.timedelta(days=1))
        # The retention rule, then batches of 3: four SELECTs (3, 3, 1, none) and three DELETEs.
        with self.assertNumQueries(8):
            self.assertEqual(purge_diagnostics.call(batch=3), 7)
        self.assertEqual(RequestRecord.objects.count(), 1)

    def test_it_follows_the_retention_rule(self):
        RetentionRule.objects.filter(category=RetentionCategory.DIAGNOSTICS).update(days=7)
        record(dt.timedelta(days=8))
        record(dt.timedelta(days=6))
        self.assertEqual(purge_diagnostics.call(), 1)
        self.assertEqual(RequestRecord.objects.count(), 1)

    @override_settings(TIMELIVE_DIAGNOSTICS_DAYS=7)
    def test_without_a_rule_it_follows_the_setting(self):
        RetentionRule.objects.filter(category=RetentionCategory.DIAGNOSTICS).delete()
        record(dt.timedelta(days=8))
        record(dt.timedelta(days=6))
        self.assertEqual(purge_diagnostics.call(), 1)
        self.assertEqual(RequestRecord.objects.count(), 1)

    def test_it_runs_as_a_task(self):
        record(dt.timedelta(days=31))
        result = purge_diagnostics.enqueue()
        self.assertEqual(result.return_value, 1)
        self.assertFalse(RequestRecord.objects.exists())


class PurgeCommandTestCase(BaseTestCase):
    def test_it_purges_once(self):
        record(dt.timedelta(days=31))
        out = io.StringIO()
        call_command("purge_diagnostics", stdout=out)
        self.assertEqual(out.getvalue(), "Deleted 1 diagnostics row(s).\n")
        self.assertFalse(RequestRecord.objects.exists())

    def test_it_loops(self):
        record(dt.timedelta(days=31))

        class Stop(Exception):
            pass

        out = io.StringIO()
        with mock.patch("timelive.privacy.management.commands.purge_diagnostics.time.sleep",
                        side_effect=[None, Stop]) as sleep, self.assertRaises(Stop):
            call_command("purge_diagnostics", "--loop", "--interval", "60", stdout=out)
        # Purge, sleep, purge again, and stopped in the second sleep.
        self.assertEqual(out.getvalue().splitlines(), ["Deleted 1 diagnostics row(s).", "Deleted 0 diagnostics row(s)."])
        sleep.assert_called_with(60)
