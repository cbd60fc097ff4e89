import datetime as dt

from django.db import connection
from django.utils import timezone

from timelive.orgs.models import Plan
from timelive.test import BaseTestCase
from timelive.tracking.models import EntryStatus, TimeEntry

from .helpers import make_project, make_task

MONDAY = dt.date(2026, 11, 23)
HTMX = {"HX-Request": "true"}


class WeekCellTestCase(BaseTestCase):
    def setUp(self):
        self.project = make_project(self.org, "Website")
        self.task = make_task(self.project, "Design")
        self.login(self.bob)

    def post(self, value, signature="0.0.0.0", day=MONDAY, task=None, htmx=True, **extra):
        task = self.task if task is None else task
        data = {
            "project": self.project.uid,
            "task": task.uid if task else "",
            "date": day.isoformat(),
            "value": value,
            "signature": signature,
            **extra,
        }
        return self.client.post("/o/alpha/timesheet/cell/", data, headers=HTMX if htmx else {})

    def signature(self, response):
        return response.context["cell"].signature

    def test_it_creates_an_entry_from_a_typed_time(self):
        r = self.post("2:30")
        self.assertEqual(r.status_code, 200)
        e = TimeEntry.objects.get()
        self.assertEqual((e.user, e.project, e.task, e.date, e.duration), (self.bob, self.project, self.task, MONDAY, 9000))
        self.assertIn('data-value="2:30"', self.state(r))
        # Row and week totals come along, out of band.
        self.assertContains(r, 'id="rowtotal-')
        self.assertContains(r, 'id="grid-totals" hx-swap-oob="true"')

    def test_it_changes_and_clears_a_cell(self):
        r = self.post("1h")
        r = self.post("90m", signature=self.signature(r))
        self.assertEqual(TimeEntry.objects.get().duration, 5400)
        r = self.post("", signature=self.signature(r))
        self.assertFalse(TimeEntry.objects.exists())
        self.assertIn('data-value=""', self.state(r))

    def test_it_adjusts_the_last_entry_of_a_cell_with_several(self):
        TimeEntry.objects.create(org=self.org, user=self.bob, project=self.project, task=self.task, date=MONDAY, duration=3600)
        TimeEntry.objects.create(org=self.org, user=self.bob, project=self.project, task=self.task, date=MONDAY, duration=1800)
        first = self.client.get(f"/o/alpha/timesheet/{MONDAY}/").context["grid"].rows[0].cells[0]
        r = self.post("2:00", signature=first.signature)
        self.assertEqual(sorted(TimeEntry.objects.values_list("duration", flat=True)), [3600, 3600])
        r = self.post("0:30", signature=self.signature(r))
        self.assertContains(r, "several entries")
        self.assertEqual(TimeEntry.objects.count(), 2)

    def test_a_bad_value_keeps_what_was_typed_and_says_why(self):
        r = self.post("2:75")
        self.assertIn('data-value="2:75"', self.state(r))
        self.assertIn('data-invalid="true"', self.state(r))
        self.assertContains(r, "up to 59")
        r = self.post("25")
        self.assertContains(r, "24 hours")
        self.assertFalse(TimeEntry.objects.exists())

    def state(self, response):
        """The saved cell's state element, as the page receives it out of band."""
        html = response.content.decode()
        start = html.index('<span class="cell-state"')
        return html[start:html.index(">", start) + 1]

    def test_it_refuses_a_lost_update(self):
        r = self.post("2:00")
        stale = "0.0.0.0"
        r = self.post("3:00", signature=stale)
        self.assertContains(r, "changed elsewhere")
        # The cell shows what is stored, and says what was refused.
        self.assertIn('data-value="2:00"', self.state(r))
        self.assertIn('data-sent="3:00"', self.state(r))
        self.assertContains(r, "you typed 3:00")
        self.assertNotContains(r, "It now shows the latest")
        self.assertEqual(TimeEntry.objects.get().duration, 7200)
        # The answer carries the fresh signature, so typing again works.
        r = self.post("3:00", signature=self.signature(r))
        self.assertEqual(TimeEntry.objects.get().duration, 10800)

    def test_a_save_answers_only_with_small_out_of_band_parts(self):
        # The page keeps the cell's form and field (maybe under the cursor again); only its
        # state (value to show, signature, message) and the totals travel back.
        r = self.post("2.5h")
        self.assertNotContains(r, "<form")
        self.assertNotContains(r, 'name="value"')
        self.assertIn('hx-swap-oob="true"', self.state(r))
        self.assertIn('data-value="2:30"', self.state(r))
        self.assertIn('data-sent="2.5h"', self.state(r))
        self.assertContains(r, 'name="signature"')
        self.assertContains(r, 'id="grid-totals" hx-swap-oob="true"')

    def test_its_query_count_is_pinned(self):
        r = self.post("1:00")
        # PostgreSQL also locks the person's membership row: once for the cell, once in the update.
        with self.assertNumQueries(24 if connection.features.has_select_for_update else 22):
            self.post("2:00", signature=self.signature(r))

    def test_it_refuses_to_change_submitted_time(self):
        r = self.post("1:00")
        TimeEntry.objects.update(status=EntryStatus.SUBMITTED)
        entry = TimeEntry.objects.get()
        sig = f"3600.1.{entry.version}.{entry.id}"
        r = self.post("2:00", signature=sig)
        self.assertContains(r, "submitted or approved")
        self.assertEqual(TimeEntry.objects.get().duration, 3600)

    def test_it_works_without_htmx(self):
        r = self.post("1:00", htmx=False)
        self.assertRedirects(r, f"/o/alpha/timesheet/{MONDAY}/")
        r = self.post("nonsense", htmx=False, signature="x")
        self.assertRedirects(r, f"/o/alpha/timesheet/{MONDAY}/", fetch_redirect_response=False)

    def test_it_refuses_another_organisations_project(self):
        foreign = make_project(self.other_org, "Theirs")
        r = self.client.post(
            "/o/alpha/timesheet/cell/",
            {"project": foreign.uid, "task": "", "date": MONDAY.isoformat(), "value": "1:00", "signature": "0.0.0.0"},
            headers=HTMX,
        )
        self.assertEqual(r.status_code, 404)
        self.assertFalse(TimeEntry.objects.exists())

    def test_it_is_post_only(self):
        self.assertEqual(self.client.get("/o/alpha/timesheet/cell/").status_code, 405)

    def test_a_read_only_organisation_refuses_changes(self):
        self.org.plan = Plan.TRIAL
        self.org.trial_ends_at = timezone.now() - dt.timedelta(days=1)
        self.org.save()
        self.assertEqual(self.post("1:00").status_code, 403)
        self.assertFalse(TimeEntry.objects.exists())

    def test_an_outsider_gets_404(self):
        self.login(self.charlie)
        self.assertEqual(self.post("1:00").status_code, 404)
