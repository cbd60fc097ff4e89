import datetime as dt

from timelive.tracking.models import EntryStatus, TimeEntry
from timelive.tracking.tests.helpers import make_project

from ..actions import do_approve, do_recall, do_submit_timesheet
from ..models import EventAction, SubmissionStatus
from .helpers import MONDAY, SUNDAY, ApprovalTestCase


class SubmissionPagesTestCase(ApprovalTestCase):
    def setUp(self):
        self.log(self.bob, MONDAY, 3600)
        self.log(self.bob, MONDAY + dt.timedelta(days=2), 1800, project=make_project(self.org, "Intranet"))
        self.submission = do_submit_timesheet(self.org, self.bob, MONDAY, SUNDAY, acting_user=self.bob)
        self.url = f"/o/alpha/approvals/timesheets/{self.submission.uid}/"

    def refreshed(self):
        self.submission.refresh_from_db()
        return self.submission

    def test_it_shows_entries_totals_approvers_and_history(self):
        self.login(self.tina)
        r = self.client.get(self.url)
        self.assertContains(r, "Bob Example")
        self.assertContains(r, "Intranet")
        self.assertContains(r, "1:30")
        self.assertContains(r, "Approve step 1")
        self.assertContains(r, "Erin Client")
        self.assertEqual([e.action for e in r.context["events"]], [EventAction.SUBMITTED])

    def test_who_may_see_it(self):
        for person in (self.bob, self.tina, self.erin, self.alice):
            self.login(person)
            self.assertEqual(self.client.get(self.url).status_code, 200, person)
        # Maria manages a project but approves nothing here; charlie is an outsider.
        for person in (self.maria, self.charlie):
            self.login(person)
            self.assertEqual(self.client.get(self.url).status_code, 404, person)
            self.assertEqual(self.client.post(self.url + "approve/", {"tier": 1}).status_code, 404, person)
            self.assertEqual(self.client.post(self.url + "recall/").status_code, 404, person)
        self.assertEqual(self.refreshed().events.count(), 1)

    def test_its_query_count_does_not_grow_with_entries(self):
        self.login(self.tina)
        self.client.get(self.url)
        # 11 with the audit trail panel (the timesheet's rows and its entries', one query).
        with self.assertNumQueries(11):
            self.client.get(self.url)
        for i in range(20):
            self.log(self.bob, MONDAY + dt.timedelta(days=i % 7), 60, project=make_project(self.org, f"P{i}"))
        with self.assertNumQueries(11):
            r = self.client.get(self.url)
        self.assertEqual(len(r.context["entries"]), 22)

    def test_only_an_approver_of_the_step_may_decide(self):
        # The person, and an administrator outside the path (who has Override instead): 403.
        for person in (self.bob, self.alice):
            self.login(person)
            self.assertEqual(self.client.post(self.url + "approve/", {"tier": 1}).status_code, 403)
            self.assertEqual(self.client.post(self.url + "reject/", {"tier": 1, "comment": "No"}).status_code, 403)
        # Erin approves step 2, not step 1.
        self.login(self.erin)
        r = self.client.post(self.url + "approve/", {"tier": 1})
        self.assertContains(r, "not an approver of step 1", status_code=409)
        self.assertEqual((self.refreshed().current_tier, self.submission.events.count()), (1, 1))

    def test_a_stale_page_cannot_decide_the_next_step(self):
        do_approve(self.submission, acting_user=self.tina, expected_tier=1)
        self.login(self.tina)
        r = self.client.post(self.url + "approve/", {"tier": 1})
        self.assertContains(r, "already been decided by someone else", status_code=409)
        r = self.client.post(self.url + "approve/", {"tier": "x"})
        self.assertEqual(r.status_code, 400)
        self.assertEqual(self.refreshed().current_tier, 2)

    def test_a_rejection_keeps_what_was_typed_when_refused(self):
        do_recall(self.submission, acting_user=self.bob)
        self.login(self.tina)
        r = self.client.post(self.url + "reject/", {"tier": 1, "comment": "Please split Monday."})
        self.assertContains(r, "recalled this timesheet", status_code=409)
        self.assertEqual(self.refreshed().status, SubmissionStatus.RECALLED)

    def test_the_person_recalls_after_a_confirmation(self):
        self.login(self.bob)
        self.assertContains(self.client.get(self.url + "recall/"), "Recall this timesheet?")
        self.assertEqual(self.refreshed().status, SubmissionStatus.SUBMITTED)
        r = self.client.post(self.url + "recall/")
        self.assertRedirects(r, f"/o/alpha/timesheet/{MONDAY}/")
        self.assertEqual(self.refreshed().status, SubmissionStatus.RECALLED)
        self.assertEqual(set(TimeEntry.objects.values_list("status", flat=True)), {EntryStatus.OPEN})
        r = self.client.post(self.url + "recall/", follow=True)
        self.assertContains(r, "only a timesheet waiting for approval can be recalled")

    def test_nobody_else_recalls(self):
        for person in (self.tina, self.alice):
            self.login(person)
            self.assertEqual(self.client.get(self.url + "recall/").status_code, 403)
            self.assertEqual(self.client.post(self.url + "recall/").status_code, 403)
        self.assertEqual(self.refreshed().status, SubmissionStatus.SUBMITTED)

    def test_only_administrators_override(self):
        for person in (self.bob, self.tina, self.erin):
            self.login(person)
            self.assertEqual(self.client.get(self.url + "override/").status_code, 403)
            r = self.client.post(self.url + "override/", {"action": "approve", "comment": "Mine now."})
            self.assertEqual(r.status_code, 403)
        self.login(self.charlie)
        self.assertEqual(self.client.get(self.url + "override/").status_code, 404)
        self.assertEqual(self.refreshed().status, SubmissionStatus.SUBMITTED)

    def test_an_override_form_re_renders_with_its_errors(self):
        self.login(self.alice)
        r = self.client.post(self.url + "override/", {"action": "approve", "comment": ""})
        self.assertContains(r, "This field is required", status_code=400)
        r = self.client.post(self.url + "override/", {"action": "reopen", "comment": "Typed reason"})
        self.assertRedirects(r, self.url)
        r = self.client.post(self.url + "override/", {"action": "reopen", "comment": "Again, typed"})
        self.assertContains(r, "already open for changes", status_code=400)
        self.assertContains(r, "Again, typed", status_code=400)
        self.assertEqual(self.refreshed().status, SubmissionStatus.REOPENED)

    def test_a_read_only_organisation_changes_nothing(self):
        from django.utils import timezone

        self.org.plan = "trial"
        self.org.trial_ends_at = timezone.now() - dt.timedelta(days=1)
        self.org.save()
        self.login(self.tina)
        self.assertEqual(self.client.get(self.url).status_code, 200)
        self.assertEqual(self.client.post(self.url + "approve/", {"tier": 1}).status_code, 403)
        self.assertEqual(self.refreshed().current_tier, 1)
