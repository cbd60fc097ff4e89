"""Audited changes to expenses, receipts and the expense settings.

Every change to an expense writes an audit row (AuditEvent.EXPENSE_*, target
"expense" and its uid) with the old and new value of each field that changed:
details {"changes": {field: [old, new]}}, old left out (null) for a new
expense, new for a deleted one; timelive.orgs.history reads them back as the
expense's history. The settings (codes, tax codes, payment methods, exchange
rates) have no event of their own: they are recorded as
AuditEvent.ORG_SETTINGS_CHANGED, with a key naming what changed
("expense_code": "created"…) beside the changes.
"""

from decimal import Decimal

from django.db import models, transaction
from django.utils import timezone

from timelive.orgs.access import lock_member
from timelive.orgs.actions import audit, json_value
from timelive.orgs.models import AuditEvent

from .models import EDITABLE_STATUSES, ExchangeRate, Expense, ExpenseCode, ExpenseStatus, PaymentMethod, Receipt, TaxCode
from .receipts import delete_files_later


class Conflict(Exception):
    """Someone else changed the expense since it was read; nothing was saved."""


class Locked(Exception):
    """The expense is submitted or approved: only the approval engine moves it now."""


class _AuditName:
    """How the audit log should name a row: audit() names rows by their `code`; ours have a `uid`."""

    def __init__(self, row):
        self._meta = row._meta
        self.pk = row.pk
        self.code = row.uid
        self.label = str(row)

    def __str__(self):
        return self.label


def _audit(row, acting_user, event=AuditEvent.ORG_SETTINGS_CHANGED, **details):
    return audit(row.org, acting_user, event, _AuditName(row), **details)


def _empty(value) -> bool:
    return value is None or value == "" or value == []


def diff(before: dict, after: dict) -> dict:
    """{field: [old, new]} for the fields whose value differs; for a new or deleted row (an empty side),
    the fields that were empty anyway are left out."""
    return {field: [before.get(field), after.get(field)]
            for field in dict.fromkeys([*before, *after])
            if before.get(field) != after.get(field) and not (_empty(before.get(field)) and _empty(after.get(field)))}


def _label(row):
    return str(row) if row is not None else None


def _value(row, name):
    """A field's value as JSON; decimals with the places the column keeps, so a value reads the same
    whether it was just typed ("0.45") or read back from the database ("0.4500")."""
    value = getattr(row, name)
    field = row._meta.get_field(name)
    if isinstance(value, Decimal) and isinstance(field, models.DecimalField):
        return str(value.quantize(Decimal(1).scaleb(-field.decimal_places)))
    return json_value(value)


# Expenses

AUDITED_FIELDS = ("date", "project", "expense_code", "quantity", "unit_rate", "amount", "currency", "tax_code",
                  "tax_amount", "total", "exchange_rate", "base_total", "payment_method", "description", "billable",
                  "reimbursable", "status")
RELATED = ("project", "expense_code", "tax_code", "payment_method")


def expense_snapshot(expense: Expense) -> dict:
    """The audited fields as plain JSON values; related rows by their names, as people read them."""
    values = {}
    for field in AUDITED_FIELDS:
        if field in RELATED:
            values[field] = _label(getattr(expense, field)) if getattr(expense, f"{field}_id") else None
        else:
            values[field] = _value(expense, field)
    return values


def _receipt_names(expense) -> list[str]:
    return list(expense.receipts.order_by("created_at", "id").values_list("name", flat=True))


def _store_receipts(expense, checked) -> list[Receipt]:
    return [Receipt.objects.create(expense=expense, file=upload, name=(upload.name or "receipt")[-200:],
                                   size=upload.size, content_type=kind) for upload, kind in checked]


@transaction.atomic
def do_create_expense(expense: Expense, receipts=(), *, acting_user) -> Expense:
    """Save a new, priced expense (see Expense.price) with its checked receipts [(upload, content type)].
    Refuses (Locked) a day whose expense sheet was submitted since the form checked it."""
    lock_member(expense.org_id, expense.user_id)
    _refuse_submitted_day(expense)
    expense.created_at = expense.updated_at = timezone.now()
    expense.save()
    stored = _store_receipts(expense, receipts)
    changes = diff({}, expense_snapshot(expense))
    if stored:
        changes["receipts"] = [None, [r.name for r in stored]]
    _audit(expense, acting_user, AuditEvent.EXPENSE_CREATED, changes=changes)
    return expense


def _refuse_submitted_day(expense) -> None:
    """The form's check of the expense's day, again under the person's lock: a sheet may have been
    submitted between the form's check and the save."""
    from .forms import sheet_holding

    sheet = sheet_holding(expense) if expense.is_editable else None
    if sheet is not None:
        raise Locked(f"Your expenses of {sheet.range_label} are {sheet.get_status_display().lower()}: "
                     "choose another day, or recall that expense sheet first.")


def _lock_for_change(expense, expected_version, verb="changed") -> Expense:
    current = Expense.objects.select_for_update().only("id", "org_id", "version", "status", "date").get(pk=expense.pk)
    if expected_version is not None and current.version != expected_version:
        raise Conflict("Someone changed this expense meanwhile. Reload it to see the latest, then make your change again.")
    if current.status not in EDITABLE_STATUSES:
        raise Locked(f"This expense is {current.get_status_display().lower()} and cannot be {verb}.")
    from timelive.approvals.locking import Locks

    locks = Locks(current.org_id)
    if locks.is_closed(current.date):
        raise Locked(locks.closed_message(f"this expense cannot be {verb}"))
    return current


