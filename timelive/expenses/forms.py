"""Forms for expenses and the expense settings.

The API validates its input through ExpenseForm too, so a rule holds whichever
door the data comes through. Related rows are chosen by their public ids.
"""

import datetime as dt
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q

from timelive.lib.widgets import DateField
from timelive.tracking.catalog_forms import DATE, MultipleFileField
from timelive.tracking.models import OPEN_PROJECT_STATUSES

from .models import ExchangeRate, Expense, ExpenseCode, ExpenseInvalid, PaymentMethod, TaxCode
from .receipts import MAX_RECEIPT_BYTES, MAX_RECEIPTS, check_receipts


class OptionDataSelect(forms.Select):
    """A select whose options carry data-* attributes (read by expenses/form.js to set defaults)."""

    def __init__(self, *args, option_data=None, **kwargs):
        super().__init__(*args, **kwargs)
        # {option value: {attribute: value}}
        self.option_data = option_data or {}

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        option["attrs"].update(self.option_data.get(str(value), {}))
        return option


def _in_use_or_active(queryset, current_id):
    """Active rows, plus the one an expense already uses (so editing it does not lose it)."""
    return queryset.filter(Q(is_active=True) | Q(pk=current_id or 0))


class ExpenseForm(forms.ModelForm):
    project = forms.ModelChoiceField(None, to_field_name="uid", empty_label="Choose a project")
    expense_code = forms.ModelChoiceField(None, to_field_name="uid", label="Expense code",
                                          empty_label="Choose a code", widget=OptionDataSelect)
    quantity = forms.DecimalField(required=False, max_digits=12, decimal_places=2, min_value=Decimal("0.01"),
                                  help_text="For codes with a rate per unit (mileage, say): the amount is worked out.")
    amount = forms.DecimalField(required=False, max_digits=14, decimal_places=2, min_value=Decimal("0.01"),
                                help_text="Before tax, in the currency below.")
    tax_code = forms.ModelChoiceField(None, to_field_name="uid", required=False, empty_label="No tax")
    payment_method = forms.ModelChoiceField(None, to_field_name="uid", required=False, empty_label="—",
                                            widget=OptionDataSelect)
    receipts = MultipleFileField(label="Receipts", required=False,
                                 help_text=f"Pictures (JPEG, PNG, GIF, WebP) or PDFs, up to {MAX_RECEIPTS} per "
                                           f"expense, {MAX_RECEIPT_BYTES // (1024 * 1024)} MB each.")

    class Meta:
        model = Expense
        fields = ["date", "project", "expense_code", "quantity", "amount", "currency", "tax_code", "payment_method",
                  "description", "billable", "reimbursable"]
        widgets = {"date": DATE, "description": forms.Textarea(attrs={"rows": 3})}
        field_classes = {"date": DateField}
        help_texts = {"reimbursable": "Paid from your own pocket: the organisation pays you back.",
                      "billable": "To be charged to the client."}

    def __init__(self, *args, org, person, projects, with_receipts=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.org, self.person = org, person
        instance = self.instance
        current_project = instance.project_id if instance.pk else None
        self.fields["project"].queryset = projects.filter(
            Q(status__in=OPEN_PROJECT_STATUSES) | Q(pk=current_project or 0)).order_by("name")
        codes = _in_use_or_active(ExpenseCode.objects.filter(org=org), instance.expense_code_id)
        methods = _in_use_or_active(PaymentMethod.objects.filter(org=org), instance.payment_method_id)
        self.fields["expense_code"].queryset = codes
        self.fields["tax_code"].queryset = _in_use_or_active(TaxCode.objects.filter(org=org), instance.tax_code_id)
        self.fields["payment_method"].queryset = methods
        # Picking a code or a payment method sets the checkboxes to its defaults (expenses/form.js).
        self.fields["expense_code"].widget.option_data = {
            c.uid: {"data-billable": "1" if c.billable else "0", "data-unit": c.unit} for c in codes}
        self.fields["payment_method"].widget.option_data = {
            m.uid: {"data-reimbursable": "1" if m.reimbursable else "0"} for m in methods}
        self.fields["currency"].help_text = f"The organisation's currency is {org.currency}; others are converted " \
                                            "at the exchange rate of the day."
        if instance.pk:
            # A quantity prices the expense; showing the amount too would ask for both.
            if instance.quantity is not None:
                self.initial["amount"] = None
        else:
            self.initial.setdefault("currency", org.currency)
        if not with_receipts:
            del self.fields["receipts"]
        self.checked_receipts = []

    def clean_receipts(self):
        uploads = self.cleaned_data.get("receipts") or []
        existing = self.instance.receipts.count() if self.instance.pk and uploads else 0
        self.checked_receipts = check_receipts(uploads, existing=existing)
        return uploads

    def clean(self):
        data = super().clean()
        if data.get("quantity") is not None and data.get("amount") is not None:
            self.add_error("amount", "Enter either a quantity or an amount, not both.")
        return data

    def _post_clean(self):
        # The model's fields are set on the instance here; then it is priced (which also finds the exchange rate).
        super()._post_clean()
        if self.errors:
            return
        expense = self.instance
        expense.org = self.org
        if not expense.pk:
            expense.user = self.person
        try:
            expense.price()
        except ExpenseInvalid as exc:
            for field, messages in exc.errors.items():
                for message in messages:
                    self.add_error(field if field in self.fields else None, message)
            return
        # A submitted or approved expense is refused as locked when saved; this is about open ones.
        sheet = sheet_holding(expense) if expense.is_editable else None
        if sheet is not None:
            self.add_error("date", f"Your expenses of {sheet.range_label} are {sheet.get_status_display().lower()}: "
                                   "choose another day, or recall that expense sheet first.")
        # Closing a month (Admin → Approval paths → lock all time before a date) closes its expenses too.
        from timelive.approvals.locking import Locks

        locks = Locks(self.org.id)
        if expense.is_editable and locks.is_closed(expense.date):
            self.add_error("date", locks.closed_message("no expense can be added or moved there"))


def sheet_holding(expense):
    """The person's expense sheet that is waiting or approved for the expense's day, if any: an open expense
    there could never be submitted (a day is in one sheet at a time), so none is added or moved there."""
    from timelive.approvals.models import ACTIVE_STATUSES, Submission, SubmissionKind

    return Submission.objects.filter(org=expense.org, person_id=expense.user_id, kind=SubmissionKind.EXPENSE_SHEET,
                                     status__in=ACTIVE_STATUSES, start__lte=expense.date, end__gte=expense.date).first()


class PeriodForm(forms.Form):
    """The period of an expense list: from and to (both included)."""

    start = DateField(required=False, widget=DATE, label="From")
    end = DateField(required=False, widget=DATE, label="To")
    who = forms.CharField(required=False, max_length=20)

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", "The period ends before it starts.")
        if start and end and (end - start).days > 3660:
            self.add_error("end", "Choose a period of at most ten years.")
        return data


# Settings


class _TitledForm(forms.ModelForm):
    """A setting with a name that is unique (in any letter case) in the organisation."""

    def __init__(self, *args, org, **kwargs):
        super().__init__(*args, **kwargs)
        self.org = org
        self.instance.org = org

    def clean_title(self):
        title = " ".join(self.cleaned_data["title"].split())
        if not title:
            raise ValidationError("Enter a name.")
        others = type(self.instance).objects.filter(org=self.org, title__iexact=title).exclude(pk=self.instance.pk)
        if others.exists():
            raise ValidationError("There is already one with this name.")
        return title


class ExpenseCodeForm(_TitledForm):
    rate_per_unit = forms.DecimalField(required=False, max_digits=12, decimal_places=4, min_value=Decimal("0.0001"),
                                       label="Default rate per unit",
                                       help_text="In the organisation's currency, e.g. 0.45 per km.")

    class Meta:
        model = ExpenseCode
        fields = ["title", "billable", "unit", "rate_per_unit"]

    def clean(self):
        data = super().clean()
        unit, rate = (data.get("unit") or "").strip(), data.get("rate_per_unit")
        if unit and rate is None and "rate_per_unit" not in self.errors:
            self.add_error("rate_per_unit", "Give the rate per unit too, or leave the unit empty.")
        if rate is not None and not unit:
            self.add_error("unit", "Name the unit (km, night…) the rate is per, or leave the rate empty.")
        data["unit"] = unit
        return data


class TaxCodeForm(_TitledForm):
    percentage = forms.DecimalField(min_value=Decimal(0), max_value=Decimal(100), max_digits=5, decimal_places=2,
                                    help_text="Added on top of an expense's amount, e.g. 20 for 20 %.")

    class Meta:
        model = TaxCode
        fields = ["title", "percentage"]


class PaymentMethodForm(_TitledForm):
    class Meta:
        model = PaymentMethod
        fields = ["title", "reimbursable"]


class ExchangeRateForm(forms.ModelForm):
    rate = forms.DecimalField(min_value=Decimal("0.00000001"), max_value=Decimal("9999999999"), max_digits=18,
                              decimal_places=8)

    class Meta:
        model = ExchangeRate
        fields = ["currency", "rate", "effective_date"]
        widgets = {"effective_date": DATE}
        field_classes = {"effective_date": DateField}

    def __init__(self, *args, org, **kwargs):
        super().__init__(*args, **kwargs)
        self.org = org
        self.instance.org = org
        self.fields["currency"].choices = [c for c in self.fields["currency"].choices if c[0] != org.currency]
        self.fields["rate"].help_text = f"What 1 unit of this currency is worth in {org.currency}."
        self.initial.setdefault("effective_date", dt.date.today())

    def clean(self):
        data = super().clean()
        currency, day = data.get("currency"), data.get("effective_date")
        if currency and day:
            others = ExchangeRate.objects.filter(org=self.org, currency=currency, effective_date=day)
            if others.exclude(pk=self.instance.pk).exists():
                self.add_error("effective_date", f"There is already a {currency} rate from this day: change that one.")
        return data
