"""Locked time (submitted, approved, closed) is shown read-only, with the reason at the top."""

import datetime as dt

from timelive.approvals.actions import do_submit_timesheet
from timelive.approvals.models import ApprovalSettings
from timelive.test import BaseTestCase
from timelive.tracking.models import TimeEntry

from .helpers import make_project, make_task

MONDAY = dt.date(2026, 11, 23)


class LockedWeekTestCase(BaseTestCase):
    def setUp(self):
        self.project = make_project(self.org, "Website")
        self.task = make_task(self.project, "Design")
        self.entry = TimeEntry.objects.create(org=self.org, user=self.bob, project=self.project, task=self.task,
                                              date=MONDAY + dt.timedelta(days=1), duration=3600)
        self.url = f"/o/alpha/timesheet/{MONDAY}/"
        self.login(self.bob)

    def submit(self):
        do_submit_timesheet(self.org, self.bob, MONDAY, MONDAY + dt.timedelta(days=6), acting_user=self.bob)

    def test_an_open_week_is_editable(self):
        r = self.client.get(self.url)
        self.assertContains(r, 'name="value"')
        self.assertContains(r, "Add row")
        self.assertNotContains(r, 'locked-reason')

    def test_a_submitted_and_approved_week_is_read_only_and_says_why(self):
        self.submit()
        r = self.client.get(self.url)
        self.assertNotContains(r, 'name="value"')
        self.assertNotContains(r, "saved at once")
        self.assertNotContains(r, "Add row")
        self.assertNotContains(r, "Copy last week")
        self.assertContains(r, 'locked-reason')
        # Without an approval path a submitted timesheet is approved at once.
        self.assertContains(r, "is approved")
        # The time is still shown, as text, each day once under one line of reason.
        self.assertEqual(r.context["grid"].lock_notes, [
            "Mon 23 Nov to Sun 29 Nov are in a timesheet that is approved: "
            "no time can be added or changed on it."])
        self.assertContains(r, "1:00")

    def test_closed_days_are_read_only_and_the_rest_stays_editable(self):
        ApprovalSettings.objects.filter(org=self.org).update(locked_before=MONDAY + dt.timedelta(days=2))
        r = self.client.get(self.url)
        self.assertContains(r, "Time before 25 Nov 2026 is closed")
        row = r.context["grid"].rows[0]
        self.assertEqual([bool(c.locked) for c in row.cells], [True, True] + [False] * 5)
        self.assertContains(r, 'name="value"', count=5)
        self.assertContains(r, "Add row")

    def test_a_closed_week_hides_adding_and_copying(self):
        ApprovalSettings.objects.filter(org=self.org).update(locked_before=MONDAY + dt.timedelta(days=7))
        r = self.client.get(self.url)
        self.assertNotContains(r, 'name="value"')
        self.assertNotContains(r, "Add row")
        self.assertContains(r, "is closed")

    def test_the_week_pages_query_count_is_pinned(self):
        self.submit()
        self.client.get(self.url)
        with self.assertNumQueries(14):
            self.client.get(self.url)


class LockedDayTestCase(BaseTestCase):
    def setUp(self):
        self.project = make_project(self.org, "Website")
        self.day = MONDAY + dt.timedelta(days=1)
        self.entry = TimeEntry.objects.create(org=self.org, user=self.bob, project=self.project,
                                              date=self.day, duration=3600)
        self.url = f"/o/alpha/day/{self.day}/"
        self.login(self.bob)

    def test_an_open_day_offers_edit_delete_and_adding(self):
        r = self.client.get(self.url)
        self.assertContains(r, f"/entries/{self.entry.uid}/delete/")
        self.assertContains(r, "Add entry")

    def test_a_submitted_day_offers_no_edit_delete_or_adding(self):
        do_submit_timesheet(self.org, self.bob, MONDAY, MONDAY + dt.timedelta(days=6), acting_user=self.bob)
        r = self.client.get(self.url)
        self.assertNotContains(r, f"/entries/{self.entry.uid}/delete/")
        self.assertNotContains(r, f'href="/o/alpha/entries/{self.entry.uid}/"')
        self.assertNotContains(r, "Add entry")
        self.assertContains(r, 'locked-reason')
        self.assertContains(r, "is approved")

    def test_a_closed_day_offers_no_edit_delete_or_adding(self):
        ApprovalSettings.objects.filter(org=self.org).update(locked_before=self.day + dt.timedelta(days=1))
        r = self.client.get(self.url)
        self.assertNotContains(r, f"/entries/{self.entry.uid}/delete/")
        self.assertNotContains(r, "Add entry")
        self.assertContains(r, "is closed")

    def test_the_delete_page_of_a_locked_entry_says_why(self):
        ApprovalSettings.objects.filter(org=self.org).update(locked_before=self.day + dt.timedelta(days=1))
        r = self.client.get(f"/o/alpha/entries/{self.entry.uid}/delete/")
        self.assertContains(r, "this entry cannot be deleted")
        self.assertNotContains(r, ">Delete</button>")
        self.assertTrue(TimeEntry.objects.filter(pk=self.entry.pk).exists())

    def test_the_edit_page_of_a_locked_entry_says_why_and_offers_no_form(self):
        ApprovalSettings.objects.filter(org=self.org).update(locked_before=self.day + dt.timedelta(days=1))
        r = self.client.get(f"/o/alpha/entries/{self.entry.uid}/")
        self.assertContains(r, "this entry cannot be changed")
        self.assertNotContains(r, 'name="version"')

    def test_the_day_views_query_count_is_pinned(self):
        for _ in range(5):
            TimeEntry.objects.create(org=self.org, user=self.bob, project=self.project, date=self.day, duration=600)
        self.client.get(self.url)
        with self.assertNumQueries(12):
            self.client.get(self.url)
