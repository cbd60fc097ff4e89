"""Every change to a time entry leaves an audit row: who, when, and each field's old and new value."""

import datetime as dt
from decimal import Decimal

import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from timelive.orgs.models import AuditEvent, AuditLog, Membership, Role
from timelive.test import BaseTestCase, make_user
from timelive.tracking import actions
from timelive.tracking.entries import EntryData, EntryInvalid
from timelive.tracking.grid import build_week, set_cell_total
from timelive.tracking.models import EntryStatus, RateKind, Tag, TimeEntry, Timer

from .helpers import make_project, make_rate, make_task, rules_for

DAY = dt.date(2026, 3, 10)


def entry_rows(entry=None, event=None):
    rows = AuditLog.objects.filter(target_type="timeentry")
    if entry is not None:
        rows = rows.filter(target_id=entry.uid)
    if event is not None:
        rows = rows.filter(event=event)
    return rows.order_by("created_at", "id")


def audit_inserts(queries) -> int:
    return sum(1 for q in queries.captured_queries if q["sql"].startswith('INSERT INTO "orgs_auditlog"'))


class EntryAuditTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.project = make_project(cls.org, "Website", code="WEB")
        cls.other = make_project(cls.org, "Mobile app")
        cls.task = make_task(cls.other, "Design")

    def create(self, user=None, acting=None, **data):
        data.setdefault("project", self.project.uid)
        data.setdefault("date", DAY)
        if "start" not in data:
            data.setdefault("duration", 3600)
        return actions.create_entry(rules_for(acting or user or self.bob, self.org), user or self.bob, EntryData(**data))

    def test_creating_records_who_and_every_value(self):
        entry = self.create(description="Kick-off", tags=["Meeting"])
        log = entry_rows(entry).get()
        self.assertEqual((log.event, log.actor, log.org, log.target_id), (AuditEvent.ENTRY_CREATED, self.bob, self.org,
                                                                          entry.uid))
        self.assertEqual(log.target_label, "2026-03-10 WEB Website")
        self.assertEqual(log.details["changes"], {
            "project": [None, "WEB Website"], "date": [None, "2026-03-10"], "duration": [None, 3600],
            "description": [None, "Kick-off"], "billable": [None, True], "tags": [None, ["Meeting"]],
            "status": [None, "open"],
        })

    def test_an_administrator_logging_for_someone_is_the_actor(self):
        entry = self.create(user=self.bob, acting=self.alice)
        self.assertEqual(entry_rows(entry).get().actor, self.alice)

    def test_each_changed_field_is_recorded_with_its_old_and_new_value(self):
        make_rate(self.org, RateKind.BILLING, "80", currency="EUR", project=self.other)
        entry = self.create(description="Draft", tags=["a", "b"], billable=True)
        actions.update_entry(rules_for(self.bob, self.org), entry, EntryData(
            project=self.other.uid, task=self.task.uid, date=DAY + dt.timedelta(days=1), duration=5400,
            description="Final", billable=False, tags=["b", "c"], custom_fields={}))
        log = entry_rows(entry, AuditEvent.ENTRY_CHANGED).get()
        self.assertEqual(log.actor, self.bob)
        self.assertEqual(log.details["changes"], {
            "project": ["WEB Website", "Mobile app"], "task": [None, "Design"], "date": ["2026-03-10", "2026-03-11"],
            "duration": [3600, 5400], "description": ["Draft", "Final"], "billable": [True, False],
            "tags": [["a", "b"], ["b", "c"]], "bill_rate": [None, "80.00"], "bill_currency": ["", "EUR"],
        })
        # The label follows the entry as it is now.
        self.assertEqual(log.target_label, "2026-03-11 Mobile app")

    def test_start_and_end_are_recorded_as_utc_instants(self):
        self.bob.time_zone = "Europe/Berlin"
        self.bob.save()
        entry = self.create(start=dt.datetime(2026, 3, 10, 9, 0), end=dt.datetime(2026, 3, 10, 10, 0))
        actions.update_entry(rules_for(self.bob, self.org), entry,
                             EntryData(start=dt.datetime(2026, 3, 10, 9, 30), end=dt.datetime(2026, 3, 10, 11, 0)))
        changes = entry_rows(entry, AuditEvent.ENTRY_CHANGED).get().details["changes"]
        self.assertEqual(changes, {"start": ["2026-03-10T08:00:00+00:00", "2026-03-10T08:30:00+00:00"],
                                   "end": ["2026-03-10T09:00:00+00:00", "2026-03-10T10:00:00+00:00"],
                                   "duration": [3600, 5400]})

    def test_a_change_that_changes_nothing_writes_no_row(self):
        entry = self.create(tags=["a"])
        actions.update_entry(rules_for(self.bob, self.org), entry, EntryData(duration=3600, tags=["A"]))
        self.assertFalse(entry_rows(entry, AuditEvent.ENTRY_CHANGED).exists())

    def test_a_refused_change_writes_nothing(self):
        entry = self.create()
        with self.assertRaises(EntryInvalid):
            actions.update_entry(rules_for(self.bob, self.org), entry, EntryData(duration=100_000))
        TimeEntry.objects.filter(pk=entry.pk).update(status=EntryStatus.APPROVED)
        with self.assertRaises(actions.Locked):
            actions.update_entry(rules_for(self.bob, self.org), entry, EntryData(duration=60))
        with self.assertRaises(actions.Locked):
            actions.delete_entry(entry, acting_user=self.bob)
        self.assertEqual(list(entry_rows(entry).values_list("event", flat=True)), [AuditEvent.ENTRY_CREATED])

    def test_deleting_records_the_last_values_and_who(self):
        entry = self.create(description="Oops", tags=["x"])
        actions.delete_entry(entry, acting_user=self.alice)
        log = entry_rows(entry, AuditEvent.ENTRY_DELETED).get()
        self.assertEqual(log.actor, self.alice)
        self.assertEqual(log.details["changes"]["duration"], [3600, None])
        self.assertEqual(log.details["changes"]["tags"], [["x"], None])
        self.assertEqual(log.details["changes"]["description"], ["Oops", None])
        # The history outlives the entry.
        self.assertFalse(TimeEntry.objects.filter(pk=entry.pk).exists())
        self.assertEqual(entry_rows(entry).count(), 2)

    def test_labels_and_details_name_no_one(self):
        entry = self.create(user=self.bob, acting=self.alice)
        actions.update_entry(rules_for(self.alice, self.org), entry, EntryData(duration=60))
        actions.delete_entry(entry, acting_user=self.alice)
        for log in entry_rows(entry):
            text = f"{log.target_label} {log.details}"
            for personal in ("bob@example.org", "alice@example.org", "Bob", "Alice"):
                self.assertNotIn(personal, text)

    def test_a_single_write_costs_one_more_query(self):
        # One INSERT of the audit row per create and change; a deletion also reads the tags it records.
        rules = rules_for(self.bob, self.org)
        self.create()
        with CaptureQueriesContext(connection) as created:
            entry = actions.create_entry(rules, self.bob, EntryData(project=self.project.uid, date=DAY, duration=60))
        with CaptureQueriesContext(connection) as changed:
            actions.update_entry(rules, entry, EntryData(duration=120))
        with CaptureQueriesContext(connection) as deleted:
            actions.delete_entry(entry, acting_user=self.bob)
        self.assertEqual([audit_inserts(q) for q in (created, changed, deleted)], [1, 1, 1])
        # Before the audit trail these were 8, 7 and 6 (savepoints included); on PostgreSQL each
        # also locks the person's membership row first (orgs.access.lock_member).
        lock = 1 if connection.features.has_select_for_update else 0
        self.assertEqual([len(q) for q in (created, changed, deleted)], [9 + lock, 8 + lock, 8 + lock])


class BulkAuditTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.project = make_project(cls.org, "Website")
        Tag.objects.create(org=cls.org, name="bulk")

    def items(self, n, prefix):
        return [(f"{prefix}{i}", EntryData(project=self.project.uid, date=DAY - dt.timedelta(days=i % 20), duration=60,
                                           tags=["bulk"])) for i in range(n)]

    def run_batch(self, n, prefix):
        rules = rules_for(self.bob, self.org)
        with CaptureQueriesContext(connection) as queries:
            results, created = actions.bulk_create_entries(rules, lambda data: self.bob, self.items(n, prefix),
                                                           atomic_batch=True)
        self.assertEqual(created, n)
        return results, queries

    def test_a_batch_writes_one_row_per_entry_in_one_insert(self):
        results, queries = self.run_batch(40, "a")
        self.assertEqual(audit_inserts(queries), 1)
        rows = AuditLog.objects.filter(event=AuditEvent.ENTRY_CREATED)
        self.assertEqual(sorted(rows.values_list("target_id", flat=True)), sorted(r["id"] for r in results))
        log = rows.get(target_id=results[0]["id"])
        self.assertEqual((log.actor, log.details["via"], log.details["changes"]["tags"]), (self.bob, "bulk", [None, ["bulk"]]))

    def test_a_batch_costs_the_same_number_of_queries_whatever_its_size(self):
        self.run_batch(2, "warm")
        _, small = self.run_batch(5, "s")
        _, large = self.run_batch(200, "l")
        self.assertEqual(len(small), len(large))

    def test_a_refused_batch_writes_no_row(self):
        items = self.items(3, "k") + [("bad", EntryData(project="nope", date=DAY, duration=60))]
        actions.bulk_create_entries(rules_for(self.bob, self.org), lambda data: self.bob, items, atomic_batch=True)
        self.assertFalse(AuditLog.objects.exists())


class TimerRepriceAndGridAuditTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.project = make_project(cls.org, "Website")

    def test_stopping_the_timer_records_each_entry_it_makes_in_one_insert(self):
        self.org.timer_midnight = "split"
        self.org.save()
        start = dt.datetime(2026, 3, 10, 22, 0, tzinfo=dt.UTC)
        Timer.objects.create(user=self.bob, org=self.org, project=self.project, started_at=start)
        with CaptureQueriesContext(connection) as queries:
            entries = actions.stop_timer(rules_for(self.bob, self.org), self.bob, now=start + dt.timedelta(hours=3))
        self.assertEqual(len(entries), 2)
        self.assertEqual(audit_inserts(queries), 1)
        rows = AuditLog.objects.filter(event=AuditEvent.ENTRY_CREATED)
        self.assertEqual(set(rows.values_list("target_id", flat=True)), {e.uid for e in entries})
        self.assertEqual({r.details["via"] for r in rows}, {"timer"})
        self.assertEqual(sorted(r.details["changes"]["duration"][1] for r in rows), [3600, 7200])

    def test_repricing_records_each_entrys_old_and_new_rates(self):
        entry = TimeEntry.objects.create(org=self.org, user=self.bob, project=self.project, date=DAY, duration=3600,
                                         bill_rate=Decimal("50"), bill_currency="USD")
        untouched = TimeEntry.objects.create(org=self.org, user=self.bob, project=self.project, date=DAY + dt.timedelta(
            days=40), duration=3600)
        make_rate(self.org, RateKind.BILLING, "100", currency="EUR")
        actions.do_reprice_entries(self.org, date_from=DAY, date_to=DAY, acting_user=self.alice)
        log = entry_rows(entry, AuditEvent.ENTRY_CHANGED).get()
        self.assertEqual((log.actor, log.details["via"]), (self.alice, "reprice"))
        self.assertEqual(log.details["changes"], {"bill_rate": ["50.00", "100.00"], "bill_currency": ["USD", "EUR"]})
        self.assertEqual(log.target_label, "2026-03-10 Website")
        self.assertFalse(entry_rows(untouched).exists())

    def test_repricing_writes_one_insert_per_batch(self):
        for i in range(30):
            TimeEntry.objects.create(org=self.org, user=self.bob, project=self.project, date=DAY, duration=60 + i)
        make_rate(self.org, RateKind.BILLING, "100")
        with CaptureQueriesContext(connection) as queries:
            actions.do_reprice_entries(self.org, date_from=DAY, date_to=DAY, acting_user=self.alice)
        # The entries' rows in one INSERT, and the organisation's row for the re-pricing.
        self.assertEqual(audit_inserts(queries), 2)
        self.assertEqual(entry_rows(event=AuditEvent.ENTRY_CHANGED).count(), 30)

    def cell(self, seconds):
        grid = build_week(self.org, self.bob, DAY, [(self.project, None)])
        signature = grid.rows[0].cells[grid.days.index(DAY)].signature
        set_cell_total(rules_for(self.bob, self.org), self.bob, self.project, None, DAY, seconds, signature)

    def test_the_week_grid_records_creation_changes_and_clearing(self):
        self.cell(3600)
        entry = TimeEntry.objects.get()
        self.cell(5400)
        self.cell(0)
        rows = [(log.event, log.actor, log.details["changes"].get("duration")) for log in entry_rows(entry)]
        self.assertEqual(rows, [(AuditEvent.ENTRY_CREATED, self.bob, [None, 3600]),
                                (AuditEvent.ENTRY_CHANGED, self.bob, [3600, 5400]),
                                (AuditEvent.ENTRY_DELETED, self.bob, [5400, None])])


class EntryHistoryPanelTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.maria = make_user("maria@example.org", "Maria Manager")
        Membership.objects.create(org=cls.org, user=cls.maria, role=Role.MANAGER)
        cls.project = make_project(cls.org, "Website", project_manager=cls.maria)

    def setUp(self):
        with time_machine.travel(dt.datetime(2026, 3, 10, 8, 0, tzinfo=dt.UTC).timestamp(), tick=False):
            self.entry = actions.create_entry(rules_for(self.bob, self.org), self.bob,
                                              EntryData(project=self.project.uid, date=DAY, duration=3600))
        with time_machine.travel(dt.datetime(2026, 3, 10, 9, 15, tzinfo=dt.UTC).timestamp(), tick=False):
            actions.update_entry(rules_for(self.bob, self.org), self.entry,
                                 EntryData(duration=5400, description="Wireframes"))
        self.url = f"/o/alpha/entries/{self.entry.uid}/"

    def test_it_lists_the_changes_newest_first(self):
        self.login(self.bob)
        r = self.client.get(self.url)
        items = r.context["history"]
        self.assertEqual([item.log.event for item in items], [AuditEvent.ENTRY_CHANGED, AuditEvent.ENTRY_CREATED])
        self.assertContains(r, "<strong>Bob Example</strong> changed", html=False)
        self.assertContains(r, "duration 1:00 → 1:30")
        self.assertContains(r, "description — → Wireframes")
        self.assertContains(r, "created the entry")

    def test_times_are_in_the_viewers_time_zone(self):
        self.alice.time_zone = "Asia/Kolkata"
        self.alice.save()
        self.login(self.alice)
        self.assertContains(self.client.get(self.url), "10 Mar 2026 14:45")
        self.login(self.bob)
        self.assertContains(self.client.get(self.url), "10 Mar 2026 09:15")

    def test_an_entry_without_history_says_so(self):
        quiet = TimeEntry.objects.create(org=self.org, user=self.bob, project=self.project, date=DAY, duration=60)
        self.login(self.bob)
        r = self.client.get(f"/o/alpha/entries/{quiet.uid}/")
        self.assertContains(r, "No changes recorded for this entry yet.")

    def test_whoever_may_see_the_entry_sees_its_history(self):
        for person in (self.bob, self.alice, self.maria):
            self.login(person)
            r = self.client.get(self.url)
            self.assertEqual(r.status_code, 200, person)
            self.assertContains(r, "duration 1:00 → 1:30")

    def test_another_member_gets_404(self):
        carol, _ = self.add_member("carol@example.org", "Carol Member")
        self.login(carol)
        self.assertEqual(self.client.get(self.url).status_code, 404)

    def test_an_external_member_gets_403(self):
        erin, _ = self.add_member("erin@client.example", "Erin Client", role=Role.EXTERNAL)
        self.login(erin)
        self.assertEqual(self.client.get(self.url).status_code, 403)

    def test_outsiders_get_404(self):
        self.login(self.charlie)
        self.assertEqual(self.client.get(self.url).status_code, 404)

    def test_its_query_count_does_not_grow_with_history(self):
        self.login(self.bob)
        self.client.get(self.url)
        # 13: the page's 11 (form choices, tags, custom fields, layout), one for the locks (settings and
        # the day's timesheets) and one for the history with its actors.
        with self.assertNumQueries(13):
            self.client.get(self.url)
        for seconds in range(600, 6000, 600):
            actions.update_entry(rules_for(self.alice, self.org), TimeEntry.objects.get(pk=self.entry.pk),
                                 EntryData(duration=seconds))
        with self.assertNumQueries(13):
            r = self.client.get(self.url)
        self.assertEqual(len(r.context["history"]), 11)
