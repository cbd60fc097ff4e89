import datetime as dt

import time_machine

from timelive.test import BaseTestCase
from timelive.tracking.actions import start_timer, stop_timer
from timelive.tracking.models import TimeEntry, Timer

from .helpers import make_project, rules_for


class TimerActionsTestCase(BaseTestCase):
    def setUp(self):
        self.project = make_project(self.org)
        self.bob.time_zone = "Europe/Paris"
        self.bob.save()

    def test_it_starts_and_stops_into_an_entry(self):
        with time_machine.travel(dt.datetime(2026, 11, 23, 8, 0, tzinfo=dt.UTC), tick=False):
            timer, stopped = start_timer(rules_for(self.bob, self.org), self.bob, project=self.project.uid, description="Call")
        self.assertEqual(stopped, [])
        with time_machine.travel(dt.datetime(2026, 11, 23, 9, 30, tzinfo=dt.UTC), tick=False):
            entries = stop_timer(rules_for(self.bob, self.org), self.bob)
        self.assertEqual(len(entries), 1)
        self.assertEqual((entries[0].duration, entries[0].description), (5400, "Call"))
        self.assertFalse(Timer.objects.filter(user=self.bob).exists())

    def test_starting_again_stops_the_running_timer(self):
        with time_machine.travel(dt.datetime(2026, 11, 23, 8, 0, tzinfo=dt.UTC), tick=False):
            start_timer(rules_for(self.bob, self.org), self.bob, project=self.project.uid)
        with time_machine.travel(dt.datetime(2026, 11, 23, 8, 45, tzinfo=dt.UTC), tick=False):
            _, stopped = start_timer(rules_for(self.bob, self.org), self.bob, project=self.project.uid)
        self.assertEqual([e.duration for e in stopped], [2700])
        self.assertEqual(Timer.objects.filter(user=self.bob).count(), 1)

    def test_it_splits_a_timer_at_local_midnight(self):
        # 22:00 to 01:30 in Paris (UTC+1 in November).
        with time_machine.travel(dt.datetime(2026, 11, 23, 21, 0, tzinfo=dt.UTC), tick=False):
            start_timer(rules_for(self.bob, self.org), self.bob, project=self.project.uid)
        with time_machine.travel(dt.datetime(2026, 11, 24, 0, 30, tzinfo=dt.UTC), tick=False):
            entries = stop_timer(rules_for(self.bob, self.org), self.bob)
        self.assertEqual([(e.date, e.duration) for e in entries],
                         [(dt.date(2026, 11, 23), 7200), (dt.date(2026, 11, 24), 5400)])

    def test_it_keeps_a_timer_whole_when_the_organisation_says_so(self):
        self.org.timer_midnight = "keep"
        self.org.save()
        with time_machine.travel(dt.datetime(2026, 11, 23, 21, 0, tzinfo=dt.UTC), tick=False):
            start_timer(rules_for(self.bob, self.org), self.bob, project=self.project.uid)
        with time_machine.travel(dt.datetime(2026, 11, 24, 0, 30, tzinfo=dt.UTC), tick=False):
            entries = stop_timer(rules_for(self.bob, self.org), self.bob)
        self.assertEqual([(e.date, e.duration) for e in entries], [(dt.date(2026, 11, 23), 12600)])

    def test_stopping_without_a_timer_does_nothing(self):
        self.assertEqual(stop_timer(rules_for(self.bob, self.org), self.bob), [])
        self.assertEqual(TimeEntry.objects.count(), 0)
