"""The audit log's history helpers: recording field changes, reading one item's history, and saying it in words."""

import datetime as dt
import zoneinfo
from decimal import Decimal
from types import SimpleNamespace

from django.utils import timezone

from timelive.orgs.history import (
    Change,
    audit_row,
    describe,
    display_value,
    field_changes,
    filter_logs,
    history_for,
    write_rows,
)
from timelive.orgs.models import AuditEvent, AuditLog
from timelive.test import BaseTestCase


def at(*args):
    return dt.datetime(*args, tzinfo=dt.UTC)


class FieldChangesTestCase(BaseTestCase):
    def test_it_keeps_only_what_changed_as_json(self):
        old = {"date": dt.date(2026, 3, 10), "rate": Decimal("50"), "note": "a", "same": 1,
               "start": at(2026, 3, 10, 9)}
        new = {"date": dt.date(2026, 3, 11), "rate": Decimal("50.00"), "note": "b", "same": 1,
               "start": at(2026, 3, 10, 10)}
        self.assertEqual(field_changes(old, new, ["date", "rate", "note", "same", "start"]), {
            "date": ["2026-03-10", "2026-03-11"], "note": ["a", "b"],
            "start": ["2026-03-10T09:00:00+00:00", "2026-03-10T10:00:00+00:00"],
        })

    def test_it_reads_objects_as_well_as_mappings(self):
        old = SimpleNamespace(amount=Decimal("12.50"), project=self.org)
        self.assertEqual(field_changes(old, {"amount": Decimal("13"), "project": self.other_org}, ["amount", "project"]),
                         {"amount": ["12.50", "13"], "project": ["Alpha Ltd", "Bravo Inc"]})

    def test_created_and_deleted_items_leave_out_empty_values(self):
        values = {"description": "", "tags": [], "duration": 60, "task": None, "fields": {}}
        fields = list(values)
        self.assertEqual(field_changes(None, values, fields), {"duration": [None, 60]})
        self.assertEqual(field_changes(values, None, fields), {"duration": [60, None]})


class RecordingAndReadingTestCase(BaseTestCase):
    def test_rows_are_written_in_one_insert_and_read_back_newest_first(self):
        rows = [audit_row(self.org, AuditEvent.ENTRY_CHANGED, actor=self.bob, target_type="timeentry", target_id="e1",
                          target_label="2026-03-10 Website", created_at=at(2026, 3, 10, 9 + i),
                          changes={"duration": [i, i + 1]}) for i in range(3)]
        rows.append(audit_row(self.org, AuditEvent.ENTRY_CHANGED, actor_id=self.alice.pk, target_type="timeentry",
                              target_id="e2", changes={}))
        rows.append(audit_row(self.other_org.pk, AuditEvent.ENTRY_CHANGED, target_type="timeentry", target_id="e1"))
        with self.assertNumQueries(1):
            write_rows(rows)
        history = list(history_for(self.org, "timeentry", "e1"))
        self.assertEqual([log.details["changes"]["duration"] for log in history], [[2, 3], [1, 2], [0, 1]])
        self.assertEqual({log.actor for log in history}, {self.bob})
        self.assertEqual(AuditLog.objects.get(target_id="e2").actor, self.alice)

    def test_writing_nothing_costs_nothing(self):
        with self.assertNumQueries(0):
            write_rows([])

    def test_filters_combine(self):
        def log(event, actor, when, target_type="timeentry"):
            AuditLog.objects.create(org=self.org, actor=actor, event=event, target_type=target_type, target_id="x",
                                    target_label=f"{event} {actor.full_name} {when:%d}", created_at=when)

        log(AuditEvent.ENTRY_CHANGED, self.bob, at(2026, 3, 10, 12))
        log(AuditEvent.ENTRY_CREATED, self.alice, at(2026, 3, 10, 12))
        log(AuditEvent.TIMESHEET_APPROVED, self.alice, at(2026, 3, 11, 12), "submission")
        log(AuditEvent.MEMBER_JOINED, self.alice, at(2026, 3, 12, 12), "membership")
        logs = AuditLog.objects.filter(org=self.org)

        def labels(**filters):
            return sorted(filter_logs(logs, zone=dt.UTC, **filters).values_list("target_label", flat=True))

        self.assertEqual(labels(kind="entries"), ["entry.changed Bob Example 10", "entry.created Alice Example 10"])
        self.assertEqual(labels(kind="entries", actor=self.alice), ["entry.created Alice Example 10"])
        self.assertEqual(labels(target_type="submission"), ["timesheet.approved Alice Example 11"])
        self.assertEqual(labels(date_from=dt.date(2026, 3, 11), date_to=dt.date(2026, 3, 11)),
                         ["timesheet.approved Alice Example 11"])
        self.assertEqual(labels(kind="members", event=AuditEvent.MEMBER_JOINED), ["member.joined Alice Example 12"])


