"""Locked time cannot be changed by any door: the day view, the week grid, the timer,
the API, bulk imports and re-pricing; the organisation's settings say what is locked."""

import datetime as dt
import json
from decimal import Decimal

from timelive.api.test import ApiTestCase
from timelive.tracking.actions import Locked, create_entry, delete_entry, do_reprice_entries, stop_timer, update_entry
from timelive.tracking.entries import EntryData, EntryInvalid
from timelive.tracking.models import EntryStatus, RateKind, TimeEntry, Timer
from timelive.tracking.tests.helpers import make_rate, rules_for

from ..actions import do_approve, do_submit_timesheet
from .helpers import MONDAY, SUNDAY, ApprovalTestCase, set_default_path

API = "/api/v1/orgs/alpha/time-entries"


class LockSettingsTestCase(ApprovalTestCase):
    def settings_with(self, **values):
        settings = self.approval_settings()
        for name, value in values.items():
            setattr(settings, name, value)
        settings.save()

    def submitted_week(self):
        entry = self.log(self.bob)
        do_submit_timesheet(self.org, self.bob, MONDAY, SUNDAY, acting_user=self.bob)
        entry.refresh_from_db()
        return entry

    def test_submitted_time_is_locked_unless_the_organisation_says_otherwise(self):
        entry = self.submitted_week()
        rules = rules_for(self.bob, self.org)
        with self.assertRaisesMessage(Locked, "submitted and cannot be changed"):
            update_entry(rules, entry, EntryData(duration=60))
        # Nothing new goes into the submitted week either.
        with self.assertRaisesMessage(EntryInvalid, "waiting for approval"):
            create_entry(rules, self.bob, EntryData(project=self.project, date=MONDAY + dt.timedelta(days=2),
                                                    duration=600))
        self.settings_with(lock_submitted=False)
        entry = update_entry(rules_for(self.bob, self.org), entry, EntryData(duration=60))
        self.assertEqual((entry.duration, entry.status), (60, EntryStatus.SUBMITTED))

    def test_approved_time_is_locked_unless_the_organisation_says_otherwise(self):
        set_default_path(self.org, None)
        entry = self.submitted_week()
        self.assertEqual(entry.status, EntryStatus.APPROVED)
        with self.assertRaisesMessage(Locked, "approved and cannot be deleted"):
            delete_entry(entry)
        self.settings_with(lock_approved=False)
        delete_entry(entry)
        self.assertFalse(TimeEntry.objects.exists())

    def test_closing_a_period_locks_every_entry_before_it(self):
        entry = self.log(self.bob, MONDAY)
        self.settings_with(locked_before=MONDAY + dt.timedelta(days=1))
        rules = rules_for(self.bob, self.org)
        with self.assertRaisesMessage(Locked, "Time before 3 Mar 2026 is closed"):
            update_entry(rules, entry, EntryData(duration=60))
        with self.assertRaisesMessage(Locked, "is closed"):
            delete_entry(entry)
        # Moving an open entry into the closed period is refused too.
        later = self.log(self.bob, MONDAY + dt.timedelta(days=3))
        with self.assertRaisesMessage(EntryInvalid, "is closed"):
            update_entry(rules, later, EntryData(date=MONDAY))
        self.assertEqual(TimeEntry.objects.get(pk=later.pk).date, MONDAY + dt.timedelta(days=3))

    def test_a_timer_cannot_stop_into_a_closed_day(self):
        self.settings_with(locked_before=dt.date(2026, 3, 3))
        start = dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC)
        Timer.objects.create(user=self.bob, org=self.org, project=self.project, started_at=start)
        with self.assertRaisesMessage(EntryInvalid, "is closed"):
            stop_timer(rules_for(self.bob, self.org), self.bob, now=start + dt.timedelta(hours=1))
        self.assertFalse(TimeEntry.objects.exists())

    def test_re_pricing_leaves_a_closed_period_as_it_was(self):
        make_rate(self.org, RateKind.BILLING, "50")
        closed = self.log(self.bob, MONDAY)
        open_ = self.log(self.bob, MONDAY + dt.timedelta(days=2))
        self.settings_with(locked_before=MONDAY + dt.timedelta(days=1))
        make_rate(self.org, RateKind.BILLING, "80", project=self.project)
        checked, changed = do_reprice_entries(self.org, date_from=MONDAY, date_to=SUNDAY, acting_user=self.alice)
        self.assertEqual((checked, changed), (1, 1))
        closed.refresh_from_db()
        open_.refresh_from_db()
        self.assertEqual((closed.bill_rate, open_.bill_rate), (None, Decimal("80")))


class LockedPagesTestCase(ApprovalTestCase):
    def test_the_day_view_and_the_grid_refuse_a_closed_day(self):
        settings = self.approval_settings()
        settings.locked_before = SUNDAY
        settings.save()
        self.login(self.bob)
        r = self.client.post(f"/o/alpha/day/{MONDAY}/", {"project_task": f"{self.project.uid}:", "date": MONDAY,
                                                         "duration": "1:00", "billable": "yes"})
        self.assertContains(r, "is closed", status_code=400)
        r = self.client.post("/o/alpha/timesheet/cell/", {"project": self.project.uid, "date": MONDAY, "value": "1:00",
                                                          "signature": "0.0.0.0"}, HTTP_HX_REQUEST="true")
        self.assertContains(r, "is closed")
        self.assertFalse(TimeEntry.objects.exists())

    def test_the_grid_refuses_to_clear_a_closed_day(self):
        entry = self.log(self.bob, MONDAY)
        settings = self.approval_settings()
        settings.locked_before = SUNDAY
        settings.save()
        self.login(self.bob)
        r = self.client.post("/o/alpha/timesheet/cell/", {"project": self.project.uid, "date": MONDAY, "value": "",
                                                          "signature": f"3600.1.1.{entry.pk}"}, HTTP_HX_REQUEST="true")
        self.assertContains(r, "is closed")
        self.assertTrue(TimeEntry.objects.exists())


