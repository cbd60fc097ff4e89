"""Each approval transition writes the audit log in its own transaction: one row for the step (period,
step, comment, status old → new), one naming who must act next, and one per entry whose status moved."""

import datetime as dt

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from timelive.orgs.models import AuditEvent, AuditLog
from timelive.privacy.core.registry import erase_person
from timelive.tracking.actions import update_entry
from timelive.tracking.entries import EntryData
from timelive.tracking.models import EntryStatus, TimeEntry
from timelive.tracking.tests.helpers import rules_for

from ..actions import (
    OVERRIDE_REOPEN,
    ApprovalError,
    do_approve,
    do_override,
    do_recall,
    do_reject,
    do_submit_timesheet,
)
from ..models import PathKind
from .helpers import MONDAY, SUNDAY, ApprovalTestCase, builtin, set_default_path

PERIOD = ["2026-03-02", "2026-03-08"]


def steps(submission):
    """(event, actor, a few details) of the timesheet's own rows, oldest first."""
    rows = AuditLog.objects.filter(target_type="submission", target_id=submission.uid).order_by("created_at", "id")
    return [(r.event, r.actor, r.details.get("tier"), r.details.get("comment")) for r in rows]


def audit_inserts(queries) -> int:
    return sum(1 for q in queries.captured_queries if q["sql"].startswith('INSERT INTO "orgs_auditlog"'))


