import csv
import datetime as dt
import io
import json

from timelive.orgs.models import AuditEvent, AuditLog
from timelive.test import BaseTestCase

URL = "/o/alpha/audit.csv"


def at(*args):
    return dt.datetime(*args, tzinfo=dt.UTC)


class AuditLogCsvTestCase(BaseTestCase):
    def log(self, event=AuditEvent.MEMBER_JOINED, when=None, org=None, label="Someone", actor=None, **details):
        return AuditLog.objects.create(org=org or self.org, actor=actor or self.alice, event=event, target_type="membership",
                                       target_id="abc", target_label=label, created_at=when or at(2025, 3, 10, 12),
                                       details=details)

    def rows(self, response):
        self.assertEqual(response.status_code, 200)
        return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))

    def test_it_downloads_the_organisations_log(self):
        self.log(label="Bob in Alpha", role="member")
        self.log(org=self.other_org, actor=self.charlie, label="bravo-row")
        self.login(self.alice)
        r = self.client.get(URL)
        self.assertEqual(r["Content-Type"], "text/csv; charset=utf-8")
        self.assertIn('filename="alpha-audit.csv"', r["Content-Disposition"])
        rows = self.rows(r)
        self.assertEqual(rows[0], ["time_utc", "actor", "event", "target_type", "target_id", "target", "details",
                                   "changes"])
        self.assertEqual(rows[1], ["2025-03-10T12:00:00+00:00", "alice@example.org", "member.joined", "membership", "abc",
                                   "Bob in Alpha", '{"role": "member"}', ""])
        self.assertEqual(len(rows), 2)
        # The details column is JSON a script can read back.
        self.assertEqual(json.loads(rows[1][6]), {"role": "member"})

    def test_it_applies_the_filters(self):
        self.log(AuditEvent.MEMBER_JOINED, label="joined", when=at(2025, 3, 10, 12))
        self.log(AuditEvent.MEMBER_REMOVED, label="removed-early", when=at(2025, 3, 1, 12))
        self.log(AuditEvent.MEMBER_REMOVED, label="removed", when=at(2025, 3, 10, 12))
        self.login(self.alice)
        rows = self.rows(self.client.get(URL, {"event": "member.removed", "date_from": "2025-03-05"}))
        self.assertEqual([row[5] for row in rows[1:]], ["removed"])

    def test_it_defuses_spreadsheet_formulas(self):
        self.log(label='=HYPERLINK("http://evil.example","click")')
        self.login(self.alice)
        rows = self.rows(self.client.get(URL))
        self.assertEqual(rows[1][5], '\'=HYPERLINK("http://evil.example","click")')

    def test_it_writes_system_rows_without_an_actor(self):
        AuditLog.objects.create(org=self.org, actor=None, event=AuditEvent.ORG_PLAN_CHANGED)
        self.login(self.alice)
        rows = self.rows(self.client.get(URL))
        self.assertEqual(rows[1][1], "")

    def test_its_query_count_does_not_grow_with_rows(self):
        self.log()
        self.login(self.alice)
        self.rows(self.client.get(URL))
        with self.assertNumQueries(4):
            self.rows(self.client.get(URL))
        for i in range(40):
            self.log(actor=self.bob if i % 2 else self.alice, label=f"r{i}")
        with self.assertNumQueries(4):
            self.assertEqual(len(self.rows(self.client.get(URL))), 42)

    def test_members_get_403(self):
        self.login(self.bob)
        self.assertEqual(self.client.get(URL).status_code, 403)

    def test_outsiders_get_404(self):
        self.login(self.charlie)
        self.assertEqual(self.client.get(URL).status_code, 404)
