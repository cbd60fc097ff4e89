"""The door to expense data, in the manner of timelive/orgs/access.py.

Each helper expects get_membership() (through expense_membership) to have run
on the request. Someone outside the organisation, or a member who may not see
an expense, gets 404; seeing is not changing: only the person who spent it
changes an expense (403 for the administrators and managers who see it).
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q
from django.http import Http404

from timelive.orgs.access import get_admin_membership, get_membership
from timelive.orgs.models import Role

from .models import ExchangeRate, Expense, ExpenseCode, PaymentMethod, Receipt, TaxCode

NOT_YOURS = "Only the person who spent it can change an expense; you can see it, not change it."


def sheet_reader_membership(request, slug, **kwargs):
    """The requester's membership, for reading one expense or receipt: external members may approve
    expense sheets, and see what they approve (visible_expenses decides what)."""
    return get_membership(request, slug, **kwargs)


def expense_membership(request, slug, **kwargs):
    """The requester's membership, for the expense pages: externals have no expenses."""
    membership = get_membership(request, slug, **kwargs)
    if membership.is_external:
        raise PermissionDenied("External members have no expenses.")
    return membership


def expense_admin_membership(request, slug, **kwargs):
    return get_admin_membership(request, slug, **kwargs)


def visible_expenses(request):
    """Expenses the requester may see: their own; a manager also those on projects they manage or
    lead; an approver of an expense sheet (external members too) the expenses on its days; an
    administrator everyone's."""
    from timelive.approvals.models import SubmissionApprover, SubmissionKind

    expenses = Expense.objects.filter(org=request.org)
    membership = request.membership
    if membership.is_admin:
        return expenses
    mine = Q(user=request.user)
    if membership.role == Role.MANAGER:
        mine |= Q(project__project_manager=request.user) | Q(project__team_lead=request.user)
    # Approving a sheet means seeing what is in it, receipts included, at any of its steps.
    approves = SubmissionApprover.objects.filter(
        user=request.user, submission__org=request.org, submission__kind=SubmissionKind.EXPENSE_SHEET,
        submission__person=OuterRef("user"), submission__start__lte=OuterRef("date"),
        submission__end__gte=OuterRef("date"))
    return expenses.filter(mine | Exists(approves))


def _row(queryset, **lookup):
    row = queryset.filter(**lookup).first()
    if row is None:
        raise Http404
    return row


def get_expense_for_user(request, uid: str, *, for_change: bool = False) -> Expense:
    """An expense the requester may see (404 otherwise); with `for_change`, their own (403 for others')."""
    expenses = visible_expenses(request).select_related(
        "org", "user", "project", "expense_code", "tax_code", "payment_method")
    expense = _row(expenses, uid=uid)
    if for_change and expense.user_id != request.user.pk:
        raise PermissionDenied(NOT_YOURS)
    return expense


def get_receipt_for_user(request, uid: str, *, for_change: bool = False) -> Receipt:
    """A receipt of an expense the requester may see; with `for_change`, of their own expense."""
    receipts = Receipt.objects.filter(expense__in=visible_expenses(request)).select_related("expense")
    receipt = _row(receipts, uid=uid)
    if for_change and receipt.expense.user_id != request.user.pk:
        raise PermissionDenied(NOT_YOURS)
    return receipt


# The settings (administrators' pages).


def get_expense_code_for_user(request, uid: str) -> ExpenseCode:
    return _row(ExpenseCode.objects.filter(org=request.org), uid=uid)


def get_tax_code_for_user(request, uid: str) -> TaxCode:
    return _row(TaxCode.objects.filter(org=request.org), uid=uid)


def get_payment_method_for_user(request, uid: str) -> PaymentMethod:
    return _row(PaymentMethod.objects.filter(org=request.org), uid=uid)


def get_exchange_rate_for_user(request, uid: str) -> ExchangeRate:
    return _row(ExchangeRate.objects.filter(org=request.org), uid=uid)