class ApprovalAuditTestCase(ApprovalTestCase):
    def submit(self, person=None, **kwargs):
        person = person or self.bob
        kwargs.setdefault("acting_user", person)
        return do_submit_timesheet(self.org, person, MONDAY, SUNDAY, **kwargs)

    def test_the_whole_story_is_in_the_audit_log(self):
        tuesday = self.log(self.bob, MONDAY + dt.timedelta(days=1), 7200)
        submission = self.submit(comment="My week")
        do_approve(submission, acting_user=self.tina, expected_tier=1)
        do_reject(submission, acting_user=self.erin, expected_tier=2, comment="Tuesday is two hours too long.")
        update_entry(rules_for(self.bob, self.org), tuesday, EntryData(duration=3600))
        submission = self.submit()
        do_approve(submission, acting_user=self.tina, expected_tier=1)
        do_approve(submission, acting_user=self.erin, expected_tier=2, comment="Thanks")
        do_override(submission, OVERRIDE_REOPEN, acting_user=self.alice, comment="Wrong project on Monday")
        self.assertEqual(steps(submission), [
            (AuditEvent.TIMESHEET_SUBMITTED, self.bob, 1, "My week"),
            (AuditEvent.TIMESHEET_WAITING, None, 1, None),
            (AuditEvent.TIMESHEET_APPROVED, self.tina, 1, ""),
            (AuditEvent.TIMESHEET_WAITING, None, 2, None),
            (AuditEvent.TIMESHEET_REJECTED, self.erin, 2, "Tuesday is two hours too long."),
            (AuditEvent.TIMESHEET_SUBMITTED, self.bob, 1, ""),
            (AuditEvent.TIMESHEET_WAITING, None, 1, None),
            (AuditEvent.TIMESHEET_APPROVED, self.tina, 1, ""),
            (AuditEvent.TIMESHEET_WAITING, None, 2, None),
            (AuditEvent.TIMESHEET_APPROVED, self.erin, 2, "Thanks"),
            (AuditEvent.TIMESHEET_OVERRIDDEN, self.alice, 2, "Wrong project on Monday"),
        ])
        rows = AuditLog.objects.filter(target_type="submission").order_by("created_at", "id")
        first, final, override = rows[0], rows[9], rows[10]
        self.assertEqual(first.target_label, "Timesheet of Bob Example · 2 Mar – 8 Mar 2026")
        self.assertEqual((first.details["period"], first.details["tiers"], first.details["again"]), (PERIOD, 2, False))
        self.assertEqual(first.details["changes"], {"status": [None, "submitted"], "current_tier": [None, 1]})
        self.assertEqual(rows[5].details["again"], True)
        self.assertEqual((final.details["final"], final.details["changes"]), (True, {"status": ["submitted", "approved"]}))
        self.assertEqual((override.details["action"], override.details["override"], override.details["changes"]),
                         ("reopen", True, {"status": ["approved", "reopened"]}))
        # The fix between the rejection and the second submission is in the entry's own history.
        fix = AuditLog.objects.get(event=AuditEvent.ENTRY_CHANGED, target_id=tuesday.uid, details__via__isnull=True)
        self.assertEqual((fix.actor, fix.details["changes"]), (self.bob, {"duration": [7200, 3600]}))

    def test_waiting_rows_name_who_must_act_next(self):
        self.log(self.bob)
        submission = self.submit()
        waiting = AuditLog.objects.get(event=AuditEvent.TIMESHEET_WAITING)
        self.assertEqual((waiting.actor, waiting.details["approvers"], waiting.details["approver_names"]),
                         (None, [self.tina_membership.code], ["Tina Lead"]))
        do_approve(submission, acting_user=self.tina, expected_tier=1)
        waiting = AuditLog.objects.filter(event=AuditEvent.TIMESHEET_WAITING).latest("id")
        # An external member can be the approver who must act.
        self.assertEqual((waiting.details["tier"], waiting.details["approvers"]), (2, [self.erin_membership.code]))

    def test_entries_record_their_status_moves(self):
        monday = self.log(self.bob)
        submission = self.submit()
        do_reject(submission, acting_user=self.tina, comment="No")
        rows = AuditLog.objects.filter(target_id=monday.uid).order_by("id")
        self.assertEqual([(r.event, r.actor, r.details["changes"], r.details["via"], r.details["submission"])
                          for r in rows], [
            (AuditEvent.ENTRY_CHANGED, self.bob, {"status": ["open", "submitted"]}, "approval", submission.uid),
            (AuditEvent.ENTRY_CHANGED, self.tina, {"status": ["submitted", "rejected"]}, "approval", submission.uid),
        ])
        self.assertEqual(rows[0].target_label, "2026-03-02 Website")

    def test_recall_is_recorded(self):
        self.log(self.bob)
        submission = self.submit()
        do_recall(submission, acting_user=self.bob, comment="Forgot Friday")
        self.assertEqual(steps(submission)[-1], (AuditEvent.TIMESHEET_RECALLED, self.bob, 1, "Forgot Friday"))
        self.assertEqual(TimeEntry.objects.get().status, EntryStatus.OPEN)

    def test_an_administrator_submitting_for_someone_is_an_override(self):
        self.log(self.bob)
        submission = self.submit(acting_user=self.alice, comment="Bob is away")
        row = AuditLog.objects.get(target_id=submission.uid, event=AuditEvent.TIMESHEET_OVERRIDDEN)
        self.assertEqual((row.actor, row.details["action"], row.details["override"]), (self.alice, "submit", True))
        self.assertFalse(AuditLog.objects.filter(event=AuditEvent.TIMESHEET_SUBMITTED).exists())

    def test_a_timesheet_that_needs_no_approval_is_approved_by_timelive(self):
        set_default_path(self.org, builtin(self.org, PathKind.NOT_REQUIRED))
        self.log(self.bob)
        submission = self.submit()
        self.assertEqual(steps(submission), [(AuditEvent.TIMESHEET_SUBMITTED, self.bob, 0, ""),
                                             (AuditEvent.TIMESHEET_APPROVED, None, 0, "No approval is required.")])
        self.assertEqual(AuditLog.objects.filter(event=AuditEvent.ENTRY_CHANGED).get().details["changes"],
                         {"status": ["open", "approved"]})

    def test_a_refused_step_writes_nothing(self):
        self.log(self.bob)
        submission = self.submit()
        before = AuditLog.objects.count()
        with self.assertRaises(ApprovalError):
            do_approve(submission, acting_user=self.erin, expected_tier=1)
        with self.assertRaises(ApprovalError):
            do_approve(submission, acting_user=self.tina, expected_tier=2)
        do_approve(submission, acting_user=self.tina, expected_tier=1)
        with self.assertRaises(ApprovalError):
            do_approve(submission, acting_user=self.tina, expected_tier=1)
        self.assertEqual(AuditLog.objects.count(), before + 2)

    def test_the_rows_are_written_in_the_transitions_transaction(self):
        self.log(self.bob)
        submission = self.submit()
        before = AuditLog.objects.count()
        with self.assertRaises(RuntimeError), transaction.atomic():
            do_approve(submission, acting_user=self.tina, expected_tier=1)
            raise RuntimeError("the caller fails after the step")
        self.assertEqual(AuditLog.objects.count(), before)

    def test_a_step_writes_all_its_rows_in_one_insert(self):
        for day in range(5):
            self.log(self.bob, MONDAY + dt.timedelta(days=day))
        with CaptureQueriesContext(connection) as queries:
            submission = self.submit()
        self.assertEqual(audit_inserts(queries), 1)
        # The step, who it waits for, and the five entries.
        self.assertEqual(AuditLog.objects.count(), 7)
        with CaptureQueriesContext(connection) as queries:
            do_reject(submission, acting_user=self.tina, comment="No")
        self.assertEqual((audit_inserts(queries), AuditLog.objects.count()), (1, 13))

    def test_erasure_replaces_names_in_the_rows(self):
        self.log(self.bob)
        submission = self.submit()
        do_reject(submission, acting_user=self.tina, comment="Tina Lead says: Bob Example, check Monday")
        erase_person(self.tina)
        waiting = AuditLog.objects.get(event=AuditEvent.TIMESHEET_WAITING)
        self.assertEqual(waiting.details["approver_names"], [f"Deleted user {self.tina.pk}"])
        self.assertEqual(waiting.details["approvers"], [self.tina_membership.code])
        rejected = AuditLog.objects.get(event=AuditEvent.TIMESHEET_REJECTED)
        self.assertEqual(rejected.details["comment"], f"Deleted user {self.tina.pk} says: Bob Example, check Monday")
        erase_person(self.bob)
        for row in AuditLog.objects.filter(target_type="submission"):
            self.assertNotIn("Bob Example", f"{row.target_label} {row.details}")
            self.assertIn(f"Deleted user {self.bob.pk}", row.target_label)


