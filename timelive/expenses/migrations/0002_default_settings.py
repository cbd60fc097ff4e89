"""Give organisations created before the defaults existed the starting expense settings they lack.

The lists are copied here (not imported) so that this migration keeps doing what it did when
timelive/expenses/defaults.py changes later.
"""

from decimal import Decimal

from django.db import migrations

EXPENSE_CODES = [("Travel", True), ("Meals", True), ("Mileage", True), ("Lodging", True), ("Other", False)]
TAX_CODES = [("No tax", Decimal("0"))]
PAYMENT_METHODS = [("Cash", True), ("Card", True), ("Company card", False)]


def add_defaults(apps, schema_editor):
    Organization = apps.get_model("orgs", "Organization")
    ExpenseCode = apps.get_model("expenses", "ExpenseCode")
    TaxCode = apps.get_model("expenses", "TaxCode")
    PaymentMethod = apps.get_model("expenses", "PaymentMethod")
    with_codes = set(ExpenseCode.objects.values_list("org_id", flat=True).distinct())
    with_taxes = set(TaxCode.objects.values_list("org_id", flat=True).distinct())
    with_methods = set(PaymentMethod.objects.values_list("org_id", flat=True).distinct())
    codes, taxes, methods = [], [], []
    for org_id in Organization.objects.values_list("pk", flat=True).iterator():
        if org_id not in with_codes:
            codes += [ExpenseCode(org_id=org_id, title=t, billable=b) for t, b in EXPENSE_CODES]
        if org_id not in with_taxes:
            taxes += [TaxCode(org_id=org_id, title=t, percentage=p) for t, p in TAX_CODES]
        if org_id not in with_methods:
            methods += [PaymentMethod(org_id=org_id, title=t, reimbursable=r) for t, r in PAYMENT_METHODS]
    ExpenseCode.objects.bulk_create(codes, batch_size=500)
    TaxCode.objects.bulk_create(taxes, batch_size=500)
    PaymentMethod.objects.bulk_create(methods, batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("expenses", "0001_initial"),
        ("orgs", "0005_audit_history"),
    ]

    operations = [migrations.RunPython(add_defaults, migrations.RunPython.noop)]
