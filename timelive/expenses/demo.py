"""Demo expenses for `manage.py demo`: the organisation's codes (beside its defaults), a tax code, payment methods
and a euro exchange rate, and a few expenses of acme's members this month and last (one with
a receipt, one mileage claim, one in euros)."""

import datetime as dt
import io
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image, ImageDraw

from timelive.orgs.models import Membership, Role
from timelive.tracking.models import Project

from .actions import do_create_expense
from .models import ExchangeRate, Expense, ExpenseCode, PaymentMethod, TaxCode
from .receipts import check_receipts


def _receipt_picture() -> SimpleUploadedFile:
    image = Image.new("RGB", (240, 320), "white")
    draw = ImageDraw.Draw(image)
    for line, text in enumerate(["CAFE DEMO", "Lunch x2   24.00", "VAT         4.80", "TOTAL      28.80"]):
        draw.text((16, 24 + 28 * line), text, fill="black")
    out = io.BytesIO()
    image.save(out, format="PNG")
    return SimpleUploadedFile("lunch-receipt.png", out.getvalue(), content_type="image/png")


def seed_expenses(org) -> int:
    """Once per organisation: the settings everywhere, expenses in acme. Returns how many expenses were added."""
    # Once: VAT is the demo's own; the codes a new organisation starts with are topped up.
    if TaxCode.objects.filter(org=org, title="VAT").exists():
        return 0
    meals = ExpenseCode.objects.get_or_create(org=org, title="Meals", defaults={"billable": True})[0]
    mileage = ExpenseCode.objects.get_or_create(org=org, title="Mileage")[0]
    mileage.unit, mileage.rate_per_unit = "km", Decimal("0.45")
    mileage.save(update_fields=["unit", "rate_per_unit"])
    travel = ExpenseCode.objects.get_or_create(org=org, title="Travel", defaults={"billable": True})[0]
    ExpenseCode.objects.get_or_create(org=org, title="Office supplies", defaults={"billable": False})
    vat = TaxCode.objects.create(org=org, title="VAT", percentage=Decimal("20"))
    own_card = PaymentMethod.objects.get_or_create(org=org, title="Personal card", defaults={"reimbursable": True})[0]
    PaymentMethod.objects.get_or_create(org=org, title="Company card", defaults={"reimbursable": False})
    if org.currency != "EUR":
        ExchangeRate.objects.create(org=org, currency="EUR", rate=Decimal("0.85"),
                                    effective_date=timezone.localdate() - dt.timedelta(days=400))
    if org.slug != "acme":
        return 0
    project = Project.objects.filter(org=org, status="active").order_by("id").first()
    if project is None:
        return 0
    today = timezone.localdate()
    added = 0
    members = Membership.objects.filter(org=org, role=Role.MEMBER, is_active=True).select_related("user")
    for index, member in enumerate(members.order_by("id")[:2]):
        day = today - dt.timedelta(days=3 + index)
        plans = [
            dict(expense_code=meals, amount=Decimal("24.00"), tax_code=vat, description="Lunch with the client",
                 receipts=[_receipt_picture()]),
            dict(expense_code=mileage, quantity=Decimal("42"), description="Drive to the client's office"),
            dict(expense_code=travel, amount=Decimal("18.50"), currency="EUR", description="Taxi in Paris",
                 date=day - dt.timedelta(days=30)),
        ]
        for plan in plans:
            receipts = check_receipts(plan.pop("receipts", []))
            expense = Expense(org=org, user=member.user, project=project, date=plan.pop("date", day),
                              currency=plan.pop("currency", org.currency), payment_method=own_card,
                              reimbursable=True, **plan)
            expense.billable = expense.expense_code.billable
            if expense.currency == "EUR" and org.currency == "EUR":
                expense.currency = org.currency
            expense.price()
            do_create_expense(expense, receipts, acting_user=member.user)
            added += 1
    return added