class LockedApiTestCase(ApiTestCase, ApprovalTestCase):
    def setUp(self):
        _, self.secret = self.make_token(self.bob)

    def send(self, method, path, body=None):
        return self.client.generic(method, path, "" if body is None else json.dumps(body),
                                   content_type="application/json", headers={"Authorization": f"Bearer {self.secret}"})

    def test_the_api_answers_locked_time_with_clear_errors(self):
        entry = self.log(self.bob)
        submission = do_submit_timesheet(self.org, self.bob, MONDAY, SUNDAY, acting_user=self.bob)
        do_approve(submission, acting_user=self.tina, expected_tier=1)
        r = self.send("PATCH", f"{API}/{entry.uid}", {"duration": 60})
        self.assertError(r, 409, "locked")
        self.assertIn("submitted and cannot be changed", r.json()["detail"])
        self.assertError(self.send("DELETE", f"{API}/{entry.uid}"), 409, "locked")
        r = self.send("POST", API, {"project": self.project.uid, "date": str(MONDAY), "duration": 600})
        self.assertError(r, 422, "invalid")
        self.assertIn("waiting for approval", r.json()["detail"])
        # A bulk import: the rows in the submitted week are refused, the others created.
        r = self.send("POST", f"{API}/bulk", {"all_or_nothing": False, "items": [
            {"key": "a", "project": self.project.uid, "date": str(MONDAY + dt.timedelta(days=1)), "duration": 600},
            {"key": "b", "project": self.project.uid, "date": str(SUNDAY + dt.timedelta(days=1)), "duration": 600},
        ]})
        self.assertEqual(r.status_code, 200, r.content)
        results = {item["key"]: item for item in r.json()["results"]}
        self.assertEqual((results["a"]["status"], results["b"]["status"]), ("invalid", "created"))
        self.assertIn("waiting for approval", results["a"]["errors"]["__all__"][0])
        self.assertEqual(TimeEntry.objects.get(pk=entry.pk).duration, 3600)
        self.assertEqual(TimeEntry.objects.count(), 2)


class ExpenseSheetsDoNotLockTimeTestCase(ApiTestCase, ApprovalTestCase):
    """An expense sheet locks its expenses, never the person's time: time locks come from timesheets only."""

    def setUp(self):
        from timelive.expenses.tests.helpers import make_code, make_expense

        set_default_path(self.org, None)  # approved at once
        make_expense(self.org, self.bob, self.project, make_code(self.org), day=MONDAY)
        from ..actions import do_submit_expense_sheet

        self.sheet = do_submit_expense_sheet(self.org, self.bob, MONDAY, SUNDAY, acting_user=self.bob)
        _, self.secret = self.make_token(self.bob)

    def test_time_in_a_week_with_an_approved_expense_sheet_stays_open(self):
        self.assertEqual(self.sheet.status, "approved")
        entry = self.log(self.bob, MONDAY, 3600)
        self.login(self.bob)
        # The week grid.
        r = self.client.post("/o/alpha/timesheet/cell/", {"project": self.project.uid, "date": MONDAY, "value": "2:00",
                                                          "signature": f"3600.1.1.{entry.pk}"}, HTTP_HX_REQUEST="true")
        self.assertEqual(r.status_code, 200)
        self.assertEqual(TimeEntry.objects.get(pk=entry.pk).duration, 7200)
        # The API: a new entry and a change.
        r = self.client.post(API, json.dumps({"project": self.project.uid, "date": str(MONDAY + dt.timedelta(days=1)),
                                              "duration": 600}), content_type="application/json",
                             headers={"Authorization": f"Bearer {self.secret}"})
        self.assertEqual(r.status_code, 201, r.content)
        r = self.client.patch(f"{API}/{entry.uid}", json.dumps({"duration": 60}), content_type="application/json",
                              headers={"Authorization": f"Bearer {self.secret}"})
        self.assertEqual(r.status_code, 200, r.content)
        # The timer.
        start = dt.datetime(2026, 3, 4, 9, tzinfo=dt.UTC)
        Timer.objects.create(user=self.bob, org=self.org, project=self.project, started_at=start)
        made = stop_timer(rules_for(self.bob, self.org), self.bob, now=start + dt.timedelta(hours=1))
        self.assertEqual([e.duration for e in made], [3600])
        # The week still offers its timesheet for approval.
        self.assertContains(self.client.get(f"/o/alpha/timesheet/{MONDAY}/"), "Submit this period for approval")

    def test_a_timesheet_of_the_same_week_still_locks_its_time(self):
        entry = self.log(self.bob, MONDAY, 3600)
        do_submit_timesheet(self.org, self.bob, MONDAY, SUNDAY, acting_user=self.bob)
        with self.assertRaisesMessage(EntryInvalid, "in a timesheet that is approved"):
            create_entry(rules_for(self.bob, self.org), self.bob,
                         EntryData(project=self.project, date=MONDAY + dt.timedelta(days=1), duration=600))
        entry.refresh_from_db()
        with self.assertRaisesMessage(Locked, "approved and cannot be changed"):
            update_entry(rules_for(self.bob, self.org), entry, EntryData(duration=60))
        self.login(self.bob)
        self.assertNotContains(self.client.get(f"/o/alpha/timesheet/{MONDAY}/"), "Submit this period for approval")
