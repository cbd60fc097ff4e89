"""Expense pages: a person's expenses by period, adding and changing them with
receipts, deleting them; the receipts themselves; and the administrators'
expense settings (codes, tax codes, payment methods, exchange rates).

Only the person who spent it changes an expense, and only while it is open or
rejected; administrators (everyone's) and managers (their projects') see
others' expenses read-only.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import IntegrityError, transaction
from django.db.models import Count, OuterRef, Subquery, Sum
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from timelive.orgs import history
from timelive.orgs.models import Membership, Role
from timelive.tracking.access import visible_projects
from timelive.tracking.entries import user_zone

from . import actions
from .access import (
    expense_admin_membership,
    expense_membership,
    get_exchange_rate_for_user,
    get_expense_code_for_user,
    get_expense_for_user,
    get_payment_method_for_user,
    get_receipt_for_user,
    get_tax_code_for_user,
    sheet_reader_membership,
    visible_expenses,
)
from .forms import ExchangeRateForm, ExpenseCodeForm, ExpenseForm, PaymentMethodForm, PeriodForm, TaxCodeForm
from .models import ExchangeRate, ExpenseCode, PaymentMethod, Receipt, TaxCode, to_amount

PAGE_SIZE = 50


def today_for(user) -> dt.date:
    return timezone.localdate(timezone=user_zone(user))


def month_of(day: dt.date) -> tuple[dt.date, dt.date]:
    start = day.replace(day=1)
    end = (start + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    return start, end


def _version(request) -> int:
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return -1


# The list


def _people(request, membership):
    """The people administrators and managers may pick in the list (None for others). The list
    still shows only what the requester may see: a manager, only what is on their projects."""
    if membership.is_admin or membership.role == Role.MANAGER:
        members = Membership.objects.filter(org=request.org, is_active=True).exclude(role=Role.EXTERNAL)
        return [m.user for m in members.select_related("user").order_by("user__full_name", "user__email")]
    return None


@login_required
def expense_list(request, slug):
    membership = expense_membership(request, slug)
    start, end = month_of(today_for(request.user))
    form = PeriodForm(request.GET or None)
    who = "me"
    if form.is_valid():
        start = form.cleaned_data["start"] or start
        end = form.cleaned_data["end"] or (month_of(start)[1] if form.cleaned_data["start"] else end)
        who = form.cleaned_data["who"] or "me"
    people = _people(request, membership)
    expenses = visible_expenses(request).filter(date__gte=start, date__lte=end)
    if who == "me":
        expenses = expenses.filter(user=request.user)
    elif who != "all":
        if people is None:
            who = "me"
            expenses = expenses.filter(user=request.user)
        else:
            expenses = expenses.filter(user__code=who)
    # One query for the totals: per currency, and in the organisation's currency.
    sums = list(expenses.order_by().values("currency", "base_currency").annotate(
        total=Sum("total"), base=Sum("base_total"), count=Count("id")).order_by("currency", "base_currency"))
    by_currency, in_base = {}, {}
    for row in sums:
        currency, base = row["currency"], row["base_currency"]
        by_currency[currency] = to_amount(by_currency.get(currency, 0) + Decimal(row["total"]), currency)
        in_base[base] = to_amount(in_base.get(base, 0) + Decimal(row["base"]), base)
    count = sum(row["count"] for row in sums)
    # A subquery, not a join with GROUP BY over every column.
    receipts = Receipt.objects.filter(expense=OuterRef("pk")).order_by().values("expense").annotate(n=Count("id"))
    rows = (expenses.select_related("user", "project", "expense_code")
            .annotate(receipt_count=Subquery(receipts.values("n"))).order_by("-date", "-id"))
    paginator = Paginator(rows, PAGE_SIZE)
    # The count is known from the totals: no second COUNT query.
    paginator.count = count
    page = paginator.get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    whole_month = start == month_of(start)[0] and end == month_of(start)[1]
    context = {
        "form": form, "start": start, "end": end, "who": who, "people": people, "page": page,
        "query": params.urlencode(), "by_currency": sorted(by_currency.items()), "in_base": sorted(in_base.items()),
        "count": count, "whole_month": whole_month, "can_see_others": people is not None,
        # The sum in the base currency says something new only when other currencies are in it.
        "show_base": set(by_currency) != set(in_base),
    }
    if whole_month:
        previous = month_of(start - dt.timedelta(days=1))
        following = month_of(end + dt.timedelta(days=1))
        context["previous"] = urlencode({"start": previous[0], "end": previous[1], "who": who})
        context["next"] = urlencode({"start": following[0], "end": following[1], "who": who})
    return render(request, "expenses/list.html", context, status=400 if form.errors else 200)


# One expense


def _form(request, *, instance=None, with_receipts=True, initial=None):
    return ExpenseForm(request.POST or None, request.FILES or None, instance=instance, org=request.org,
                       person=request.user, projects=visible_projects(request), with_receipts=with_receipts,
                       initial=initial)


def _form_page(request, form, expense=None):
    return render(request, "expenses/form.html", {
        "form": form, "expense": expense,
        "receipts": list(expense.receipts.all()) if expense is not None else [],
        "has_codes": bool(form.fields["expense_code"].queryset),
        "files_dropped": bool(request.FILES) and bool(form.errors),
    }, status=400 if form.errors else 200)


@login_required
def expense_new(request, slug):
    expense_membership(request, slug)
    form = _form(request, initial={"date": today_for(request.user)})
    if request.method == "POST" and form.is_valid():
        try:
            expense = actions.do_create_expense(form.instance, form.checked_receipts, acting_user=request.user)
        except actions.Locked as exc:
            form.add_error("date", str(exc))
        else:
            messages.success(request, f"Expense of {expense.total} {expense.currency} added.")
            if request.POST.get("another"):
                return redirect("expenses:new", slug=slug)
            return redirect("expenses:detail", slug=slug, uid=expense.uid)
    return _form_page(request, form)


@login_required
def expense_detail(request, slug, uid):
    sheet_reader_membership(request, slug)
    expense = get_expense_for_user(request, uid)
    own = expense.user_id == request.user.pk
    return render(request, "expenses/detail.html", {
        "expense": expense, "receipts": list(expense.receipts.all()), "own": own,
        "can_change": own and expense.is_editable,
        "history": history.history_items(history.history_for(request.org, "expense", expense.uid)[:history.HISTORY_LIMIT]),
    })


def _refuse_locked(request, expense):
    messages.error(request, f"This expense is {expense.get_status_display().lower()}: it cannot be changed or "
                            "deleted any more.")
    return redirect("expenses:detail", slug=request.org.slug, uid=expense.uid)


@login_required
def expense_edit(request, slug, uid):
    expense_membership(request, slug)
    expense = get_expense_for_user(request, uid, for_change=True)
    if not expense.is_editable:
        return _refuse_locked(request, expense)
    before = actions.expense_snapshot(expense)
    form = _form(request, instance=expense)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_update_expense(form.instance, before, expected_version=_version(request),
                                      acting_user=request.user, receipts=form.checked_receipts)
        except (actions.Conflict, actions.Locked) as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Expense saved.")
            return redirect("expenses:detail", slug=slug, uid=uid)
    return _form_page(request, form, expense)


@login_required
def expense_delete(request, slug, uid):
    expense_membership(request, slug)
    expense = get_expense_for_user(request, uid, for_change=True)
    if not expense.is_editable:
        return _refuse_locked(request, expense)
    back = reverse("expenses:detail", args=[slug, uid])
    if request.method == "POST":
        try:
            actions.do_delete_expense(expense, acting_user=request.user)
        except actions.Locked as exc:
            messages.error(request, str(exc))
            return redirect(back)
        messages.success(request, f"Deleted the expense of {expense.total} {expense.currency} on {expense.date:%-d %b %Y}.")
        return redirect("expenses:list", slug=slug)
    count = expense.receipts.count()
    return render(request, "orgs/confirm.html", {
        "title": "Delete this expense?",
        "message": f"The expense of {expense.total} {expense.currency} on {expense.date:%-d %b %Y}"
                   f"{f' and its {count} receipt' + ('s' if count != 1 else '') if count else ''} will be gone. "
                   "This cannot be undone.",
        "button": "Delete", "cancel_url": back,
    })


# Receipts


@login_required
@require_safe
def receipt_file(request, slug, uid):
    """Receipts are only ever served here, after the access check."""
    sheet_reader_membership(request, slug)
    receipt = get_receipt_for_user(request, uid)
    try:
        handle = receipt.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404
    download = request.GET.get("download") == "1"
    # The type was found from the content when it was uploaded (an image or a PDF, nothing that runs).
    response = FileResponse(handle, as_attachment=download, filename=receipt.name, content_type=receipt.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    if receipt.is_image:
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    else:
        # The browser's PDF viewer is a plugin: allowed for this file only, and nothing else may load.
        response["Content-Security-Policy"] = "default-src 'none'; object-src 'self'; frame-ancestors 'none'"
    return response


@login_required
def receipt_delete(request, slug, uid):
    expense_membership(request, slug)
    receipt = get_receipt_for_user(request, uid, for_change=True)
    expense = receipt.expense
    if not expense.is_editable:
        return _refuse_locked(request, expense)
    back = reverse("expenses:edit", args=[slug, expense.uid])
    if request.method == "POST":
        try:
            actions.do_delete_receipt(receipt, acting_user=request.user)
        except actions.Locked as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"Removed the receipt {receipt.name}.")
        return redirect(back)
    return render(request, "orgs/confirm.html", {
        "title": f"Remove the receipt {receipt.name}?",
        "message": "The file will be gone from this expense. This cannot be undone.",
        "button": "Remove", "cancel_url": back,
    })


# Settings


@dataclass(frozen=True)
class SettingKind:
    slug: str
    model: type
    form: type
    title: str
    noun: str
    columns: tuple
    # Codes, tax codes and payment methods are deactivated (expenses keep pointing at them); rates are deleted.
    deactivates: bool = True
    intro: str = ""


def _money(value):
    return f"{value.normalize():f}" if value is not None else "—"


KINDS = {kind.slug: kind for kind in (
    SettingKind("codes", ExpenseCode, ExpenseCodeForm, "Expense codes", "expense code", (
        ("Name", lambda c: c.title), ("Billable", lambda c: "Yes" if c.billable else "No"),
        ("Rate per unit", lambda c: f"{_money(c.rate_per_unit)} per {c.unit}" if c.per_unit else "—"),
    ), intro="What people spend money on. A code with a unit and a rate (mileage at 0.45 per km, say) asks for "
             "a quantity instead of an amount."),
    SettingKind("taxes", TaxCode, TaxCodeForm, "Tax codes", "tax code", (
        ("Name", lambda t: t.title), ("Percentage", lambda t: f"{_money(t.percentage)} %"),
    ), intro="Tax is added on top of an expense's amount."),
    SettingKind("payment-methods", PaymentMethod, PaymentMethodForm, "Payment methods", "payment method", (
        ("Name", lambda m: m.title), ("Reimbursable", lambda m: "Yes" if m.reimbursable else "No"),
    ), intro="How an expense was paid. Paid from the person's own pocket means the organisation pays them back."),
    SettingKind("exchange-rates", ExchangeRate, ExchangeRateForm, "Exchange rates", "exchange rate", (
        ("Currency", lambda r: r.currency), ("Rate", lambda r: _money(r.rate)),
        ("In force from", lambda r: f"{r.effective_date:%-d %b %Y}"),
    ), deactivates=False, intro="An expense in another currency is converted at the latest rate in force on or "
                                "before its day. Expenses keep the rate they were saved with."),
)}


def _kind(kind: str) -> SettingKind:
    if kind not in KINDS:
        raise Http404
    return KINDS[kind]


def _settings_page(request, kind, form, status=200):
    rows = kind.model.objects.filter(org=request.org)
    return render(request, "expenses/settings/list.html", {
        "kind": kind, "kinds": KINDS.values(), "form": form, "headers": [h for h, _ in kind.columns],
        "rows": [(row, [cell(row) for _, cell in kind.columns]) for row in rows],
    }, status=status)


def _save_setting(request, form, before):
    """Save the form's row, audited; False (with the error on the form) when a twin was saved meanwhile."""
    try:
        with transaction.atomic():
            actions.do_save_setting(form.save(commit=False), before, acting_user=request.user)
    except IntegrityError:
        form.add_error(None, "Another one with these details was saved meanwhile.")
        return False
    return True


