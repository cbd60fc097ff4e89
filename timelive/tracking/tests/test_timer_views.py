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


class TimerPerOrganisationTestCase(BaseTestCase):
    """Each organisation has its own timer: org A's pages neither show nor stop the one running in B."""

    def setUp(self):
        from timelive.orgs.models import Membership

        Membership.objects.create(org=self.other_org, user=self.bob)
        self.project = make_project(self.org, "Website")
        self.theirs = Timer.objects.create(user=self.bob, org=self.other_org,
                                           project=make_project(self.other_org, "Theirs"))
        self.login(self.bob)

    def test_org_a_pages_do_not_show_the_timer_of_org_b(self):
        r = self.client.get("/o/alpha/timer/")
        self.assertNotContains(r, "data-timer-started")
        self.assertNotContains(r, "Theirs")
        self.assertNotContains(self.client.get("/o/alpha/"), "/o/bravo/timer/stop/")
        self.assertContains(self.client.get("/o/bravo/timer/"), "Theirs")

    def test_org_a_does_not_stop_or_discard_the_timer_of_org_b(self):
        self.client.post("/o/alpha/timer/stop/")
        self.client.post("/o/alpha/timer/discard/")
        self.assertTrue(Timer.objects.filter(pk=self.theirs.pk).exists())
        self.assertFalse(TimeEntry.objects.exists())

    def test_a_timer_starts_in_org_a_while_one_runs_in_org_b(self):
        r = self.client.post("/o/alpha/timer/start/", {"project_task": f"{self.project.uid}:"}, follow=True)
        self.assertNotContains(r, "running in")
        self.assertEqual(set(Timer.objects.filter(user=self.bob).values_list("org__slug", flat=True)),
                         {"alpha", "bravo"})
        # Each top bar shows its own organisation's timer.
        self.assertContains(self.client.get("/o/alpha/"), "/o/alpha/timer/stop/")
        self.assertContains(self.client.get("/o/bravo/"), "/o/bravo/timer/stop/")


class TimerOnLockedDaysTestCase(BaseTestCase):
    """A timer never starts on a locked day, and one whose days became locked is logged on an open day."""

    def setUp(self):
        from timelive.approvals.paths import ensure_setup

        self.project = make_project(self.org, "Website")
        self.settings = ensure_setup(self.org)
        self.login(self.bob)

    def close_before(self, day):
        self.settings.locked_before = day
        self.settings.save()

    def test_it_refuses_to_start_on_a_closed_day_and_says_why(self):
        with time_machine.travel(dt.datetime(2026, 11, 24, 9, 0, tzinfo=dt.UTC), tick=False):
            self.close_before(dt.date(2026, 12, 1))
            r = self.client.post("/o/alpha/timer/start/", {"project_task": f"{self.project.uid}:"}, follow=True)
        self.assertContains(r, "Time before 1 Dec 2026 is closed")
        self.assertFalse(Timer.objects.exists())

    def test_stopping_into_a_closed_day_keeps_the_timer_and_offers_an_open_day(self):
        Timer.objects.create(user=self.bob, org=self.org, project=self.project,
                             started_at=dt.datetime(2026, 11, 24, 9, 0, tzinfo=dt.UTC))
        self.close_before(dt.date(2026, 11, 26))
        with time_machine.travel(dt.datetime(2026, 11, 24, 10, 0, tzinfo=dt.UTC), tick=False):
            r = self.client.post("/o/alpha/timer/stop/", {"next": "/o/alpha/"}, follow=True)
        self.assertRedirects(r, "/o/alpha/timer/")
        self.assertContains(r, "is closed")
        self.assertNotContains(r, "No timer was running")
        self.assertTrue(Timer.objects.exists())
        # The first open day is offered.
        self.assertContains(r, 'name="day" required value="2026-11-26"')
        with time_machine.travel(dt.datetime(2026, 11, 24, 10, 0, tzinfo=dt.UTC), tick=False):
            r = self.client.post("/o/alpha/timer/stop/", {"day": "2026-11-26"}, follow=True)
        self.assertContains(r, "Logged 1:00")
        entry = TimeEntry.objects.get()
        self.assertEqual((entry.date, entry.duration), (dt.date(2026, 11, 26), 3600))
        self.assertFalse(Timer.objects.exists())

    def test_a_closed_day_chosen_to_log_on_is_refused(self):
        Timer.objects.create(user=self.bob, org=self.org, project=self.project,
                             started_at=dt.datetime(2026, 11, 24, 9, 0, tzinfo=dt.UTC))
        self.close_before(dt.date(2026, 11, 26))
        with time_machine.travel(dt.datetime(2026, 11, 24, 10, 0, tzinfo=dt.UTC), tick=False):
            r = self.client.post("/o/alpha/timer/stop/", {"day": "2026-11-25"}, follow=True)
        self.assertContains(r, "is closed")
        self.assertTrue(Timer.objects.exists())
        self.assertFalse(TimeEntry.objects.exists())

    def test_a_timer_stopped_in_its_first_second_logs_one_minute(self):
        started = dt.datetime(2026, 11, 24, 9, 0, tzinfo=dt.UTC)
        Timer.objects.create(user=self.bob, org=self.org, project=self.project, started_at=started)
        with time_machine.travel(started + dt.timedelta(milliseconds=400), tick=False):
            r = self.client.post("/o/alpha/timer/stop/", follow=True)
        self.assertNotContains(r, "No timer was running")
        self.assertContains(r, "Logged 0:01")
        self.assertEqual(TimeEntry.objects.get().duration, 60)
