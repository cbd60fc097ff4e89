"""The expense settings a new organisation starts with, so its first expense needs no set-up.

Administrators rename, deactivate or extend them under Admin → Expense settings.
"""

from decimal import Decimal

# (title, billable by default). Mileage starts as an amount: the rate per km or mile is the
# organisation's to set.
EXPENSE_CODES = [("Travel", True), ("Meals", True), ("Mileage", True), ("Lodging", True), ("Other", False)]
TAX_CODES = [("No tax", Decimal("0"))]
# (title, reimbursable by default): a company card is paid by the organisation already.
PAYMENT_METHODS = [("Cash", True), ("Card", True), ("Company card", False)]


def add_default_settings(org, *, expense_code, tax_code, payment_method) -> None:
    """Add each kind of default the organisation has none of. The models are passed in, so the
    data migration can use its historical ones."""
    if not expense_code.objects.filter(org=org).exists():
        expense_code.objects.bulk_create(
            [expense_code(org=org, title=title, billable=billable) for title, billable in EXPENSE_CODES])
    if not tax_code.objects.filter(org=org).exists():
        tax_code.objects.bulk_create([tax_code(org=org, title=title, percentage=pct) for title, pct in TAX_CODES])
    if not payment_method.objects.filter(org=org).exists():
        payment_method.objects.bulk_create(
            [payment_method(org=org, title=title, reimbursable=paid_back) for title, paid_back in PAYMENT_METHODS])


def on_org_created(sender, org, **kwargs):
    from .models import ExpenseCode, PaymentMethod, TaxCode

    add_default_settings(org, expense_code=ExpenseCode, tax_code=TaxCode, payment_method=PaymentMethod)