class TimesheetHistoryPanelTestCase(ApprovalTestCase):
    def setUp(self):
        self.monday = self.log(self.bob)
        self.submission = do_submit_timesheet(self.org, self.bob, MONDAY, SUNDAY, acting_user=self.bob)
        self.url = f"/o/alpha/approvals/timesheets/{self.submission.uid}/"

    def test_it_tells_the_steps_who_is_waiting_and_the_fixes(self):
        do_reject(self.submission, acting_user=self.tina, comment="Monday is too short")
        update_entry(rules_for(self.bob, self.org), self.monday, EntryData(duration=7200))
        for person in (self.bob, self.tina, self.alice):
            self.login(person)
            r = self.client.get(self.url)
            self.assertContains(r, "Audit trail")
            self.assertContains(r, "<strong>Tina Lead</strong> rejected step 1", html=False)
            self.assertContains(r, "Monday is too short")
            self.assertContains(r, "Waiting for Tina Lead (step 1)")
            self.assertContains(r, "<strong>Bob Example</strong> changed", html=False)
            self.assertContains(r, "duration 1:00 → 2:00")
            # The entries' own status moves are told by the steps, not repeated line by line.
            self.assertNotContains(r, "(timesheet approval)")
            # Newest first.
            self.assertEqual([item.verb for item in r.context["history"]],
                             ["changed", "rejected step 1", "Waiting for Tina Lead (step 1)", "submitted the timesheet"])

    def test_outsiders_and_other_members_get_404(self):
        carol = self.add_member("carol@example.org", "Carol Member")[0]
        for person in (self.charlie, carol):
            self.login(person)
            self.assertEqual(self.client.get(self.url).status_code, 404)
