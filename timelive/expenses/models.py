"""Expenses: what a person spent (or drove) for a project, with receipts.

An organisation keeps its own expense codes (mileage, meals…), tax codes,
payment methods and exchange rates. An expense is priced when it is saved
(`Expense.price`): the amount (or quantity × the code's rate per unit), the tax
on top, the total, and that total in the organisation's base currency at the
exchange rate in force on the expense's day. The prices are stored, so a later
change of a rate or a tax code does not rewrite the past.

Statuses follow time entries (open, submitted, approved, rejected): the
approval engine moves them; only open and rejected expenses can be changed.
"""

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from timelive.lib.codes import new_code
from timelive.lib.money import round_money
from timelive.lib.zones import CURRENCIES

AMOUNT_PLACES = 2
# What the amount columns hold (max_digits 14 and 16 with two decimals), with room to spare.
MAX_AMOUNT = Decimal("1000000000")


def _uid_field():
    return models.CharField(max_length=16, unique=True, default=new_code, editable=False)


def to_amount(value: Decimal, currency: str) -> Decimal:
    """Rounded to the currency's minor unit (JPY none); the amount columns hold two decimals, so a
    currency with three (KWD) is kept to the fils' tenth."""
    return round_money(value, currency, max_places=AMOUNT_PLACES)


# The organisation's settings. "title", not "name": the privacy registry reads a
# field called name as a person's.


class ExpenseCode(models.Model):
    """A kind of expense, e.g. "Meals", or "Mileage" at 0.45 per km."""

    org = models.ForeignKey("orgs.Organization", on_delete=models.CASCADE, related_name="expense_codes")
    uid = _uid_field()
    title = models.CharField("name", max_length=120)
    billable = models.BooleanField("billable by default", default=True)
    # Both or neither: with them, people enter a quantity (e.g. km) and the amount follows.
    unit = models.CharField("unit", max_length=30, blank=True, help_text="For example km or night. Leave empty "
                                                                        "when people enter amounts.")
    rate_per_unit = models.DecimalField("default rate per unit", max_digits=12, decimal_places=4, null=True,
                                        blank=True, help_text="In the organisation's currency, e.g. 0.45 per km.")
    is_active = models.BooleanField("active", default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint("org", Lower("title"), name="expense_code_title_unique_in_org")]
        ordering = ["title"]

    def __str__(self):
        return self.title

    @property
    def per_unit(self) -> bool:
        return bool(self.unit) and self.rate_per_unit is not None


class TaxCode(models.Model):
    org = models.ForeignKey("orgs.Organization", on_delete=models.CASCADE, related_name="tax_codes")
    uid = _uid_field()
    title = models.CharField("name", max_length=120)
    percentage = models.DecimalField(max_digits=5, decimal_places=2, help_text="Added on top of the amount, e.g. 20.")
    is_active = models.BooleanField("active", default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint("org", Lower("title"), name="tax_code_title_unique_in_org")]
        ordering = ["title"]

    def __str__(self):
        return f"{self.title} ({self.percentage.normalize():f} %)"


class PaymentMethod(models.Model):
    org = models.ForeignKey("orgs.Organization", on_delete=models.CASCADE, related_name="payment_methods")
    uid = _uid_field()
    title = models.CharField("name", max_length=120)
    # Paid out of the person's own pocket (cash, a personal card): the organisation pays them back.
    reimbursable = models.BooleanField("reimbursable by default", default=True)
    is_active = models.BooleanField("active", default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint("org", Lower("title"), name="payment_method_title_unique_in_org")]
        ordering = ["title"]

    def __str__(self):
        return self.title


class MissingExchangeRate(Exception):
    def __init__(self, currency: str, base: str, day: dt.date):
        self.currency, self.base, self.day = currency, base, day
        super().__init__(f"There is no exchange rate from {currency} to {base} on or before {day:%-d %b %Y}. "
                         "An administrator can add one in the expense settings.")


class ExchangeRate(models.Model):
    """One unit of `currency` is worth `rate` of the organisation's currency, from `effective_date` on
    (until the next rate of the same currency)."""

    org = models.ForeignKey("orgs.Organization", on_delete=models.CASCADE, related_name="exchange_rates")
    uid = _uid_field()
    currency = models.CharField(max_length=3, choices=CURRENCIES)
    rate = models.DecimalField(max_digits=18, decimal_places=8,
                               help_text="What one unit of this currency is worth in the organisation's currency.")
    effective_date = models.DateField("in force from")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["org", "currency", "effective_date"], name="exchange_rate_once_a_day"),
        ]
        ordering = ["currency", "-effective_date"]

    def __str__(self):
        return f"1 {self.currency} = {self.rate.normalize():f} from {self.effective_date}"

    @classmethod
    def rate_on(cls, org, currency: str, day: dt.date) -> Decimal:
        """The rate from `currency` to the organisation's currency on `day`: the latest one in force
        on or before it. Raises MissingExchangeRate when there is none."""
        if currency == org.currency:
            return Decimal(1)
        rate = (cls.objects.filter(org=org, currency=currency, effective_date__lte=day)
                .order_by("-effective_date").values_list("rate", flat=True).first())
        if rate is None:
            raise MissingExchangeRate(currency, org.currency, day)
        return rate


# Expenses


class ExpenseStatus(models.TextChoices):
    OPEN = "open", "Open"
    SUBMITTED = "submitted", "Submitted"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"


# The person may change (and delete) an expense only in these; the approval engine moves the rest.
EDITABLE_STATUSES = (ExpenseStatus.OPEN, ExpenseStatus.REJECTED)


