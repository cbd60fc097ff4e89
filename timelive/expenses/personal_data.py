"""Expenses and their receipts, in the personal-data registry.

They are the person's (what they spent, with their receipts) and are exported
with the copy of their data, receipt files included. They are also the
organisation's accounting records (reimbursements paid, costs billed to clients,
tax evidence), so deletion keeps them, tied to the pseudonymised person.
"""

from django.db.models import Count

from timelive.privacy.core.export_values import row
from timelive.privacy.core.registry import personal_data

from .models import Expense, Receipt

KEPT_AS_RECORDS = ("Kept, tied to the pseudonymised person: expenses are the organisation's accounting records "
                   "(reimbursements paid, costs billed to clients, tax evidence)")


def export_expenses(user):
    expenses = (Expense.objects.filter(user=user).select_related("org", "project", "expense_code", "tax_code",
                                                                  "payment_method")
                .annotate(receipt_count=Count("receipts")).order_by("date", "id"))
    for expense in expenses:
        yield row(expense, "uid", "org.name", "date", "project.name", "expense_code.title", "quantity", "unit_rate",
                  "amount", "currency", "tax_code.title", "tax_percentage", "tax_amount", "total", "exchange_rate",
                  "base_total", "base_currency", "payment_method.title", "description", "billable", "reimbursable",
                  "status", "created_at", "updated_at", receipts=expense.receipt_count)


personal_data(
    Expense, table="expenses", export=export_expenses,
    note=f"{KEPT_AS_RECORDS}. The description stays with the expense.",
)


def export_receipts(user):
    receipts = Receipt.objects.filter(expense__user=user).select_related("expense").order_by("expense__date", "id")
    for receipt in receipts:
        # "file" names the stored file, so the export ZIP copies it under files/.
        yield row(receipt, "uid", "expense.uid", "name", "size", "content_type", "file", "created_at")


personal_data(
    Receipt, table="expense_receipts", export=export_receipts,
    note=f"{KEPT_AS_RECORDS}: receipts are the evidence for them and stay with their expense.",
)
