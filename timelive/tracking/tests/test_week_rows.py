"""Rows added to a week: never twice, kept in the address until removed, copied from last week."""

import datetime as dt
from urllib.parse import urlencode

from timelive.orgs.models import Role
from timelive.test import BaseTestCase
from timelive.tracking.models import TimeEntry

from .helpers import make_project, make_task

MONDAY = dt.date(2026, 11, 23)
HTMX = {"HX-Request": "true"}
WEEK = f"/o/alpha/timesheet/{MONDAY}/"
ROWS = "/o/alpha/timesheet/row/"


def offered(response) -> set[str]:
    return {value for _, options in response.context["row_choices"] for value, _ in options}


class WeekRowsTestCase(BaseTestCase):
    def setUp(self):
        self.project = make_project(self.org, "Website")
        self.task = make_task(self.project, "Design")
        self.other = make_project(self.org, "Intranet")
        self.logged = f"{self.project.uid}:{self.task.uid}"
        self.plain = f"{self.other.uid}:"
        TimeEntry.objects.create(org=self.org, user=self.bob, project=self.project, task=self.task,
                                 date=MONDAY, duration=3600)
        self.login(self.bob)

    def rows(self, **params):
        return self.client.get(ROWS, {"week": MONDAY.isoformat(), **params}, headers=HTMX)

    def test_the_select_offers_no_row_already_shown(self):
        r = self.client.get(WEEK)
        self.assertNotIn(self.logged, offered(r))
        self.assertIn(self.plain, offered(r))
        r = self.client.get(WEEK, {"add": self.plain})
        self.assertNotIn(self.plain, offered(r))
        self.assertEqual(len(r.context["grid"].rows), 2)

    def test_adding_a_row_keeps_it_in_the_address(self):
        r = self.rows(new=self.plain)
        self.assertContains(r, f'id="row-{self.other.uid}-0"')
        self.assertEqual(r.headers["HX-Push-Url"], f"{WEEK}?{urlencode({'add': self.plain})}")
        # The form's kept rows and its select come along, out of band: the select no longer offers it.
        self.assertContains(r, 'id="kept-rows" hx-swap-oob="true"')
        self.assertContains(r, f'name="add" value="{self.plain}"')
        self.assertContains(r, 'id="add-row"')
        self.assertNotContains(r, f'<option value="{self.plain}"')
        # A reload of that address shows the row, without time.
        r = self.client.get(r.headers["HX-Push-Url"])
        self.assertEqual([row.label for row in r.context["grid"].rows], ["Intranet", "Website · Design"])

    def test_a_row_already_shown_is_not_added_twice(self):
        r = self.rows(add=self.plain, new=self.plain)
        self.assertNotContains(r, "<tr id=\"row-")
        self.assertContains(r, "already in this week")
        r = self.rows(new=self.logged)
        self.assertNotContains(r, "<tr id=\"row-")
        self.assertContains(r, "already in this week")

    def test_a_kept_row_is_removed(self):
        r = self.rows(add=self.plain, drop=self.plain)
        self.assertContains(r, f'<tr id="row-{self.other.uid}-0" hx-swap-oob="delete">')
        self.assertEqual(r.headers["HX-Push-Url"], WEEK)
        self.assertIn(f'<option value="{self.plain}"', r.content.decode())

    def test_the_first_row_added_replaces_the_empty_state(self):
        TimeEntry.objects.all().delete()
        r = self.rows(new=self.plain)
        self.assertContains(r, 'id="empty-row" hx-swap-oob="delete"')
        # Only while it is there: the htmx answer to a missing target is an error on the page.
        r = self.rows(add=self.plain, new=self.logged)
        self.assertNotContains(r, 'id="empty-row"')

    def test_the_new_rows_first_cell_gets_the_focus(self):
        r = self.rows(new=self.plain)
        self.assertEqual(r.content.decode().count("autofocus"), 1)

    def test_last_weeks_rows_are_copied_once(self):
        TimeEntry.objects.create(org=self.org, user=self.bob, project=self.other, date=MONDAY - dt.timedelta(days=7),
                                 duration=600)
        TimeEntry.objects.create(org=self.org, user=self.bob, project=self.project, task=self.task,
                                 date=MONDAY - dt.timedelta(days=7), duration=600)
        r = self.rows(copy="1")
        # Website · Design has time this week and is shown already.
        self.assertContains(r, f'<tr id="row-{self.other.uid}-0"')
        self.assertNotContains(r, f'<tr id="row-{self.project.uid}-{self.task.uid}"')
        self.assertEqual(r.headers["HX-Push-Url"], f"{WEEK}?{urlencode({'add': self.plain})}")
        r = self.rows(add=self.plain, copy="1")
        self.assertNotContains(r, "<tr id=\"row-")
        self.assertContains(r, "already")

    def test_without_htmx_changes_redirect_to_the_address_of_the_rows(self):
        r = self.client.get(WEEK, {"new": self.plain})
        self.assertRedirects(r, f"{WEEK}?{urlencode({'add': self.plain})}")
        r = self.client.get(WEEK, {"add": [self.plain, self.plain], "drop": self.plain})
        self.assertRedirects(r, WEEK)
        TimeEntry.objects.create(org=self.org, user=self.bob, project=self.other, date=MONDAY - dt.timedelta(days=7),
                                 duration=600)
        r = self.client.get(WEEK, {"copy": "1"})
        self.assertRedirects(r, f"{WEEK}?{urlencode({'add': self.plain})}")

    def test_a_bad_row_is_refused(self):
        self.assertEqual(self.rows(new="nope:").status_code, 422)
        foreign = make_project(self.other_org, "Theirs")
        self.assertEqual(self.rows(new=f"{foreign.uid}:").status_code, 422)
        self.assertEqual(self.rows(new=self.plain, week="not-a-day").status_code, 404)

    def test_its_query_count_is_pinned(self):
        self.rows(new=self.plain)
        with self.assertNumQueries(15):
            self.rows(new=self.plain)

    def test_an_outsider_gets_404_and_an_external_member_403(self):
        self.login(self.charlie)
        self.assertEqual(self.rows(new=self.plain).status_code, 404)
        erin, _ = self.add_member("erin@example.org", "Erin", role=Role.EXTERNAL)
        self.login(erin)
        self.assertEqual(self.rows(new=self.plain).status_code, 403)
