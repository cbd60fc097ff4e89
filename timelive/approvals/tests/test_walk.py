"""The issue's "done when", walked through the pages as each person: bob submits a week;
it passes two tiers; the second approver rejects it; bob fixes and resubmits; it is
approved and read-only; alice, an administrator, overrides; the history tells it all."""

import datetime as dt

from timelive.tracking.models import EntryStatus, TimeEntry

from ..models import Submission, SubmissionStatus
from .helpers import MONDAY, SUNDAY, ApprovalTestCase


class WalkTestCase(ApprovalTestCase):
    def submission(self):
        return Submission.objects.get()

    def test_the_whole_story(self):
        monday = self.log(self.bob, MONDAY, 3600)
        tuesday = self.log(self.bob, MONDAY + dt.timedelta(days=1), 36000)

        # Bob's week offers the submit button; the submit page shows where it goes.
        self.login(self.bob)
        week = self.client.get(f"/o/alpha/timesheet/{MONDAY}/")
        self.assertContains(week, "Submit this period for approval")
        page = self.client.get(f"/o/alpha/approvals/submit/?day={MONDAY}")
        self.assertContains(page, "Lead then client")
        self.assertContains(page, "Tina Lead")
        self.assertContains(page, "Erin Client")
        r = self.client.post("/o/alpha/approvals/submit/", {"day": MONDAY, "start": MONDAY, "end": SUNDAY,
                                                            "comment": "My first week."})
        self.assertRedirects(r, f"/o/alpha/timesheet/{MONDAY}/")
        submission = self.submission()
        self.assertEqual((submission.status, submission.current_tier), (SubmissionStatus.SUBMITTED, 1))
        week = self.client.get(f"/o/alpha/timesheet/{MONDAY}/")
        self.assertContains(week, "Waiting for approval")
        self.assertNotContains(week, "Submit this period for approval")
        # The grid refuses a change to submitted time.
        r = self.client.post("/o/alpha/timesheet/cell/", {
            "project": self.project.uid, "date": MONDAY, "value": "2:00",
            "signature": f"3600.1.{TimeEntry.objects.get(pk=monday.pk).version}.{monday.pk}"}, HTTP_HX_REQUEST="true")
        self.assertContains(r, "submitted or approved")
        # Erin (tier 2) has nothing yet; tina (tier 1) has it in her inbox, with its hours.
        self.login(self.erin)
        self.assertContains(self.client.get("/o/alpha/approvals/"), "Nothing waits for your approval")
        self.login(self.tina)
        inbox = self.client.get("/o/alpha/approvals/")
        self.assertContains(inbox, "Bob Example")
        self.assertContains(inbox, "11:00")
        # Maria manages the project but is not on this path: she cannot even see it.
        self.login(self.maria)
        self.assertEqual(self.client.get(f"/o/alpha/approvals/timesheets/{submission.uid}/").status_code, 404)

        self.login(self.tina)
        r = self.client.post(f"/o/alpha/approvals/timesheets/{submission.uid}/approve/", {"tier": 1})
        self.assertRedirects(r, "/o/alpha/approvals/")
        self.login(self.erin)
        detail = self.client.get(f"/o/alpha/approvals/timesheets/{submission.uid}/")
        self.assertContains(detail, "Approve step 2")
        # A rejection without a reason is refused and keeps nothing half-done.
        r = self.client.post(f"/o/alpha/approvals/timesheets/{submission.uid}/reject/", {"tier": 2, "comment": ""})
        self.assertContains(r, "Say why you reject it", status_code=400)
        r = self.client.post(f"/o/alpha/approvals/timesheets/{submission.uid}/reject/",
                             {"tier": 2, "comment": "Ten hours on Tuesday?"})
        self.assertRedirects(r, "/o/alpha/approvals/")
        self.assertEqual(self.submission().status, SubmissionStatus.REJECTED)

        # Bob sees why, fixes Tuesday in the day view and submits again.
        self.login(self.bob)
        week = self.client.get(f"/o/alpha/timesheet/{MONDAY}/")
        self.assertContains(week, "Ten hours on Tuesday?")
        self.assertContains(week, "Submit this period for approval")
        r = self.client.post(f"/o/alpha/entries/{tuesday.uid}/", {
            "project_task": f"{self.project.uid}:", "date": tuesday.date, "duration": "8:00", "billable": "yes",
            "version": TimeEntry.objects.get(pk=tuesday.pk).version})
        self.assertEqual(r.status_code, 302)
        self.assertEqual(TimeEntry.objects.get(pk=tuesday.pk).duration, 8 * 3600)
        self.client.post("/o/alpha/approvals/submit/", {"day": MONDAY, "start": MONDAY, "end": SUNDAY})
        self.assertEqual(self.submission().status, SubmissionStatus.SUBMITTED)

        self.login(self.tina)
        self.client.post(f"/o/alpha/approvals/timesheets/{submission.uid}/approve/", {"tier": 1})
        self.login(self.erin)
        self.client.post(f"/o/alpha/approvals/timesheets/{submission.uid}/approve/", {"tier": 2, "comment": "Thanks."})
        self.assertEqual(self.submission().status, SubmissionStatus.APPROVED)
        self.assertEqual(set(TimeEntry.objects.values_list("status", flat=True)), {EntryStatus.APPROVED})

        # Approved time is read-only for bob, even through the day view and the delete page.
        self.login(self.bob)
        r = self.client.post(f"/o/alpha/entries/{tuesday.uid}/", {
            "project_task": f"{self.project.uid}:", "date": tuesday.date, "duration": "1:00", "billable": "yes",
            "version": TimeEntry.objects.get(pk=tuesday.pk).version})
        self.assertContains(r, "approved and cannot be changed", status_code=400)
        self.client.post(f"/o/alpha/entries/{tuesday.uid}/delete/")
        self.assertEqual(TimeEntry.objects.get(pk=tuesday.pk).duration, 8 * 3600)

        # Alice reopens it as an override; bob may change his time again.
        self.login(self.alice)
        self.assertContains(self.client.get(f"/o/alpha/approvals/timesheets/{submission.uid}/override/"), "Override")
        r = self.client.post(f"/o/alpha/approvals/timesheets/{submission.uid}/override/",
                             {"action": "reopen", "comment": "Tuesday belongs to another project."})
        self.assertRedirects(r, f"/o/alpha/approvals/timesheets/{submission.uid}/")
        self.assertEqual(set(TimeEntry.objects.values_list("status", flat=True)), {EntryStatus.OPEN})

        # The history tells the whole story, to bob as to alice.
        self.login(self.bob)
        detail = self.client.get(f"/o/alpha/approvals/timesheets/{submission.uid}/")
        history = [(e.get_action_display(), str(e.actor), e.tier, e.is_override) for e in detail.context["events"]]
        self.assertEqual(history, [
            ("Submitted", "Bob Example", 1, False),
            ("Approved", "Tina Lead", 1, False),
            ("Rejected", "Erin Client", 2, False),
            ("Submitted again", "Bob Example", 1, False),
            ("Approved", "Tina Lead", 1, False),
            ("Approved", "Erin Client", 2, False),
            ("Reopened", "Alice Example", 2, True),
        ])
        for text in ("My first week.", "Ten hours on Tuesday?", "Thanks.", "Tuesday belongs to another project.",
                     "override"):
            self.assertContains(detail, text)
