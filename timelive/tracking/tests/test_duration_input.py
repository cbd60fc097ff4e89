"""The week grid and the day view read typed durations by one rule (timelive/lib/durations.py)."""

import datetime as dt

from timelive.test import BaseTestCase
from timelive.tracking.models import TimeEntry

from .helpers import make_project

MONDAY = dt.date(2026, 11, 23)


class DurationInputTestCase(BaseTestCase):
    def setUp(self):
        self.project = make_project(self.org, "Website")
        self.login(self.bob)

    def cell(self, value):
        return self.client.post("/o/alpha/timesheet/cell/", {"project": self.project.uid, "task": "", "date": MONDAY,
                                                             "value": value, "signature": "0.0.0.0"},
                                headers={"HX-Request": "true"})

    def day(self, value):
        return self.client.post(f"/o/alpha/day/{MONDAY}/", {"project_task": f"{self.project.uid}:", "date": MONDAY,
                                                            "duration": value, "billable": "yes"})

    def test_minutes_past_59_are_refused_in_every_form(self):
        for value in ("1:75", "2h 75m"):
            self.assertContains(self.cell(value), "Minutes go up to 59")
            self.assertContains(self.day(value), "Minutes go up to 59", status_code=400)
        self.assertFalse(TimeEntry.objects.exists())

    def test_seconds_are_refused_not_stored_unseen(self):
        self.assertContains(self.cell("0:00:30"), "whole minutes")
        self.assertContains(self.day("0:00:30"), "whole minutes", status_code=400)
        self.assertFalse(TimeEntry.objects.exists())

    def test_decimal_hours_are_kept_in_whole_minutes(self):
        self.cell("1.33")
        self.assertEqual(TimeEntry.objects.get().duration, 80 * 60)
