import datetime as dt
from decimal import Decimal

from django.utils import timezone

from timelive.orgs.models import AuditEvent, AuditLog, Plan, Role
from timelive.test import BaseTestCase
from timelive.tracking.models import EntryStatus, Rate, RateKind, TimeEntry

from .helpers import make_project, make_rate, make_task

URL = "/o/alpha/settings/rates/"
DAY = dt.date(2026, 3, 2)


class RatePagesTestCase(BaseTestCase):
    def setUp(self):
        self.project = make_project(self.org, "Website")
        self.task = make_task(self.project, "Design")

    def data(self, **extra):
        data = {"kind": "billing", "level": "organisation", "amount": "100", "currency": "USD", "valid_from": "",
                "valid_to": ""}
        data.update(extra)
        return data

    def test_it_lists_rates(self):
        make_rate(self.org, RateKind.BILLING, "100")
        make_rate(self.org, RateKind.COST, "40", user=self.bob)
        make_rate(self.org, RateKind.BILLING, "150", project=self.project, user=self.bob)
        make_rate(self.other_org, RateKind.BILLING, "999")
        self.login(self.alice)
        r = self.client.get(URL)
        self.assertEqual(sorted(r.level_name for r in r.context["rates"]), ["member", "organisation", "project_member"])
        self.assertContains(r, "100.00 USD")
        self.assertContains(r, "Bob Example on Website")
        self.assertNotContains(r, "999")

    def test_it_shows_an_empty_state(self):
        self.login(self.alice)
        self.assertContains(self.client.get(URL), "No rates yet.")

    def test_it_adds_rates_at_each_level(self):
        self.login(self.alice)
        cases = [
            ({"level": "organisation"}, (None, None, None)),
            ({"level": "member", "user": self.bob.code}, (self.bob, None, None)),
            ({"level": "project", "project": self.project.uid}, (None, self.project, None)),
            ({"level": "project_member", "project": self.project.uid, "user": self.bob.code},
             (self.bob, self.project, None)),
            ({"level": "task", "task": self.task.uid, "user": self.bob.code}, (None, self.project, self.task)),
        ]
        for extra, (user, project, task) in cases:
            with self.subTest(extra["level"]):
                r = self.client.post(URL, self.data(**extra))
                self.assertRedirects(r, URL)
                rate = Rate.objects.latest("id")
                self.assertEqual((rate.user, rate.project, rate.task), (user, project, task))
        self.assertEqual(AuditLog.objects.count(), 5)
        log = AuditLog.objects.latest("id")
        self.assertEqual(log.details["rate"]["new"]["level"], "task")
        self.assertEqual(log.details["rate"]["new"]["amount"], "100.00")

    def test_it_requires_the_levels_target(self):
        self.login(self.alice)
        r = self.client.post(URL, self.data(level="project_member"))
        self.assertContains(r, "Choose a project for this rate.", status_code=400)
        self.assertContains(r, "Choose a person for this rate.", status_code=400)
        self.assertContains(r, 'value="100"', status_code=400)

    def test_it_refuses_bad_ranges_amounts_and_targets(self):
        other_project = make_project(self.other_org, "Theirs")
        self.login(self.alice)
        r = self.client.post(URL, self.data(valid_from="2026-03-01", valid_to="2026-02-01"))
        self.assertContains(r, "The end of the range cannot be before its start.", status_code=400)
        r = self.client.post(URL, self.data(amount="-5", currency="XXX"))
        self.assertEqual(set(r.context["form"].errors), {"amount", "currency"})
        r = self.client.post(URL, self.data(level="project", project=other_project.uid))
        self.assertIn("project", r.context["form"].errors)
        r = self.client.post(URL, self.data(level="member", user=self.charlie.code))
        self.assertIn("user", r.context["form"].errors)
        self.assertFalse(Rate.objects.exists())

    def test_it_refuses_overlapping_ranges_at_the_same_level_and_target(self):
        make_rate(self.org, RateKind.BILLING, "100", valid_from=dt.date(2026, 1, 1), valid_to=dt.date(2026, 6, 30))
        make_rate(self.org, RateKind.BILLING, "90", user=self.bob)
        self.login(self.alice)
        r = self.client.post(URL, self.data(valid_from="2026-06-01"))
        self.assertContains(r, "This overlaps the billing rate of 100.00 USD in force from 2026-01-01 until 2026-06-30",
                            status_code=400)
        r = self.client.post(URL, self.data(valid_to="2026-01-01"))
        self.assertEqual(r.status_code, 400)
        r = self.client.post(URL, self.data(level="member", user=self.bob.code, valid_from="2027-01-01"))
        self.assertContains(r, "from always until further notice", status_code=400)
        # Side by side is fine; so is another kind, another target or another person.
        self.assertEqual(self.client.post(URL, self.data(valid_from="2026-07-01")).status_code, 302)
        self.assertEqual(self.client.post(URL, self.data(valid_to="2025-12-31")).status_code, 302)
        self.assertEqual(self.client.post(URL, self.data(kind="cost")).status_code, 302)
        self.assertEqual(self.client.post(URL, self.data(level="project", project=self.project.uid)).status_code, 302)
        self.assertEqual(self.client.post(URL, self.data(level="member", user=self.alice.code)).status_code, 302)

    def test_editing_a_rate_does_not_revalue_logged_entries(self):
        rate = make_rate(self.org, RateKind.BILLING, "100")
        entry = TimeEntry.objects.create(org=self.org, user=self.bob, project=self.project, date=DAY, duration=3600,
                                         bill_rate=Decimal("100"), bill_currency="USD")
        self.login(self.alice)
        r = self.client.get(f"{URL}{rate.uid}/")
        self.assertContains(r, 'value="100.00"')
        r = self.client.post(f"{URL}{rate.uid}/", self.data(amount="120"))
        self.assertRedirects(r, URL)
        rate.refresh_from_db()
        self.assertEqual(rate.amount, Decimal("120"))
        entry.refresh_from_db()
        self.assertEqual(entry.bill_rate, Decimal("100"))
        log = AuditLog.objects.get()
        self.assertEqual((log.details["rate"]["old"]["amount"], log.details["rate"]["new"]["amount"]), ("100.00", "120.00"))
        # A rate does not overlap itself.
        self.assertEqual(self.client.post(f"{URL}{rate.uid}/", self.data(amount="130")).status_code, 302)

    def test_it_deletes_a_rate_after_asking(self):
        rate = make_rate(self.org, RateKind.COST, "40")
        self.login(self.alice)
        self.assertContains(self.client.get(f"{URL}{rate.uid}/delete/"), "Delete the cost rate of 40.00 USD?")
        self.assertRedirects(self.client.post(f"{URL}{rate.uid}/delete/"), URL)
        self.assertFalse(Rate.objects.exists())
        self.assertEqual(AuditLog.objects.get().details["rate"]["new"], None)

    def test_it_is_for_admins_of_the_organisation(self):
        rate = make_rate(self.org, RateKind.BILLING, "100")
        manager, _ = self.add_member("mia@example.org", "Mia", role=Role.MANAGER)
        for user in (self.bob, manager):
            self.login(user)
            self.assertEqual(self.client.get(URL).status_code, 403)
            self.assertEqual(self.client.post(URL, self.data()).status_code, 403)
            self.assertEqual(self.client.post(f"{URL}{rate.uid}/delete/").status_code, 403)
            self.assertEqual(self.client.post(f"{URL}reprice/", {}).status_code, 403)
        self.login(self.charlie)
        self.assertEqual(self.client.get(URL).status_code, 404)
        self.assertEqual(self.client.post(f"/o/bravo/settings/rates/{rate.uid}/delete/").status_code, 404)
        self.assertEqual(Rate.objects.count(), 1)

    def test_a_read_only_organisation_refuses_changes(self):
        self.org.plan = Plan.TRIAL
        self.org.trial_ends_at = timezone.now() - dt.timedelta(days=1)
        self.org.save()
        self.login(self.alice)
        self.assertEqual(self.client.get(URL).status_code, 200)
        self.assertEqual(self.client.post(URL, self.data()).status_code, 403)
        self.assertEqual(self.client.post(f"{URL}reprice/", {"date_from": "2026-01-01",
                                                              "date_to": "2026-12-31"}).status_code, 403)

    def test_it_keeps_the_query_count_flat(self):
        make_rate(self.org, RateKind.BILLING, "100", user=self.bob, project=self.project)
        self.login(self.alice)
        self.client.get(URL)
        with self.assertNumQueries(12):
            self.client.get(URL)
        for i in range(10):
            task = make_task(self.project, f"T{i}")
            make_rate(self.org, RateKind.COST, "10", task=task, project=self.project, user=self.bob)
        with self.assertNumQueries(12):
            self.client.get(URL)