class ExpenseInvalid(Exception):
    """The expense breaks a rule: {field: [messages]} ("__all__" for the whole)."""

    def __init__(self, errors: dict[str, list[str]]):
        self.errors = errors
        super().__init__("; ".join(m for messages in errors.values() for m in messages))


class ExpenseQuerySet(models.QuerySet):
    def for_sheet(self, org, person, start: dt.date, end: dt.date):
        """The expenses of one person for a period (both days included): what an expense sheet holds."""
        return self.filter(org=org, user=person, date__gte=start, date__lte=end).order_by("date", "id")


class Expense(models.Model):
    org = models.ForeignKey("orgs.Organization", on_delete=models.CASCADE, related_name="expenses")
    uid = _uid_field()
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="expenses")
    date = models.DateField()
    project = models.ForeignKey("tracking.Project", on_delete=models.PROTECT, related_name="expenses")
    expense_code = models.ForeignKey(ExpenseCode, on_delete=models.PROTECT, related_name="expenses")
    # With a per-unit code: the quantity, and the rate per unit it was priced at.
    quantity = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    unit_rate = models.DecimalField(max_digits=12, decimal_places=4, null=True, blank=True)
    # Before tax, in `currency`.
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    currency = models.CharField(max_length=3, choices=CURRENCIES)
    tax_code = models.ForeignKey(TaxCode, null=True, blank=True, on_delete=models.PROTECT, related_name="expenses")
    tax_percentage = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    tax_amount = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal(0))
    # amount + tax_amount, in `currency`.
    total = models.DecimalField(max_digits=14, decimal_places=2)
    # The total in the organisation's currency (as it was then), at the rate in force on the day.
    base_currency = models.CharField(max_length=3, choices=CURRENCIES)
    exchange_rate = models.DecimalField(max_digits=18, decimal_places=8, default=Decimal(1))
    base_total = models.DecimalField(max_digits=16, decimal_places=2)
    payment_method = models.ForeignKey(PaymentMethod, null=True, blank=True, on_delete=models.PROTECT,
                                       related_name="expenses")
    description = models.TextField(blank=True, max_length=5000)
    billable = models.BooleanField(default=True)
    reimbursable = models.BooleanField(default=True)
    status = models.CharField(max_length=16, choices=ExpenseStatus.choices, default=ExpenseStatus.OPEN)
    # Bumped on every change, so two people editing the same expense cannot lose an update.
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = ExpenseQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["org", "user", "date"]),
            models.Index(fields=["org", "project", "date"]),
            models.Index(fields=["org", "date"]),
        ]
        ordering = ["date", "id"]

    def __str__(self):
        return f"Expense of {self.date:%-d %b %Y}, {self.total} {self.currency}"

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES

    def price(self) -> None:
        """Work out the amount (quantity × the code's rate per unit, when a quantity is given), the
        tax, the total and the total in the organisation's currency. Needs org, expense_code and
        tax_code loaded. Raises ExpenseInvalid (nothing is saved) when a rule is broken, among them a
        currency without an exchange rate on the day."""
        errors: dict[str, list[str]] = {}
        code = self.expense_code
        if self.quantity is not None:
            if not code.per_unit:
                errors["quantity"] = [f"{code.title} has no rate per unit: enter the amount instead."]
            elif self.quantity <= 0:
                errors["quantity"] = ["Enter a quantity above zero."]
            else:
                self.unit_rate = code.rate_per_unit
                self.amount = to_amount(self.quantity * self.unit_rate, self.currency)
        else:
            self.unit_rate = None
            if self.amount is None:
                errors["amount"] = [f"Enter the amount, or the number of {code.unit}." if code.per_unit
                                    else "Enter the amount."]
            elif self.amount <= 0:
                errors["amount"] = ["Enter an amount above zero."]
        if errors:
            raise ExpenseInvalid(errors)
        self.amount = to_amount(self.amount, self.currency)
        if self.tax_code_id:
            self.tax_percentage = self.tax_code.percentage
            self.tax_amount = to_amount(self.amount * self.tax_percentage / 100, self.currency)
        else:
            self.tax_percentage, self.tax_amount = None, Decimal("0.00")
        self.total = self.amount + self.tax_amount
        try:
            self.exchange_rate = ExchangeRate.rate_on(self.org, self.currency, self.date)
        except MissingExchangeRate as exc:
            raise ExpenseInvalid({"currency": [str(exc)]}) from None
        self.base_currency = self.org.currency
        self.base_total = to_amount(self.total * self.exchange_rate, self.org.currency)
        if self.total >= MAX_AMOUNT or self.base_total >= MAX_AMOUNT:
            raise ExpenseInvalid({"quantity" if self.quantity is not None else "amount": ["This amount is too large."]})


def receipt_path(receipt, filename):
    # Random folder per file: a receipt's address cannot be guessed, and the stored name is ours, not the uploader's.
    return f"receipts/{receipt.expense.org_id}/{new_code(24)}/receipt{receipt.extension}"


class Receipt(models.Model):
    """A file proving an expense: an image or a PDF, checked by its content, served only after the access check."""

    expense = models.ForeignKey(Expense, on_delete=models.CASCADE, related_name="receipts")
    uid = _uid_field()
    file = models.FileField(upload_to=receipt_path, max_length=255)
    # The file's name as uploaded, for people to read.
    name = models.CharField(max_length=200)
    size = models.PositiveIntegerField()
    # Found from the content, never taken from the upload.
    content_type = models.CharField(max_length=40)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return self.name

    EXTENSIONS = {"image/jpeg": ".jpg", "image/png": ".png", "image/gif": ".gif", "image/webp": ".webp",
                  "application/pdf": ".pdf"}

    @property
    def extension(self) -> str:
        return self.EXTENSIONS.get(self.content_type, "")

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")