@login_required
def settings_home(request, slug):
    expense_admin_membership(request, slug)
    return redirect("expenses:setting_list", slug=slug, kind="codes")


@login_required
def setting_list(request, slug, kind):
    expense_admin_membership(request, slug)
    kind = _kind(kind)
    form = kind.form(request.POST or None, org=request.org)
    if request.method == "POST" and form.is_valid() and _save_setting(request, form, None):
        messages.success(request, f"Added the {kind.noun} {form.instance}.")
        return redirect("expenses:setting_list", slug=slug, kind=kind.slug)
    return _settings_page(request, kind, form, status=400 if form.errors else 200)


GETTERS = {"codes": get_expense_code_for_user, "taxes": get_tax_code_for_user,
           "payment-methods": get_payment_method_for_user, "exchange-rates": get_exchange_rate_for_user}


@login_required
def setting_edit(request, slug, kind, uid):
    expense_admin_membership(request, slug)
    kind = _kind(kind)
    row = GETTERS[kind.slug](request, uid)
    before = actions.setting_snapshot(row)
    form = kind.form(request.POST or None, instance=row, org=request.org)
    if request.method == "POST" and form.is_valid() and _save_setting(request, form, before):
        messages.success(request, f"Saved the {kind.noun} {form.instance}.")
        return redirect("expenses:setting_list", slug=slug, kind=kind.slug)
    return render(request, "expenses/settings/edit.html", {"kind": kind, "form": form, "row": row},
                  status=400 if form.errors else 200)