class RepriceTestCase(BaseTestCase):
    def setUp(self):
        self.project = make_project(self.org, "Website")
        self.other = make_project(self.org, "Other")

    def entry(self, day=DAY, project=None, user=None, **extra):
        return TimeEntry.objects.create(org=self.org, user=user or self.bob, project=project or self.project, date=day,
                                        duration=3600, bill_rate=Decimal("50"), bill_currency="USD", **extra)

    def test_it_reprices_open_entries_of_the_range(self):
        make_rate(self.org, RateKind.BILLING, "100", currency="EUR")
        make_rate(self.org, RateKind.COST, "30", currency="EUR")
        make_rate(self.org, RateKind.BILLING, "150", currency="EUR", project=self.project, user=self.bob)
        inside = self.entry()
        other_project = self.entry(project=self.other)
        submitted = self.entry(status=EntryStatus.SUBMITTED)
        before = self.entry(day=DAY - dt.timedelta(days=10))
        self.login(self.alice)
        r = self.client.post("/o/alpha/settings/rates/reprice/", {"date_from": "2026-03-01", "date_to": "2026-03-31"},
                             follow=True)
        self.assertContains(r, "Re-priced 2 of 2 open entries")
        inside.refresh_from_db()
        self.assertEqual((inside.bill_rate, inside.bill_currency, inside.cost_rate, inside.cost_currency),
                         (Decimal("150"), "EUR", Decimal("30"), "EUR"))
        self.assertEqual(inside.version, 2)
        other_project.refresh_from_db()
        self.assertEqual(other_project.bill_rate, Decimal("100"))
        for untouched in (submitted, before):
            untouched.refresh_from_db()
            self.assertEqual((untouched.bill_rate, untouched.version), (Decimal("50"), 1))
        # One row for the re-pricing; each changed entry's own history has a row too (test_entry_history).
        log = AuditLog.objects.get(event=AuditEvent.ORG_SETTINGS_CHANGED)
        self.assertEqual(log.details["reprice"], {"from": "2026-03-01", "to": "2026-03-31", "project": None,
                                                  "person": None, "checked": 2, "changed": 2})

    def test_it_narrows_to_a_project_and_a_person(self):
        make_rate(self.org, RateKind.BILLING, "100")
        mine = self.entry()
        self.entry(project=self.other)
        self.entry(user=self.alice)
        self.login(self.alice)
        r = self.client.post("/o/alpha/settings/rates/reprice/", {
            "date_from": "2026-03-01", "date_to": "2026-03-31", "project": self.project.uid, "person": self.bob.code,
        }, follow=True)
        self.assertContains(r, "Re-priced 1 of 1 open entry")
        mine.refresh_from_db()
        self.assertEqual(mine.bill_rate, Decimal("100"))
        self.assertEqual(TimeEntry.objects.filter(bill_rate=Decimal("50")).count(), 2)

    def test_it_counts_only_entries_that_change(self):
        make_rate(self.org, RateKind.BILLING, "50")
        self.entry()
        self.login(self.alice)
        r = self.client.post("/o/alpha/settings/rates/reprice/", {"date_from": "2026-03-01", "date_to": "2026-03-31"},
                             follow=True)
        self.assertContains(r, "Re-priced 0 of 1 open entry")

    def test_it_validates_the_range(self):
        self.login(self.alice)
        self.assertContains(self.client.get("/o/alpha/settings/rates/reprice/"), "Re-price entries")
        r = self.client.post("/o/alpha/settings/rates/reprice/", {"date_from": "2026-03-31", "date_to": "2026-03-01"})
        self.assertContains(r, "The end of the range cannot be before its start.", status_code=400)
        r = self.client.post("/o/alpha/settings/rates/reprice/", {"date_from": "2026-03-01", "date_to": "2026-03-31",
                                                                  "project": make_project(self.other_org).uid})
        self.assertIn("project", r.context["form"].errors)
        self.assertFalse(AuditLog.objects.exists())
