import datetime as dt
import io
import json
from unittest import mock

import time_machine
from django.core.management import call_command

from timelive.accounts.models import UserSession
from timelive.diagnostics.models import RequestRecord
from timelive.orgs.models import AuditEvent, AuditLog
from timelive.privacy.models import RetentionRule
from timelive.privacy.tasks import apply_retention_rules
from timelive.test import BaseTestCase

NOW = dt.datetime(2025, 6, 1, 9, 0, tzinfo=dt.UTC)
DAY = dt.timedelta(days=1)


def old_rows():
    RequestRecord.objects.create(at=NOW - 40 * DAY, method="GET", path="/", status=200, duration_ms=1.0)
    RequestRecord.objects.create(at=NOW - 35 * DAY, method="GET", path="/", status=200, duration_ms=1.0)
    UserSession.objects.create(session_key="x" * 32, session_data="", expire_date=NOW - DAY)


def run(*args):
    out = io.StringIO()
    with time_machine.travel(NOW.timestamp(), tick=False):
        call_command("apply_retention", *args, stdout=out)
    return out.getvalue()


class ApplyRetentionCommandTestCase(BaseTestCase):
    def test_it_prints_a_table(self):
        old_rows()
        output = run()
        lines = output.splitlines()
        self.assertEqual(lines[0], "Retention applied (2025-06-01 09:00 UTC)")
        self.assertEqual(lines[2].split(), ["Category", "Keep", "Affected", "What"])
        self.assertRegex(output, r"Diagnostics request log +30 days +2  request log rows deleted\n")
        self.assertRegex(output, r"Ended and expired sessions +0 days +1  sessions deleted\n")
        self.assertRegex(output, r"Revoked and expired API tokens +90 days +0  API tokens deleted\n")
        self.assertEqual(len(lines), 4 + 6)
        self.assertFalse(RequestRecord.objects.exists())
        self.assertEqual(AuditLog.objects.filter(event=AuditEvent.RETENTION_APPLIED).count(), 1)

    def test_a_dry_run_only_counts(self):
        old_rows()
        output = run("--dry-run")
        self.assertIn("Retention dry run: nothing was changed", output)
        self.assertIn("Would affect", output)
        self.assertRegex(output, r"Diagnostics request log +30 days +2  request log rows deleted")
        self.assertEqual(RequestRecord.objects.count(), 2)
        self.assertEqual(UserSession.objects.count(), 1)
        self.assertFalse(AuditLog.objects.filter(event=AuditEvent.RETENTION_APPLIED).exists())

    def test_a_disabled_rule_shows_as_off(self):
        RetentionRule.objects.filter(category="diagnostics").update(enabled=False)
        old_rows()
        self.assertRegex(run(), r"Diagnostics request log +30 days +off  rule disabled, skipped")
        self.assertEqual(RequestRecord.objects.count(), 2)

    def test_it_prints_json(self):
        old_rows()
        report = json.loads(run("--json", "--dry-run"))
        self.assertEqual((report["dry_run"], report["total"], report["now"]), (True, 3, NOW.isoformat()))
        by_category = {r["category"]: r for r in report["results"]}
        self.assertEqual(by_category["diagnostics"]["affected"], 2)
        self.assertEqual(by_category["sessions"], {
            "category": "sessions", "label": "Ended and expired sessions", "days": 0, "enabled": True, "affected": 1,
            "unit": "sessions deleted", "problems": [],
        })

    def test_it_loops(self):
        old_rows()

        class Stop(Exception):
            pass

        with mock.patch("timelive.privacy.management.commands.apply_retention.time.sleep",
                        side_effect=[None, Stop]) as sleep, self.assertRaises(Stop):
            run("--loop")
        sleep.assert_called_with(86400)
        # Applied, slept a day, applied again (nothing left), stopped in the second sleep.
        self.assertEqual(AuditLog.objects.filter(event=AuditEvent.RETENTION_APPLIED).count(), 2)
        counts = AuditLog.objects.filter(event=AuditEvent.RETENTION_APPLIED).order_by("id").values_list("details", flat=True)
        self.assertEqual([c["counts"]["diagnostics"] for c in counts], [2, 0])


class ApplyRetentionTaskTestCase(BaseTestCase):
    def test_it_runs_as_a_task_and_returns_the_report(self):
        old_rows()
        with time_machine.travel(NOW.timestamp(), tick=False):
            result = apply_retention_rules.enqueue()
        self.assertEqual(result.return_value["total"], 3)
        self.assertFalse(RequestRecord.objects.exists())
