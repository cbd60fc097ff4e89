import datetime as dt

import time_machine

from timelive.orgs.models import Role
from timelive.test import BaseTestCase
from timelive.tracking.models import TimeEntry

from .helpers import make_project, make_task

MONDAY = dt.date(2026, 11, 23)


def entry(user, project, day, seconds, task=None):
    return TimeEntry.objects.create(org=project.org, user=user, project=project, task=task, date=day, duration=seconds)


class WeekTestCase(BaseTestCase):
    def setUp(self):
        self.project = make_project(self.org, "Website")
        self.task = make_task(self.project, "Design")
        self.url = f"/o/alpha/timesheet/{MONDAY}/"

    def test_it_sends_the_timesheet_to_this_week(self):
        self.login(self.bob)
        with time_machine.travel(dt.datetime(2026, 11, 26, 12, 0, tzinfo=dt.UTC)):
            r = self.client.get("/o/alpha/timesheet/")
        self.assertRedirects(r, self.url)

    def test_it_moves_a_mid_week_day_to_the_week_start(self):
        self.login(self.bob)
        r = self.client.get("/o/alpha/timesheet/2026-11-25/")
        self.assertRedirects(r, self.url)
        self.org.week_start = 6
        self.org.save()
        r = self.client.get("/o/alpha/timesheet/2026-11-25/")
        self.assertRedirects(r, "/o/alpha/timesheet/2026-11-22/")

    def test_it_shows_rows_with_totals(self):
        entry(self.bob, self.project, MONDAY, 3600, self.task)
        entry(self.bob, self.project, MONDAY, 1800, self.task)
        entry(self.bob, self.project, MONDAY + dt.timedelta(days=2), 5400)
        entry(self.alice, self.project, MONDAY, 7200, self.task)  # someone else's
        self.login(self.bob)
        r = self.client.get(self.url)
        self.assertContains(r, "Website · Design")
        grid = r.context["grid"]
        self.assertEqual([row.total for row in grid.rows], [5400, 5400])
        self.assertEqual(grid.total, 10800)
        self.assertContains(r, 'value="1:30"')

    def test_it_adds_rows_and_copies_last_weeks(self):
        entry(self.bob, self.project, MONDAY - dt.timedelta(days=7), 3600, self.task)
        self.login(self.bob)
        r = self.client.get(self.url, {"add": f"{self.project.uid}:"})
        self.assertEqual([row.label for row in r.context["grid"].rows], ["Website"])
        r = self.client.get(self.url, {"copy": "1"}, follow=True)
        self.assertEqual([row.label for row in r.context["grid"].rows], ["Website · Design"])
        self.assertEqual(r.context["grid"].total, 0)

    def test_it_ignores_rows_of_another_organisation(self):
        foreign = make_project(self.other_org, "Theirs")
        self.login(self.bob)
        r = self.client.get(self.url, {"add": f"{foreign.uid}:"})
        self.assertEqual(r.context["grid"].rows, [])

    def test_it_adds_a_row_for_htmx(self):
        self.login(self.bob)
        r = self.client.get(
            "/o/alpha/timesheet/row/", {"week": MONDAY.isoformat(), "add": ["x:"], "new": f"{self.project.uid}:{self.task.uid}"}
        )
        self.assertContains(r, 'id="row-')
        self.assertContains(r, "Website · Design")
        r = self.client.get("/o/alpha/timesheet/row/", {"week": MONDAY.isoformat(), "new": "nope:"})
        self.assertEqual(r.status_code, 422)
        r = self.client.get("/o/alpha/timesheet/row/", {"week": "not-a-day", "new": f"{self.project.uid}:"})
        self.assertEqual(r.status_code, 404)

    def test_its_query_count_does_not_grow_with_entries(self):
        self.login(self.bob)
        self.client.get(self.url)
        # 11 with the period's timesheet submissions (approvals' status line) and the locks.
        with self.assertNumQueries(11):
            self.client.get(self.url)
        for i in range(10):
            entry(
                self.bob,
                make_project(self.org, f"P{i}"),
                MONDAY + dt.timedelta(days=i % 7),
                600,
            )
        # One more query, for the rows' projects, however many rows.
        with self.assertNumQueries(12):
            self.client.get(self.url)
        for i in range(10, 40):
            entry(self.bob, make_project(self.org, f"P{i}"), MONDAY + dt.timedelta(days=i % 7), 600)
        with self.assertNumQueries(12):
            r = self.client.get(self.url)
        self.assertEqual(len(r.context["grid"].rows), 40)

    def test_it_shows_read_only_cells_in_start_end_mode(self):
        self.org.entry_mode = "start_end"
        self.org.save()
        entry(self.bob, self.project, MONDAY, 3600)
        self.login(self.bob)
        r = self.client.get(self.url)
        self.assertNotContains(r, 'name="value"')
        self.assertContains(r, "1:00")

    def test_it_refuses_a_bad_date(self):
        self.login(self.bob)
        self.assertEqual(self.client.get("/o/alpha/timesheet/2026-13-45/").status_code, 404)

    def test_an_outsider_gets_404(self):
        self.login(self.charlie)
        self.assertEqual(self.client.get(self.url).status_code, 404)
        self.assertEqual(self.client.get("/o/alpha/timesheet/").status_code, 404)

    def test_an_external_member_gets_403(self):
        erin, _ = self.add_member("erin@example.org", "Erin", role=Role.EXTERNAL)
        self.login(erin)
        self.assertEqual(self.client.get(self.url).status_code, 403)

    def test_anonymous_is_sent_to_login(self):
        r = self.client.get(self.url)
        self.assertRedirects(r, f"/account/login/?next={self.url}")


class WeekRowTimerTestCase(BaseTestCase):
    def test_a_row_starts_the_timer_and_comes_back(self):
        from timelive.tracking.models import Timer

        project = make_project(self.org, "Website")
        task = make_task(project, "Design")
        entry(self.bob, project, MONDAY, 600, task)
        self.login(self.bob)
        url = f"/o/alpha/timesheet/{MONDAY}/"
        self.assertContains(self.client.get(url), "Start the timer on Website · Design")
        r = self.client.post("/o/alpha/timer/start/", {"project_task": f"{project.uid}:{task.uid}", "next": url})
        self.assertRedirects(r, url)
        timer = Timer.objects.get(user=self.bob)
        self.assertEqual((timer.project, timer.task), (project, task))
