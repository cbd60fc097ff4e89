import datetime as dt
import functools
import io
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from timelive.expenses.models import ExchangeRate, Expense, ExpenseCode, PaymentMethod, TaxCode
from timelive.tracking.models import Project

DAY = dt.date(2026, 3, 10)


def png_bytes(size=(4, 4)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, "blue").save(out, format="PNG")
    return out.getvalue()


@functools.cache
def pdf_bytes() -> bytes:
    """A real one-page PDF (the same bytes every time: Pillow stamps the time it was made)."""
    out = io.BytesIO()
    Image.new("RGB", (20, 20), "white").save(out, format="PDF")
    return out.getvalue()


def png_upload(name="receipt.png"):
    return SimpleUploadedFile(name, png_bytes(), content_type="image/png")


def pdf_upload(name="receipt.pdf"):
    return SimpleUploadedFile(name, pdf_bytes(), content_type="application/pdf")


def make_code(org, title="Meals", **extra):
    return ExpenseCode.objects.create(org=org, title=title, **extra)


def make_mileage(org, rate="0.45"):
    return ExpenseCode.objects.create(org=org, title="Mileage", unit="km", rate_per_unit=Decimal(rate),
                                      billable=False)


def make_tax(org, title="VAT", percentage="20"):
    return TaxCode.objects.create(org=org, title=title, percentage=Decimal(percentage))


def make_method(org, title="Company card", reimbursable=False):
    return PaymentMethod.objects.create(org=org, title=title, reimbursable=reimbursable)


def make_rate(org, currency, rate, day):
    return ExchangeRate.objects.create(org=org, currency=currency, rate=Decimal(rate), effective_date=day)


def make_expense(org, user, project=None, code=None, amount="10.00", day=DAY, **extra) -> Expense:
    """A priced expense, saved straight (no audit row)."""
    project = project or Project.objects.filter(org=org).first() or Project.objects.create(org=org, name="Website")
    code = code or ExpenseCode.objects.filter(org=org).first() or make_code(org)
    extra.setdefault("currency", org.currency)
    expense = Expense(org=org, user=user, project=project, expense_code=code, date=day,
                      amount=Decimal(amount) if amount is not None else None, **extra)
    expense.price()
    expense.save()
    return expense
