import datetime as dt

import time_machine

from timelive.orgs.models import Role
from timelive.test import BaseTestCase
from timelive.tracking.models import TimeEntry, Timer

from .helpers import make_project


class TimerViewsTestCase(BaseTestCase):
    def setUp(self):
        self.project = make_project(self.org, "Website")
        self.login(self.bob)

    def test_it_starts_shows_and_stops_the_timer(self):
        with time_machine.travel(dt.datetime(2026, 11, 24, 9, 0, tzinfo=dt.UTC), tick=False):
            r = self.client.post("/o/alpha/timer/start/", {"project_task": f"{self.project.uid}:", "description": "Call"})
            self.assertRedirects(r, "/o/alpha/timer/")
        timer = Timer.objects.get(user=self.bob)
        # It shows in the top bar of any page, and survives a reload.
        r = self.client.get("/o/alpha/")
        self.assertContains(r, "data-timer-started")
        self.assertContains(r, "/o/alpha/timer/stop/")
        with time_machine.travel(dt.datetime(2026, 11, 24, 9, 45, tzinfo=dt.UTC), tick=False):
            r = self.client.post("/o/alpha/timer/stop/", {"next": "/o/alpha/"})
        self.assertRedirects(r, "/o/alpha/")
        self.assertFalse(Timer.objects.filter(pk=timer.pk).exists())
        self.assertEqual(TimeEntry.objects.get().duration, 2700)

    def test_it_needs_a_project(self):
        r = self.client.post("/o/alpha/timer/start/", {"project_task": ""}, follow=True)
        self.assertContains(r, "Choose a project")
        self.assertFalse(Timer.objects.exists())

    def test_it_discards(self):
        Timer.objects.create(user=self.bob, org=self.org, project=self.project)
        self.client.post("/o/alpha/timer/discard/")
        self.assertFalse(Timer.objects.exists())
        self.assertFalse(TimeEntry.objects.exists())

    def test_it_does_not_follow_a_next_to_another_site(self):
        r = self.client.post("/o/alpha/timer/stop/", {"next": "https://evil.example/"})
        self.assertRedirects(r, "/o/alpha/timer/", fetch_redirect_response=False)

    def test_an_outsider_and_an_external_are_refused(self):
        self.login(self.charlie)
        self.assertEqual(self.client.get("/o/alpha/timer/").status_code, 404)
        self.assertEqual(self.client.post("/o/alpha/timer/start/", {"project_task": f"{self.project.uid}:"}).status_code, 404)
        erin, _ = self.add_member("erin@example.org", "Erin", role=Role.EXTERNAL)
        self.login(erin)
        self.assertEqual(self.client.get("/o/alpha/timer/").status_code, 403)
        self.assertFalse(Timer.objects.exists())
