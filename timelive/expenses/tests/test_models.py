import datetime as dt
from decimal import Decimal

from timelive.expenses.models import ExchangeRate, Expense, ExpenseInvalid, MissingExchangeRate
from timelive.test import BaseTestCase
from timelive.tracking.models import Project

from .helpers import DAY, make_code, make_expense, make_mileage, make_rate, make_tax


class PricingTestCase(BaseTestCase):
    def setUp(self):
        self.project = Project.objects.create(org=self.org, name="Website")
        self.meals = make_code(self.org)

    def expense(self, **extra):
        extra.setdefault("expense_code", self.meals)
        extra.setdefault("currency", "USD")
        extra.setdefault("date", DAY)
        return Expense(org=self.org, user=self.bob, project=self.project, **extra)

    def test_it_keeps_an_amount_in_the_base_currency_as_it_is(self):
        expense = self.expense(amount=Decimal("12.50"))
        expense.price()
        self.assertEqual((expense.total, expense.base_total, expense.exchange_rate, expense.base_currency),
                         (Decimal("12.50"), Decimal("12.50"), Decimal(1), "USD"))

    def test_it_converts_another_currency_at_the_rate_of_the_day(self):
        make_rate(self.org, "EUR", "1.10", dt.date(2026, 1, 1))
        expense = self.expense(amount=Decimal("100.00"), currency="EUR")
        expense.price()
        self.assertEqual(expense.total, Decimal("100.00"))
        self.assertEqual(expense.base_total, Decimal("110.00"))
        self.assertEqual(expense.exchange_rate, Decimal("1.10"))

    def test_it_uses_the_latest_rate_on_or_before_the_day(self):
        make_rate(self.org, "EUR", "1.05", dt.date(2026, 1, 1))
        make_rate(self.org, "EUR", "1.20", DAY)  # in force from the very day
        make_rate(self.org, "EUR", "1.50", DAY + dt.timedelta(days=1))  # too late
        make_rate(self.other_org, "EUR", "9.99", dt.date(2026, 2, 1))  # another organisation's
        self.assertEqual(ExchangeRate.rate_on(self.org, "EUR", DAY), Decimal("1.20"))
        self.assertEqual(ExchangeRate.rate_on(self.org, "EUR", DAY - dt.timedelta(days=1)), Decimal("1.05"))

    def test_it_refuses_a_currency_without_a_rate(self):
        make_rate(self.org, "EUR", "1.10", DAY + dt.timedelta(days=1))  # only after the day
        expense = self.expense(amount=Decimal("10"), currency="EUR")
        with self.assertRaises(ExpenseInvalid) as caught:
            expense.price()
        self.assertIn("no exchange rate from EUR to USD on or before 10 Mar 2026", caught.exception.errors["currency"][0])
        with self.assertRaises(MissingExchangeRate):
            ExchangeRate.rate_on(self.org, "GBP", DAY)

    def test_it_prices_a_quantity_at_the_codes_rate(self):
        mileage = make_mileage(self.org, "0.45")
        expense = self.expense(expense_code=mileage, quantity=Decimal("123.40"), amount=Decimal("999"))
        expense.price()
        # 123.4 km × 0.45 = 55.53; the amount sent along is ignored.
        self.assertEqual((expense.unit_rate, expense.amount, expense.total), (Decimal("0.45"), Decimal("55.53"),
                                                                             Decimal("55.53")))

    def test_it_refuses_a_quantity_for_a_code_without_a_rate(self):
        expense = self.expense(quantity=Decimal("3"))
        with self.assertRaises(ExpenseInvalid) as caught:
            expense.price()
        self.assertIn("Meals has no rate per unit", caught.exception.errors["quantity"][0])

    def test_it_asks_for_an_amount(self):
        with self.assertRaises(ExpenseInvalid) as caught:
            self.expense(amount=None).price()
        self.assertEqual(caught.exception.errors, {"amount": ["Enter the amount."]})
        with self.assertRaises(ExpenseInvalid) as caught:
            self.expense(amount=Decimal("0")).price()
        self.assertEqual(caught.exception.errors, {"amount": ["Enter an amount above zero."]})

    def test_it_adds_tax_on_top_and_converts_the_total(self):
        make_rate(self.org, "GBP", "1.25", dt.date(2026, 1, 1))
        vat = make_tax(self.org, "VAT", "20")
        expense = self.expense(amount=Decimal("10.05"), currency="GBP", tax_code=vat)
        expense.price()
        # 20 % of 10.05 = 2.01; total 12.06 GBP = 15.075 USD, rounded half up.
        self.assertEqual((expense.tax_percentage, expense.tax_amount, expense.total, expense.base_total),
                         (Decimal("20"), Decimal("2.01"), Decimal("12.06"), Decimal("15.08")))

    def test_it_refuses_amounts_too_large_to_keep(self):
        mileage = make_mileage(self.org, "99999999")
        expense = self.expense(expense_code=mileage, quantity=Decimal("9999999999"))
        with self.assertRaises(ExpenseInvalid) as caught:
            expense.price()
        self.assertEqual(caught.exception.errors, {"quantity": ["This amount is too large."]})

    def test_it_finds_one_persons_expenses_for_a_period(self):
        inside = make_expense(self.org, self.bob, self.project, self.meals, day=DAY)
        make_expense(self.org, self.bob, self.project, self.meals, day=DAY + dt.timedelta(days=30))
        make_expense(self.org, self.alice, self.project, self.meals, day=DAY)
        sheet = Expense.objects.for_sheet(self.org, self.bob, DAY - dt.timedelta(days=1), DAY + dt.timedelta(days=6))
        self.assertEqual(list(sheet), [inside])