@login_required
@require_POST
def setting_active(request, slug, kind, uid):
    """Deactivate (active=0) or bring back (active=1) a code or method: new expenses can no longer pick
    an inactive one; expenses that use it keep it."""
    expense_admin_membership(request, slug)
    kind = _kind(kind)
    if not kind.deactivates:
        raise Http404
    row = GETTERS[kind.slug](request, uid)
    before = actions.setting_snapshot(row)
    row.is_active = request.POST.get("active") == "1"
    if row.is_active != before["is_active"]:
        actions.do_save_setting(row, before, acting_user=request.user)
    state = "is active again" if row.is_active else "is deactivated: new expenses cannot use it"
    messages.success(request, f"The {kind.noun} {row} {state}.")
    return redirect("expenses:setting_list", slug=slug, kind=kind.slug)


@login_required
def setting_delete(request, slug, kind, uid):
    """Exchange rates only; expenses already priced keep the rate they used."""
    expense_admin_membership(request, slug)
    kind = _kind(kind)
    if kind.deactivates:
        raise Http404
    rate = get_exchange_rate_for_user(request, uid)
    back = reverse("expenses:setting_list", args=[slug, kind.slug])
    if request.method == "POST":
        actions.do_delete_exchange_rate(rate, acting_user=request.user)
        messages.success(request, f"Deleted the exchange rate {rate}.")
        return redirect(back)
    return render(request, "orgs/confirm.html", {
        "title": f"Delete the exchange rate {rate}?",
        "message": "Expenses already saved keep the rate they were converted at. New or changed expenses on "
                   "those days use the rate before it, or are refused when there is none.",
        "button": "Delete", "cancel_url": back,
    })
