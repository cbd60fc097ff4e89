import datetime as dt
from unittest import mock

from timelive.tracking.actions import Locked, delete_entry, update_entry
from timelive.tracking.entries import EntryData
from timelive.tracking.models import EntryStatus, TimeEntry
from timelive.tracking.tests.helpers import make_project, rules_for

from ..actions import (
    OVERRIDE_APPROVE,
    OVERRIDE_DELETE,
    OVERRIDE_REJECT,
    OVERRIDE_REOPEN,
    ApprovalError,
    do_approve,
    do_override,
    do_recall,
    do_reject,
    do_submit_timesheet,
    submission_changed,
)
from ..models import EventAction, PathKind, Submission, SubmissionStatus
from .helpers import MONDAY, SUNDAY, ApprovalTestCase, builtin, set_default_path, set_manager


def statuses(submission):
    return set(TimeEntry.objects.filter(user=submission.person, date__gte=submission.start, date__lte=submission.end)
               .values_list("status", flat=True))


class EngineTestCase(ApprovalTestCase):
    def submit(self, person=None, start=MONDAY, end=SUNDAY, **kwargs):
        person = person or self.bob
        kwargs.setdefault("acting_user", person)
        return do_submit_timesheet(self.org, person, start, end, **kwargs)

    def test_it_walks_a_timesheet_through_two_tiers_a_rejection_and_a_resubmission(self):
        monday = self.log(self.bob, MONDAY, 3600)
        self.log(self.bob, MONDAY + dt.timedelta(days=1), 7200)
        submission = self.submit()
        self.assertEqual((submission.status, submission.current_tier, submission.tier_count), ("submitted", 1, 2))
        self.assertEqual(submission.path_title, "Lead then client")
        self.assertEqual(statuses(submission), {EntryStatus.SUBMITTED})
        # Submitted time is locked against the person too.
        with self.assertRaises(Locked):
            update_entry(rules_for(self.bob, self.org), monday, EntryData(duration=60))

        do_approve(submission, acting_user=self.tina, expected_tier=1)
        submission.refresh_from_db()
        self.assertEqual((submission.status, submission.current_tier), ("submitted", 2))
        do_reject(submission, acting_user=self.erin, expected_tier=2, comment="Tuesday is two hours too long.")
        submission.refresh_from_db()
        self.assertEqual(submission.status, SubmissionStatus.REJECTED)
        self.assertEqual(statuses(submission), {EntryStatus.REJECTED})

        # Rejected time can be fixed, then the same range submitted again.
        tuesday = TimeEntry.objects.get(date=MONDAY + dt.timedelta(days=1))
        update_entry(rules_for(self.bob, self.org), tuesday, EntryData(duration=3600))
        again = self.submit()
        self.assertEqual(again.pk, submission.pk)
        self.assertEqual((again.status, again.current_tier), ("submitted", 1))
        # The lead approved once already; this is a new round, so they approve again.
        with self.assertRaisesMessage(ApprovalError, "not an approver of step 1"):
            do_approve(again, acting_user=self.erin, expected_tier=1)
        do_approve(again, acting_user=self.tina, expected_tier=1)
        do_approve(again, acting_user=self.erin, expected_tier=2)
        again.refresh_from_db()
        self.assertEqual(again.status, SubmissionStatus.APPROVED)
        self.assertIsNotNone(again.decided_at)
        self.assertEqual(statuses(again), {EntryStatus.APPROVED})
        with self.assertRaises(Locked):
            update_entry(rules_for(self.alice, self.org), tuesday, EntryData(duration=60))
        with self.assertRaises(Locked):
            delete_entry(tuesday)

        # An administrator reopens it, outside the path.
        do_override(again, OVERRIDE_REOPEN, acting_user=self.alice, comment="Wrong project on Monday.")
        again.refresh_from_db()
        self.assertEqual(again.status, SubmissionStatus.REOPENED)
        self.assertEqual(statuses(again), {EntryStatus.OPEN})
        update_entry(rules_for(self.bob, self.org), tuesday, EntryData(duration=1800))

        history = [(e.action, e.tier, e.actor, e.is_override) for e in again.events.all()]
        self.assertEqual(history, [
            (EventAction.SUBMITTED, 1, self.bob, False),
            (EventAction.APPROVED, 1, self.tina, False),
            (EventAction.REJECTED, 2, self.erin, False),
            (EventAction.RESUBMITTED, 1, self.bob, False),
            (EventAction.APPROVED, 1, self.tina, False),
            (EventAction.APPROVED, 2, self.erin, False),
            (EventAction.REOPENED, 2, self.alice, True),
        ])
        self.assertEqual(again.events.get(action=EventAction.REJECTED).comment, "Tuesday is two hours too long.")

    def test_approval_not_required_approves_at_once(self):
        set_default_path(self.org, builtin(self.org, PathKind.NOT_REQUIRED))
        self.log(self.bob)
        submission = self.submit()
        self.assertEqual(submission.status, SubmissionStatus.APPROVED)
        self.assertEqual(statuses(submission), {EntryStatus.APPROVED})
        self.assertEqual([(e.action, e.actor) for e in submission.events.all()],
                         [(EventAction.SUBMITTED, self.bob), (EventAction.APPROVED, None)])

    def test_no_path_at_all_approves_at_once(self):
        set_default_path(self.org, None)
        self.log(self.bob)
        self.assertEqual(self.submit().status, SubmissionStatus.APPROVED)

    def test_approving_twice_not_yours_or_after_a_recall_is_refused_and_changes_nothing(self):
        self.log(self.bob)
        submission = self.submit()
        for person, message in ((self.erin, "not an approver of step 1"), (self.maria, "not an approver of step 1"),
                                (self.bob, "not an approver of step 1"), (self.charlie, "not an approver of step 1")):
            with self.assertRaisesMessage(ApprovalError, message):
                do_approve(submission, acting_user=person, expected_tier=1)
        do_approve(submission, acting_user=self.tina, expected_tier=1)
        # The same click again (a double submit) finds the tier moved on.
        with self.assertRaisesMessage(ApprovalError, "already been decided"):
            do_approve(submission, acting_user=self.tina, expected_tier=1)
        submission.refresh_from_db()
        self.assertEqual((submission.current_tier, submission.events.count()), (2, 2))
        # Too late to recall now.
        with self.assertRaisesMessage(ApprovalError, "cannot be recalled"):
            do_recall(submission, acting_user=self.bob)

        self.log(self.bob, MONDAY + dt.timedelta(days=7))
        next_week = self.submit(start=MONDAY + dt.timedelta(days=7), end=SUNDAY + dt.timedelta(days=7))
        with self.assertRaisesMessage(ApprovalError, "Only the person who submitted"):
            do_recall(next_week, acting_user=self.alice)
        do_recall(next_week, acting_user=self.bob)
        self.assertEqual(statuses(next_week), {EntryStatus.OPEN})
        with self.assertRaisesMessage(ApprovalError, "recalled this timesheet"):
            do_approve(next_week, acting_user=self.tina, expected_tier=1)
        with self.assertRaisesMessage(ApprovalError, "recalled this timesheet"):
            do_reject(next_week, acting_user=self.tina, comment="No.")
        with self.assertRaisesMessage(ApprovalError, "only a timesheet waiting"):
            do_recall(next_week, acting_user=self.bob)
        next_week.refresh_from_db()
        self.assertEqual((next_week.status, next_week.events.count()), (SubmissionStatus.RECALLED, 2))

    def test_a_rejection_needs_a_comment(self):
        self.log(self.bob)
        submission = self.submit()
        with self.assertRaisesMessage(ApprovalError, "Say why you reject it"):
            do_reject(submission, acting_user=self.tina, comment="   ")
        with self.assertRaisesMessage(ApprovalError, "under 2,000 characters"):
            do_reject(submission, acting_user=self.tina, comment="x" * 2001)
        submission.refresh_from_db()
        self.assertEqual(submission.status, SubmissionStatus.SUBMITTED)
        self.assertEqual(statuses(submission), {EntryStatus.SUBMITTED})

    def test_a_day_is_in_one_timesheet_at_a_time(self):
        self.log(self.bob)
        self.submit(start=MONDAY, end=MONDAY + dt.timedelta(days=2))
        with self.assertRaisesMessage(ApprovalError, "already waiting for approval"):
            self.submit()
        with self.assertRaisesMessage(ApprovalError, "already waiting for approval"):
            self.submit(start=MONDAY, end=MONDAY + dt.timedelta(days=2))
        # The rest of the week is free.
        self.submit(start=MONDAY + dt.timedelta(days=3), end=SUNDAY)

    def test_a_submission_stays_within_one_period(self):
        with self.assertRaisesMessage(ApprovalError, "one timesheet period at a time"):
            self.submit(start=MONDAY, end=SUNDAY + dt.timedelta(days=1))
        with self.assertRaisesMessage(ApprovalError, "must not be before"):
            self.submit(start=SUNDAY, end=MONDAY)
        self.assertFalse(Submission.objects.exists())

    def test_a_closed_period_cannot_be_submitted(self):
        settings = self.approval_settings()
        settings.locked_before = MONDAY + dt.timedelta(days=7)
        settings.save()
        with self.assertRaisesMessage(ApprovalError, "is closed"):
            self.submit()

    def test_the_employees_manager_and_the_admins_as_fallback(self):
        set_default_path(self.org, builtin(self.org, PathKind.EMPLOYEE_MANAGER))
        self.log(self.bob)
        # Bob has no manager: the administrators approve.
        submission = self.submit()
        self.assertEqual(set(submission.approvers.values_list("user_id", flat=True)), {self.alice.pk})
        do_recall(submission, acting_user=self.bob)
        set_manager(self.bob_membership, manager=self.maria_membership)
        submission = self.submit()
        self.assertEqual(set(submission.approvers.values_list("user_id", flat=True)), {self.maria.pk})

    def test_nobody_approves_their_own_time(self):
        set_default_path(self.org, builtin(self.org, PathKind.PROJECT_MANAGER))
        self.log(self.maria)
        submission = self.submit(self.maria)
        self.assertEqual(set(submission.approvers.values_list("user_id", flat=True)), {self.alice.pk})

    def test_precedence_member_over_project_over_default(self):
        other = make_project(self.org, "Intranet")
        self.log(self.bob, project=other)
        manager_path = builtin(self.org, PathKind.PROJECT_MANAGER)
        from ..models import ProjectApproval

        # Intranet has no path of its own: the default (two tiers) applies.
        self.assertEqual(self.submit().path, self.path)
        Submission.objects.all().delete()
        ProjectApproval.objects.create(org=self.org, project=other, path=manager_path)
        self.assertEqual(self.submit().path, manager_path)
        Submission.objects.all().delete()
        # Time on a project with the default too: the strictest path (most tiers) applies.
        self.log(self.bob)
        self.assertEqual(self.submit().path, self.path)
        Submission.objects.all().delete()
        not_required = builtin(self.org, PathKind.NOT_REQUIRED)
        set_manager(self.bob_membership, path=not_required)
        submission = self.submit()
        self.assertEqual((submission.path, submission.status), (not_required, SubmissionStatus.APPROVED))

    def test_overrides_are_recorded_with_the_admins_name(self):
        self.log(self.bob)
        submission = self.submit()
        with self.assertRaisesMessage(ApprovalError, "Say why you override"):
            do_override(submission, OVERRIDE_APPROVE, acting_user=self.alice, comment="")
        do_override(submission, OVERRIDE_APPROVE, acting_user=self.alice, comment="Tina is away.")
        submission.refresh_from_db()
        self.assertEqual(submission.status, SubmissionStatus.APPROVED)
        self.assertEqual(statuses(submission), {EntryStatus.APPROVED})
        with self.assertRaisesMessage(ApprovalError, "already approved"):
            do_override(submission, OVERRIDE_APPROVE, acting_user=self.alice, comment="Again.")
        do_override(submission, OVERRIDE_REJECT, acting_user=self.alice, comment="Monday was a holiday.")
        submission.refresh_from_db()
        self.assertEqual(statuses(submission), {EntryStatus.REJECTED})
        with self.assertRaisesMessage(ApprovalError, "already open"):
            do_override(submission, OVERRIDE_REOPEN, acting_user=self.alice, comment="Again.")
        overrides = list(submission.events.filter(is_override=True).values_list("action", "actor__full_name"))
        self.assertEqual(overrides, [("approved", "Alice Example"), ("rejected", "Alice Example")])

    def test_an_admin_deletes_a_timesheet_outside_the_path_and_it_is_audited(self):
        from timelive.orgs.models import AuditEvent, AuditLog

        self.log(self.bob)
        submission = self.submit()
        uids = list(TimeEntry.objects.filter(user=self.bob).values_list("uid", flat=True))
        self.assertTrue(uids)
        with self.assertRaisesMessage(ApprovalError, "Say why you override"):
            do_override(submission, OVERRIDE_DELETE, acting_user=self.alice, comment=" ")
        self.assertEqual(TimeEntry.objects.filter(user=self.bob).count(), len(uids))

        do_override(submission, OVERRIDE_DELETE, acting_user=self.alice, comment="Logged in the wrong organisation.")
        submission.refresh_from_db()
        self.assertEqual(submission.status, SubmissionStatus.DELETED)
        self.assertFalse(TimeEntry.objects.filter(user=self.bob).exists())
        deleted = AuditLog.objects.filter(event=AuditEvent.ENTRY_DELETED, actor=self.alice)
        self.assertEqual(sorted(deleted.values_list("target_id", flat=True)), sorted(uids))
        event = submission.events.get(action=EventAction.DELETED)
        self.assertEqual((event.actor, event.is_override), (self.alice, True))
        with self.assertRaisesMessage(ApprovalError, "already been deleted"):
            do_override(submission, OVERRIDE_DELETE, acting_user=self.alice, comment="Again.")
        # The period is free again: the person can log and submit it anew.
        self.log(self.bob)
        self.assertEqual(self.submit().pk, submission.pk)

    def test_only_admins_may_delete_a_timesheet(self):
        self.log(self.bob)
        submission = self.submit()
        self.login(self.tina)
        r = self.client.post(f"/o/alpha/approvals/timesheets/{submission.uid}/override/",
                             {"action": "delete", "comment": "Not mine to do."})
        self.assertIn(r.status_code, (403, 404))
        self.assertTrue(TimeEntry.objects.filter(user=self.bob).exists())

    def test_transitions_are_announced_once_committed(self):
        self.log(self.bob)
        received = mock.Mock()
        submission_changed.connect(received)
        self.addCleanup(submission_changed.disconnect, received)
        with self.captureOnCommitCallbacks(execute=True):
            submission = self.submit()
        self.assertEqual(received.call_args.kwargs["waiting_for"], [self.tina.pk])
        self.assertEqual(received.call_args.kwargs["event"].action, EventAction.SUBMITTED)
        with self.captureOnCommitCallbacks(execute=True):
            do_approve(submission, acting_user=self.tina, expected_tier=1)
        self.assertEqual(received.call_args.kwargs["waiting_for"], [self.erin.pk])
        with self.captureOnCommitCallbacks(execute=True):
            do_approve(submission, acting_user=self.erin, expected_tier=2)
        self.assertEqual(received.call_args.kwargs["waiting_for"], [])
        self.assertEqual(received.call_count, 3)

    def test_the_path_is_kept_as_it_was_when_submitted(self):
        self.log(self.bob)
        submission = self.submit()
        # Making the path single-tier later does not shorten the submission in flight.
        self.path.tiers.filter(position=2).delete()
        do_approve(submission, acting_user=self.tina, expected_tier=1)
        submission.refresh_from_db()
        self.assertEqual((submission.status, submission.current_tier), (SubmissionStatus.SUBMITTED, 2))

    def test_a_restricted_persons_timesheet_is_left_as_it_is(self):
        from django.utils import timezone

        self.log(self.bob)
        submission = self.submit()
        self.bob.restricted_at = timezone.now()
        self.bob.save()
        with self.assertRaisesMessage(ApprovalError, "restricted"):
            do_approve(submission, acting_user=self.tina, expected_tier=1)
        with self.assertRaisesMessage(ApprovalError, "restricted"):
            do_override(submission, OVERRIDE_REOPEN, acting_user=self.alice, comment="Cleaning up.")
        submission.refresh_from_db()
        self.assertEqual((submission.current_tier, submission.events.count()), (1, 1))
        # The person may still act on their own timesheet.
        do_recall(submission, acting_user=self.bob)
