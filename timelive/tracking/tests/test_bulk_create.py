import datetime as dt

from timelive.test import BaseTestCase
from timelive.tracking.actions import bulk_create_entries
from timelive.tracking.entries import EntryData
from timelive.tracking.models import TimeEntry

from .helpers import make_project, rules_for

DAY = dt.date(2026, 11, 23)


class BulkCreateTestCase(BaseTestCase):
    def setUp(self):
        self.project = make_project(self.org)

    def items(self, n, start=0, **fields):
        return [(f"k{i}", EntryData(project=self.project.uid, date=DAY + dt.timedelta(days=i), duration=3600,
                                    tags=["bulk"], **fields)) for i in range(start, start + n)]

    def run_bulk(self, items, atomic=True):
        return bulk_create_entries(rules_for(self.bob, self.org), lambda data: self.bob, items, atomic_batch=atomic)

    def test_it_creates_a_batch_and_skips_keys_it_has_seen(self):
        results, created = self.run_bulk(self.items(5))
        self.assertEqual(created, 5)
        self.assertEqual({r["status"] for r in results}, {"created"})
        results, created = self.run_bulk(self.items(7))
        self.assertEqual(created, 2)
        self.assertEqual([r["status"] for r in results], ["exists"] * 5 + ["created"] * 2)
        self.assertEqual(TimeEntry.objects.filter(user=self.bob).count(), 7)
        self.assertEqual(TimeEntry.tags.through.objects.count(), 7)

    def test_an_atomic_batch_with_a_bad_row_creates_nothing(self):
        items = self.items(3)
        items[1][1].duration = -5
        results, created = self.run_bulk(items)
        self.assertEqual(created, 0)
        self.assertEqual([r["status"] for r in results], ["not_created", "invalid", "not_created"])
        self.assertIn("duration", results[1]["errors"])
        self.assertEqual(TimeEntry.objects.count(), 0)

    def test_a_partial_batch_creates_exactly_the_good_rows(self):
        items = self.items(3)
        items[2][1].project = "nope"
        results, created = self.run_bulk(items, atomic=False)
        self.assertEqual(created, 2)
        self.assertEqual([r["status"] for r in results], ["created", "created", "invalid"])

    def test_it_checks_day_totals_across_the_batch(self):
        items = [(f"d{i}", EntryData(project=self.project.uid, date=DAY, duration=10 * 3600)) for i in range(3)]
        results, created = self.run_bulk(items, atomic=False)
        self.assertEqual([r["status"] for r in results], ["created", "created", "invalid"])

    def test_it_refuses_a_key_twice_in_one_batch(self):
        items = self.items(2)
        items[1] = ("k0", items[1][1])
        results, _ = self.run_bulk(items, atomic=False)
        self.assertEqual(results[1]["status"], "invalid")
