import datetime as dt
from decimal import Decimal

from timelive.test import BaseTestCase
from timelive.tracking.actions import create_entry
from timelive.tracking.entries import EntryData
from timelive.tracking.models import RateKind
from timelive.tracking.rates import RateBook

from .helpers import make_project, make_rate, make_task, rules_for

DAY = dt.date(2026, 6, 15)


class RatesTestCase(BaseTestCase):
    def setUp(self):
        self.project = make_project(self.org)
        self.task = make_task(self.project)

    def find(self, kind=RateKind.BILLING, user=None, task=None, day=DAY):
        book = RateBook(self.org)
        rate = book.find(
            kind, user_id=(user or self.bob).id, project_id=self.project.id, task_id=task.id if task else None, day=day
        )
        return rate.amount if rate else None

    def test_it_takes_the_most_specific_rate(self):
        make_rate(self.org, RateKind.BILLING, "50")
        self.assertEqual(self.find(), Decimal("50"))
        make_rate(self.org, RateKind.BILLING, "60", user=self.bob)
        self.assertEqual(self.find(), Decimal("60"))
        make_rate(self.org, RateKind.BILLING, "70", project=self.project)
        self.assertEqual(self.find(), Decimal("70"))
        make_rate(self.org, RateKind.BILLING, "80", project=self.project, user=self.bob)
        self.assertEqual(self.find(), Decimal("80"))
        self.assertEqual(self.find(user=self.alice), Decimal("70"))
        make_rate(self.org, RateKind.BILLING, "90", task=self.task)
        self.assertEqual(self.find(task=self.task), Decimal("90"))
        self.assertEqual(self.find(), Decimal("80"))

    def test_it_respects_the_dates_a_rate_is_in_force(self):
        make_rate(self.org, RateKind.BILLING, "50", valid_to=dt.date(2026, 6, 30))
        make_rate(self.org, RateKind.BILLING, "55", valid_from=dt.date(2026, 7, 1))
        self.assertEqual(self.find(day=dt.date(2026, 6, 30)), Decimal("50"))
        self.assertEqual(self.find(day=dt.date(2026, 7, 1)), Decimal("55"))

    def test_it_keeps_billing_and_cost_rates_apart(self):
        make_rate(self.org, RateKind.COST, "30", user=self.bob)
        self.assertIsNone(self.find())
        self.assertEqual(self.find(kind=RateKind.COST), Decimal("30"))

    def test_it_ignores_another_organisations_rates(self):
        make_rate(self.other_org, RateKind.BILLING, "999")
        self.assertIsNone(self.find())

    def test_an_entry_keeps_the_rate_it_was_valued_at(self):
        rate = make_rate(self.org, RateKind.BILLING, "100", currency="EUR")
        make_rate(self.org, RateKind.COST, "40", currency="EUR")
        entry = create_entry(
            rules_for(self.bob, self.org), self.bob, EntryData(project=self.project.uid, date=DAY, duration=5400)
        )
        self.assertEqual((entry.bill_rate, entry.bill_currency, entry.cost_rate), (Decimal("100"), "EUR", Decimal("40")))
        self.assertEqual(entry.bill_amount, Decimal("150.00"))
        rate.amount = Decimal("120")
        rate.save()
        entry.refresh_from_db()
        self.assertEqual(entry.bill_rate, Decimal("100"))