@transaction.atomic
def do_update_expense(expense: Expense, before: dict, *, expected_version: int | None, acting_user,
                      receipts=()) -> Expense:
    """Save the changed, priced `expense`; `before` is its expense_snapshot() as read. Refuses (Conflict)
    when it changed since `expected_version`, and (Locked) when it is no longer open or rejected."""
    lock_member(expense.org_id, expense.user_id)
    current = _lock_for_change(expense, expected_version)
    _refuse_submitted_day(expense)
    # The status is the approval engine's: a change made from an older read must not put an old one back.
    expense.status = current.status
    names_before = _receipt_names(expense) if receipts else None
    stored = _store_receipts(expense, receipts)
    changes = diff(before, expense_snapshot(expense))
    changes.pop("status", None)
    if stored:
        changes["receipts"] = [names_before, names_before + [r.name for r in stored]]
    if changes:
        expense.version = current.version + 1
        expense.updated_at = timezone.now()
        expense.save()
        _audit(expense, acting_user, AuditEvent.EXPENSE_CHANGED, changes=changes)
    return expense


@transaction.atomic
def do_delete_expense(expense: Expense, *, expected_version: int | None = None, acting_user, override=False) -> None:
    """Delete an open or rejected expense; with `override` (an administrator deleting an expense
    sheet outside its path) whatever its state."""
    if override:
        Expense.objects.select_for_update().filter(pk=expense.pk).exists()
    else:
        _lock_for_change(expense, expected_version, "deleted")
    receipts = list(expense.receipts.order_by("created_at", "id"))
    changes = diff(expense_snapshot(expense), {})
    if receipts:
        changes["receipts"] = [[r.name for r in receipts], None]
    _audit(expense, acting_user, AuditEvent.EXPENSE_DELETED, changes=changes)
    expense.delete()
    delete_files_later([r.file.name for r in receipts])


@transaction.atomic
def do_add_receipts(expense: Expense, receipts, *, acting_user) -> list[Receipt]:
    """Attach checked receipts [(upload, content type)] to an open or rejected expense."""
    current = _lock_for_change(expense, None)
    names_before = _receipt_names(expense)
    stored = _store_receipts(expense, receipts)
    expense.version = current.version + 1
    expense.updated_at = timezone.now()
    expense.save(update_fields=["version", "updated_at"])
    _audit(expense, acting_user, AuditEvent.EXPENSE_RECEIPT_ADDED,
           changes={"receipts": [names_before, names_before + [r.name for r in stored]]})
    return stored


@transaction.atomic
def do_delete_receipt(receipt: Receipt, *, acting_user) -> None:
    expense = receipt.expense
    current = _lock_for_change(expense, None)
    names_before = _receipt_names(expense)
    receipt.delete()
    expense.version = current.version + 1
    expense.updated_at = timezone.now()
    expense.save(update_fields=["version", "updated_at"])
    _audit(expense, acting_user, AuditEvent.EXPENSE_RECEIPT_REMOVED,
           changes={"receipts": [names_before, _receipt_names(expense)]})
    delete_files_later([receipt.file.name])


@transaction.atomic
def do_set_expense_status(expenses, status: ExpenseStatus, *, acting_user, **details) -> int:
    """For the approval engine: move `expenses` (a queryset) to `status`, each change audited as
    made by the approval (`details`, e.g. submission=uid, are added to each row). Returns how many moved."""
    moved = 0
    for expense in expenses.select_for_update(of=("self",)).select_related("org").exclude(status=status).order_by("id"):
        old = expense.status
        expense.status = status
        expense.version += 1
        expense.updated_at = timezone.now()
        expense.save(update_fields=["status", "version", "updated_at"])
        _audit(expense, acting_user, AuditEvent.EXPENSE_CHANGED, changes={"status": [old, str(status)]},
               via="approval", **details)
        moved += 1
    return moved


# Settings: expense codes, tax codes, payment methods, exchange rates.

SETTING_KEYS = {ExpenseCode: "expense_code", TaxCode: "tax_code", PaymentMethod: "payment_method",
                ExchangeRate: "exchange_rate"}
SETTING_FIELDS = {
    ExpenseCode: ("title", "billable", "unit", "rate_per_unit", "is_active"),
    TaxCode: ("title", "percentage", "is_active"),
    PaymentMethod: ("title", "reimbursable", "is_active"),
    ExchangeRate: ("currency", "rate", "effective_date"),
}


def setting_snapshot(row) -> dict:
    return {field: _value(row, field) for field in SETTING_FIELDS[type(row)]}


@transaction.atomic
def do_save_setting(row, before: dict | None, *, acting_user):
    """Save a new (`before` None) or changed setting row; `before` is its setting_snapshot() as read."""
    row.save()
    changes = diff(before or {}, setting_snapshot(row))
    if changes or before is None:
        _audit(row, acting_user, **{SETTING_KEYS[type(row)]: "created" if before is None else "changed",
                                    "changes": changes})
    return row


@transaction.atomic
def do_delete_exchange_rate(rate: ExchangeRate, *, acting_user) -> None:
    """Expenses keep the rate they were priced at; only new and changed ones no longer find this one."""
    _audit(rate, acting_user, exchange_rate="deleted", changes=diff(setting_snapshot(rate), {}))
    rate.delete()