class DescribeTestCase(BaseTestCase):
    def row(self, event, actor=None, **details):
        return AuditLog(org=self.org, actor=actor, event=event, details=details)

    def test_a_change_reads_old_to_new(self):
        item = describe(self.row(AuditEvent.ENTRY_CHANGED, self.alice,
                                 changes={"duration": [3600, 5400], "billable": [True, False], "tags": [["a"], []]}))
        self.assertEqual((item.who, item.verb), ("Alice Example", "changed"))
        self.assertEqual([str(c) for c in item.changes],
                         ["duration 1:00 → 1:30", "billable yes → no", "tags a → none"])

    def test_changes_made_by_approval_or_repricing_say_so(self):
        approval = describe(self.row(AuditEvent.ENTRY_CHANGED, self.bob, via="approval",
                                     changes={"status": ["open", "submitted"]}))
        self.assertEqual((approval.verb, str(approval.changes[0])),
                         ("changed (timesheet approval)", "status Open → Submitted"))
        self.assertEqual(describe(self.row(AuditEvent.ENTRY_CHANGED, self.alice, via="reprice")).verb,
                         "changed (re-pricing)")

    def test_creation_and_deletion_read_as_values(self):
        created = describe(self.row(AuditEvent.ENTRY_CREATED, self.bob, changes={"duration": [None, 60]}))
        deleted = describe(self.row(AuditEvent.ENTRY_DELETED, self.bob, changes={"duration": [60, None]}))
        self.assertEqual([str(c) for c in created.changes + deleted.changes], ["duration 0:01", "duration 0:01"])
        self.assertEqual((created.verb, deleted.verb), ("created the entry", "deleted the entry"))

    def test_times_are_shown_in_the_active_time_zone(self):
        with timezone.override(zoneinfo.ZoneInfo("America/New_York")):
            self.assertEqual(display_value("start", "2026-03-10T14:00:00+00:00"), "2026-03-10 10:00")
        self.assertEqual(display_value("start", "not a time"), "not a time")

    def test_timesheet_steps_read_as_sentences(self):
        self.assertEqual(describe(self.row(AuditEvent.TIMESHEET_APPROVED, self.bob, tier=1)).verb, "approved step 1")
        self.assertEqual(describe(self.row(AuditEvent.TIMESHEET_APPROVED, None, tier=2, final=True)).verb,
                         "approved the timesheet (step 2, the last)")
        self.assertEqual(describe(self.row(AuditEvent.TIMESHEET_APPROVED, None, final=True)).who, "TimeLive")
        waiting = describe(self.row(AuditEvent.TIMESHEET_WAITING, tier=2, approver_names=["Tina", "Erin"]))
        self.assertEqual((waiting.who, waiting.verb), ("", "Waiting for Tina, Erin (step 2)"))
        override = describe(self.row(AuditEvent.TIMESHEET_OVERRIDDEN, self.alice, action="reopen", comment="Why"))
        self.assertEqual((override.verb, override.comment), ("overrode the approval path: reopen", "Why"))

    def test_other_events_read_as_their_label(self):
        self.assertEqual(describe(self.row(AuditEvent.EXPENSE_RECEIPT_ADDED, self.bob)).verb, "receipt added")

    def test_odd_details_do_not_break_it(self):
        item = describe(self.row(AuditEvent.ENTRY_CHANGED, self.bob, changes={"duration": "oops", "x": [1]}))
        self.assertEqual(item.changes, [Change("duration", "duration", "—", "oops"), Change("x", "x", "1", "—")])
