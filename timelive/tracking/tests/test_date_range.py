"""One date range for every input (timelive/lib/dates.py): entries, expenses, filters, audit filters,
in the pages and the API. Extreme dates are refused with a clear message, never answered with a 500."""

import datetime as dt
import json

from django.urls import reverse

from timelive.api.test import ApiTestCase
from timelive.expenses.models import Expense
from timelive.expenses.tests.helpers import make_code
from timelive.tracking.models import TimeEntry

from .helpers import make_project

API = "/api/v1/orgs/alpha"
MESSAGE = "between 1 Jan 1990 and 31 Dec 2200"


class DateRangeTestCase(ApiTestCase):
    def setUp(self):
        self.project = make_project(self.org)
        _, self.secret = self.make_token(self.alice)

    def send(self, method, path, body=None, **params):
        if method == "GET":
            return self.api_get(path, self.secret, **params)
        return self.client.generic(method, path, json.dumps(body), content_type="application/json",
                                   headers={"Authorization": f"Bearer {self.secret}"})

    def refused(self, response):
        body = self.assertError(response, 422, "invalid")
        self.assertIn(MESSAGE, body["detail"])
        return body

    def test_the_api_refuses_extreme_filters(self):
        for moment in ("0001-01-01T00:00:00+05:45", "9999-12-31T23:59:59-13:45", "1500-01-01T00:00:00Z"):
            self.refused(self.send("GET", f"{API}/time-entries", modified_after=moment))
        for name in ("from", "to"):
            self.refused(self.send("GET", f"{API}/time-entries", **{name: "9999-12-31"}))
            self.refused(self.send("GET", f"{API}/expenses", **{name: "0001-01-01"}))
            self.refused(self.send("GET", f"{API}/audit", **{name: "9999-12-31"}))
        self.assertEqual(self.send("GET", f"{API}/time-entries", modified_after="2026-01-01T00:00:00+05:45")
                         .status_code, 200)
        self.assertEqual(self.send("GET", f"{API}/audit", to="2200-12-31").status_code, 200)

    def test_the_api_refuses_entries_at_extreme_times(self):
        for start, end in (("0001-01-01T00:30+05:45", "0001-01-01T01:30+05:45"),
                           ("9999-12-31T22:00-05:00", "9999-12-31T23:00-05:00"),
                           ("0001-01-02T09:00:00", "0001-01-02T10:00:00"),
                           ("1500-01-01T09:00:00", "1500-01-01T10:00:00"),
                           ("9000-06-01T09:00:00", "9000-06-01T10:00:00")):
            body = self.refused(self.send("POST", f"{API}/time-entries",
                                          {"project": self.project.uid, "start": start, "end": end}))
            self.assertEqual(body["errors"][0]["loc"][-1], "start")
        self.refused(self.send("POST", f"{API}/time-entries",
                               {"project": self.project.uid, "date": "9999-12-31", "duration": 60}))
        r = self.send("POST", f"{API}/time-entries/bulk", {"items": [
            {"key": "a", "project": self.project.uid, "start": "9999-12-31T22:00-05:00", "end": "9999-12-31T23:00-05:00"}
        ]})
        self.refused(r)
        entry = TimeEntry.objects.create(org=self.org, user=self.alice, project=self.project, date=dt.date(2026, 3, 2),
                                         duration=60)
        self.refused(self.send("PATCH", f"{API}/time-entries/{entry.uid}",
                               {"start": "0001-01-01T00:30+05:45", "end": "0001-01-01T01:30+05:45"}))
        self.refused(self.send("PATCH", f"{API}/time-entries/{entry.uid}", {"date": "0001-01-01"}))
        self.assertEqual(TimeEntry.objects.get().date, dt.date(2026, 3, 2))

    def test_an_expense_cannot_be_dated_outside_the_range(self):
        code = make_code(self.org)
        r = self.send("POST", f"{API}/expenses", {"date": "9999-12-31", "project": self.project.uid,
                                                  "expense_code": code.uid, "amount": "10.00", "currency": "USD"})
        self.refused(r)
        self.login(self.alice)
        r = self.client.post(reverse("expenses:new", args=["alpha"]), {
            "date": "9999-12-31", "project": self.project.uid, "expense_code": code.uid, "amount": "10.00",
            "currency": "USD"})
        self.assertContains(r, MESSAGE, status_code=400)
        self.assertFalse(Expense.objects.exists())

    def test_the_pages_refuse_extreme_dates_as_form_errors(self):
        self.login(self.alice)
        r = self.client.post("/o/alpha/day/2026-03-02/", {"project_task": f"{self.project.uid}:",
                                                          "date": "9999-12-31", "duration": "1:00"})
        self.assertContains(r, MESSAGE, status_code=400)
        self.org.entry_mode = "start_end"
        self.org.save()
        r = self.client.post("/o/alpha/day/2026-03-02/", {"project_task": f"{self.project.uid}:", "date": "0001-01-01",
                                                          "start_time": "00:30", "end_time": "01:30"})
        self.assertContains(r, MESSAGE, status_code=400)
        self.assertFalse(TimeEntry.objects.exists())
        for name in ("date_from", "date_to"):
            for day in ("0001-01-01", "9999-12-31"):
                r = self.client.get("/o/alpha/audit/", {name: day})
                self.assertContains(r, MESSAGE)
                r = self.client.get("/o/alpha/audit.csv", {name: day})
                self.assertLess(r.status_code, 500)
        r = self.client.get(reverse("expenses:list", args=["alpha"]), {"start": "0001-01-01", "end": "0001-01-31"})
        self.assertContains(r, MESSAGE, status_code=400)

    def test_projects_rates_and_settings_keep_to_the_range_too(self):
        r = self.send("PATCH", f"{API}/projects/{self.project.uid}", {"deadline": "9999-12-31"})
        self.refused(r)
        self.login(self.alice)
        r = self.client.post(reverse("tracking:tracking_settings", args=["alpha"]), {
            "entry_mode": "duration", "timer_midnight": "split", "timesheet_period": "weekly",
            "period_anchor": "0001-01-01"})
        self.assertContains(r, MESSAGE, status_code=400)
