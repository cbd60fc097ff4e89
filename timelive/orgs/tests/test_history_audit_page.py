"""The organisation's audit page and CSV with the audit trail: filters by kind, person and target, changes in words
(page) and as JSON (CSV), and links to the entry or timesheet a row is about."""

import csv
import datetime as dt
import io
import json

from timelive.orgs.models import AuditEvent, AuditLog, Role
from timelive.test import BaseTestCase
from timelive.tracking import actions
from timelive.tracking.entries import EntryData
from timelive.tracking.tests.helpers import make_project, rules_for

URL = "/o/alpha/audit/"
CSV_URL = "/o/alpha/audit.csv"


def at(*args):
    return dt.datetime(*args, tzinfo=dt.UTC)


class AuditTrailPageTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.project = make_project(cls.org, "Website")

    def setUp(self):
        rules = rules_for(self.bob, self.org)
        self.entry = actions.create_entry(rules, self.bob, EntryData(project=self.project.uid, date=dt.date(2026, 3, 10),
                                                                     duration=3600))
        actions.update_entry(rules_for(self.alice, self.org), self.entry, EntryData(duration=5400))
        AuditLog.objects.create(org=self.org, actor=self.alice, event=AuditEvent.MEMBER_JOINED, target_type="membership",
                                target_id=self.bob_membership.code, target_label="Bob in Alpha")
        AuditLog.objects.create(org=self.org, actor=self.alice, event=AuditEvent.TIMESHEET_APPROVED,
                                target_type="submission", target_id="sheet1", target_label="Timesheet · 2 – 8 Mar",
                                details={"tier": 1, "comment": "fine"})

    def labels(self, **params):
        r = self.client.get(URL, params)
        self.assertEqual(r.status_code, 200)
        return [item.log.event for item, _, _ in r.context["rows"]]

    def test_it_filters_by_kind_person_and_target(self):
        self.login(self.alice)
        self.assertEqual(self.labels(kind="entries"), [AuditEvent.ENTRY_CHANGED, AuditEvent.ENTRY_CREATED])
        self.assertEqual(self.labels(kind="entries", actor=self.bob.code), [AuditEvent.ENTRY_CREATED])
        self.assertEqual(self.labels(target_type="submission"), [AuditEvent.TIMESHEET_APPROVED])
        self.assertEqual(self.labels(kind="timesheets", target_type="timeentry"), [])

    def test_it_shows_changes_in_words_and_links_the_target(self):
        self.login(self.alice)
        r = self.client.get(URL)
        self.assertContains(r, "duration: 1:00 → 1:30")
        self.assertContains(r, f'href="/o/alpha/entries/{self.entry.uid}/"')
        self.assertContains(r, 'href="/o/alpha/approvals/timesheets/sheet1/"')
        # The changes are not repeated in the details column.
        self.assertNotContains(r, "&#x27;changes&#x27;")

    def test_the_person_filter_offers_the_organisations_people_only(self):
        self.login(self.alice)
        r = self.client.get(URL)
        self.assertContains(r, f'<option value="{self.bob.code}">Bob Example</option>', html=True)
        self.assertNotContains(r, "Charlie Other")
        r = self.client.get(URL, {"actor": self.charlie.code})
        self.assertContains(r, "Select a valid choice.")

    def test_the_csv_has_a_changes_column_and_the_same_filters(self):
        self.login(self.alice)
        r = self.client.get(CSV_URL, {"kind": "entries", "actor": self.alice.code})
        rows = list(csv.reader(io.StringIO(b"".join(r.streaming_content).decode())))
        self.assertEqual(rows[0][-1], "changes")
        self.assertEqual(len(rows), 2)
        self.assertEqual(rows[1][2], AuditEvent.ENTRY_CHANGED)
        self.assertEqual(json.loads(rows[1][7]), {"duration": [3600, 5400]})
        self.assertEqual(json.loads(rows[1][6]), {})

    def test_its_query_count_does_not_grow_with_rows(self):
        self.login(self.alice)
        self.client.get(URL, {"kind": "entries"})
        with self.assertNumQueries(9):
            self.client.get(URL, {"kind": "entries"})
        rules = rules_for(self.bob, self.org)
        for day in range(1, 20):
            actions.create_entry(rules, self.bob, EntryData(project=self.project.uid, date=dt.date(2026, 4, day),
                                                            duration=600))
        with self.assertNumQueries(9):
            r = self.client.get(URL, {"kind": "entries"})
        self.assertEqual(len(r.context["rows"]), 21)

    def test_members_and_managers_get_403_and_outsiders_404(self):
        manager, _ = self.add_member("m@example.org", "Man Ager", role=Role.MANAGER)
        for person, status in ((self.bob, 403), (manager, 403), (self.charlie, 404)):
            self.login(person)
            self.assertEqual(self.client.get(URL, {"kind": "entries"}).status_code, status, person)
            self.assertEqual(self.client.get(CSV_URL, {"kind": "entries"}).status_code, status, person)
