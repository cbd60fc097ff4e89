"""Expenses and their receipts, and the expense codes, tax codes and payment methods to pick from.

Input is checked by the same form as the pages (timelive.expenses.forms.ExpenseForm)
and receipts by the same content check, so every rule holds whichever door the
data comes through. Who sees and changes what is the pages' rule too: your own
expenses; a manager also sees those on projects they manage or lead, an
administrator everyone's; only the person who spent it changes an expense, and
only while it is open or rejected.
"""

import datetime as dt
from decimal import Decimal
from typing import Annotated

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import FileResponse
from ninja import Field, File, Path, Query, Router, Schema, Status
from ninja.files import UploadedFile

from timelive.expenses import actions
from timelive.expenses.access import (
    expense_membership,
    get_expense_for_user,
    sheet_reader_membership,
    visible_expenses,
)
from timelive.expenses.forms import ExpenseForm
from timelive.expenses.models import Expense, ExpenseCode, ExpenseStatus, PaymentMethod, Receipt, TaxCode
from timelive.expenses.receipts import MAX_RECEIPT_BYTES, MAX_RECEIPTS, check_receipts
from timelive.tracking.access import visible_projects

from .catalog import invalid, page_of
from .errors import INVALID, NOT_AUTHENTICATED, NOT_FOUND_ORG, ApiError, responses
from .schemas import Day, OrgSlug, Page, PageParams, examples

router = Router(tags=["Expenses and receipts"])

ExpenseId = Annotated[str, Path(description="The expense's id.", pattern=r"^[0-9a-z]{1,16}$",
                                examples=["x7m2q9c4k1za"])]
ReceiptId = Annotated[str, Path(description="The receipt's id.", pattern=r"^[0-9a-z]{1,16}$",
                                examples=["r4k8m2x9q1zb"])]
Ref = Annotated[str, Field(max_length=16, pattern=r"^[0-9a-z]*$")]

BAD_BODY = "The body is not valid JSON. Code `bad_request`."
FORBIDDEN = ("External members have no expenses; an organisation whose trial ended is read-only. Code "
             "`permission_denied` or `read_only`.")
NOT_YOURS = ("Someone else's expense, which you may see but only they may change. Code `permission_denied`; also "
             "for external members and (`read_only`) an organisation whose trial ended.")
NOT_FOUND_EXPENSE = NOT_FOUND_ORG + " Also when the expense does not exist or is not yours to see."
NOT_FOUND_RECEIPT = NOT_FOUND_ORG + " Also when the expense or receipt does not exist or is not yours to see."
EXPENSE_INVALID = ("The expense breaks a rule (a project you cannot see or that is closed, an inactive or unknown "
                   "code, both a quantity and an amount, a quantity for a code without a rate per unit, a currency "
                   "without an exchange rate on the day…); `errors` lists each problem as `[\"body\", field]`. "
                   "Code `invalid`.")
CONFLICT = ("The expense changed since you read it (`version` differs; code `conflict`), or it is submitted or "
            "approved, so only the approval engine moves it now (code `locked`).")

RECEIPT_EXAMPLE = {"id": "r4k8m2x9q1zb", "name": "taxi.pdf", "size": 48213, "content_type": "application/pdf",
                   "created_at": "2026-03-10T18:02:00+00:00"}
EXPENSE_EXAMPLE = {
    "id": "x7m2q9c4k1za", "user": "k3v9q2m8x1ab", "date": "2026-03-10", "project": "p9x2m4c8q1zt",
    "expense_code": "c2m9x4c8q1zt", "quantity": None, "unit_rate": None, "amount": "40.00", "currency": "EUR",
    "tax_code": "t5m9x4c8q1zt", "tax_percentage": "20.00", "tax_amount": "8.00", "total": "48.00",
    "base_currency": "GBP", "exchange_rate": "0.85000000", "base_total": "40.80", "payment_method": None,
    "description": "Taxi to the client", "billable": True, "reimbursable": True, "status": "open",
    "receipts": [RECEIPT_EXAMPLE], "version": 1, "created_at": "2026-03-10T18:00:00+00:00",
    "updated_at": "2026-03-10T18:02:00+00:00",
}


class ReceiptOut(Schema):
    id: str = Field(description="The receipt's id; download it at `…/receipts/{id}`.")
    name: str = Field(description="The file's name as uploaded.")
    size: int = Field(ge=0, description="Bytes.")
    content_type: str = Field(description="Found from the content: image/jpeg, image/png, image/gif, image/webp or "
                                          "application/pdf.")
    created_at: dt.datetime

    model_config = examples(RECEIPT_EXAMPLE)


class ReceiptList(Page):
    items: list[ReceiptOut]

    model_config = examples({"items": [RECEIPT_EXAMPLE], "count": 1})


class ExpenseOut(Schema):
    id: str = Field(description="The expense's id.")
    user: str = Field(description="The person's id.")
    date: dt.date
    project: str = Field(description="The project's id.")
    expense_code: str = Field(description="The expense code's id.")
    quantity: Decimal | None = Field(description="With a per-unit code (mileage, say): how many units.")
    unit_rate: Decimal | None = Field(description="The code's rate per unit the quantity was priced at.")
    amount: Decimal = Field(description="Before tax, in `currency`.")
    currency: str
    tax_code: str | None = Field(description="The tax code's id, or null.")
    tax_percentage: Decimal | None
    tax_amount: Decimal
    total: Decimal = Field(description="amount + tax_amount, in `currency`.")
    base_currency: str = Field(description="The organisation's currency when the expense was saved.")
    exchange_rate: Decimal = Field(description="What one unit of `currency` was worth in `base_currency` that day.")
    base_total: Decimal = Field(description="The total in `base_currency`.")
    payment_method: str | None = Field(description="The payment method's id, or null.")
    description: str
    billable: bool
    reimbursable: bool
    status: ExpenseStatus = Field(description="open, submitted, approved or rejected. Only open and rejected "
                                              "expenses can be changed.")
    receipts: list[ReceiptOut]
    version: int = Field(description="Send it back as `version` when changing the expense, to avoid lost updates.")
    created_at: dt.datetime
    updated_at: dt.datetime

    model_config = examples(EXPENSE_EXAMPLE)


class ExpenseList(Page):
    items: list[ExpenseOut]

    model_config = examples({"items": [EXPENSE_EXAMPLE], "count": 1})


class ExpensePatch(Schema):
    date: Day | None = None
    project: Ref | None = Field(None, description="The project's id.")
    expense_code: Ref | None = Field(None, description="The expense code's id (an active one).")
    quantity: Decimal | None = Field(None, gt=0, max_digits=12, decimal_places=2,
                                     description="For a per-unit code: the amount is worked out. Instead of `amount`.")
    amount: Decimal | None = Field(None, gt=0, max_digits=14, decimal_places=2,
                                   description="Before tax. Instead of `quantity`.")
    currency: str | None = Field(None, min_length=3, max_length=3,
                                 description="ISO 4217 code; default the organisation's currency.")
    tax_code: Ref | None = Field(None, description="A tax code's id, or \"\" for none.")
    payment_method: Ref | None = Field(None, description="A payment method's id, or \"\" for none.")
    description: str | None = Field(None, max_length=5000)
    billable: bool | None = Field(None, description="Default: the expense code's.")
    reimbursable: bool | None = Field(None, description="Default: the payment method's (true without one).")
    version: int | None = Field(None, ge=1, description="The version you read; refused with 409 if it changed.")

    model_config = examples({"amount": "42.50", "version": 1})


class ExpenseIn(ExpensePatch):
    date: Day
    project: Ref = Field(description="The project's id.")
    expense_code: Ref = Field(description="The expense code's id (an active one).")

    model_config = examples({"date": "2026-03-10", "project": "p9x2m4c8q1zt", "expense_code": "c2m9x4c8q1zt",
                             "amount": "40.00", "currency": "EUR", "description": "Taxi to the client"})


class ExpenseFilters(PageParams):
    from_: Day | None = Field(None, alias="from", description="First day (inclusive).", examples=["2026-03-01"])
    to: Day | None = Field(None, description="Last day (inclusive).", examples=["2026-03-31"])
    user: Ref | None = Field(None, description="A person's id, or `me`. Default: everyone you may see.",
                             examples=["me"])
    project: Ref | None = Field(None, description="A project's id.", examples=["p9x2m4c8q1zt"])
    status: ExpenseStatus | None = Field(None, examples=["open"])

    model_config = examples({"from": "2026-03-01", "to": "2026-03-31", "user": "me", "limit": 50, "offset": 0})


def receipt_out(receipt) -> dict:
    return {"id": receipt.uid, "name": receipt.name, "size": receipt.size, "content_type": receipt.content_type,
            "created_at": receipt.created_at}


def expense_out(e) -> dict:
    return {
        "id": e.uid, "user": e.user.code, "date": e.date, "project": e.project.uid, "expense_code": e.expense_code.uid,
        "quantity": e.quantity, "unit_rate": e.unit_rate, "amount": e.amount, "currency": e.currency,
        "tax_code": e.tax_code.uid if e.tax_code_id else None, "tax_percentage": e.tax_percentage,
        "tax_amount": e.tax_amount, "total": e.total, "base_currency": e.base_currency,
        "exchange_rate": e.exchange_rate, "base_total": e.base_total,
        "payment_method": e.payment_method.uid if e.payment_method_id else None, "description": e.description,
        "billable": e.billable, "reimbursable": e.reimbursable, "status": e.status,
        "receipts": [receipt_out(r) for r in e.receipts.all()], "version": e.version,
        "created_at": e.created_at, "updated_at": e.updated_at,
    }


RELATED = ("user", "project", "expense_code", "tax_code", "payment_method")


def _reload(expense):
    """The expense as the API shows it, with its relations and receipts."""
    return (Expense.objects.filter(pk=expense.pk).select_related(*RELATED)
            .prefetch_related(Prefetch("receipts", queryset=Receipt.objects.order_by("created_at", "id"))).get())


def form_data(expense) -> dict:
    """An expense as the form's input, for changing only some fields."""
    return {
        "date": expense.date, "project": expense.project.uid, "expense_code": expense.expense_code.uid,
        "quantity": expense.quantity, "amount": expense.amount if expense.quantity is None else None,
        "currency": expense.currency, "tax_code": expense.tax_code.uid if expense.tax_code_id else "",
        "payment_method": expense.payment_method.uid if expense.payment_method_id else "",
        "description": expense.description, "billable": expense.billable, "reimbursable": expense.reimbursable,
    }


def _bind(request, sent: dict, instance=None):
    """The form for the fields sent (on top of the expense's own, for a change)."""
    data = form_data(instance) if instance is not None else {"currency": request.org.currency}
    # A quantity replaces an amount and the other way round; sending both is refused by the form.
    if sent.get("quantity") is not None and "amount" not in sent:
        data["amount"] = None
    if sent.get("amount") is not None and "quantity" not in sent:
        data["quantity"] = None
    data.update({k: v for k, v in sent.items() if k not in ("billable", "reimbursable") or v is not None})
    data = {k: ("" if v is None else str(v) if isinstance(v, Decimal | dt.date) else v) for k, v in data.items()}
    return ExpenseForm(data, instance=instance, org=request.org, person=request.user,
                       projects=visible_projects(request), with_receipts=False)


def _apply_defaults(expense, sent: dict):
    """Billable and reimbursable left out follow the expense code and the payment method."""
    if sent.get("billable") is None and ("expense_code" in sent or expense.pk is None):
        expense.billable = expense.expense_code.billable
    if sent.get("reimbursable") is None and ("payment_method" in sent or expense.pk is None):
        expense.reimbursable = expense.payment_method.reimbursable if expense.payment_method_id else True


@router.get("/orgs/{org}/expenses", summary="List expenses", **responses({200: ExpenseList}, {
    401: NOT_AUTHENTICATED, 403: FORBIDDEN, 404: NOT_FOUND_ORG, 422: INVALID}))
def list_expenses(request, org: OrgSlug, filters: Query[ExpenseFilters]):
    """Expenses you may see (yours; a manager also those on projects they manage or lead; an administrator
    everyone's), newest day first, with their receipts.

    Errors: 401 without valid credentials; 403 for external members; 404 for an organisation you are not in;
    422 for a malformed filter.
    """
    expense_membership(request, org)
    expenses = visible_expenses(request)
    f = filters
    if f.from_:
        expenses = expenses.filter(date__gte=f.from_)
    if f.to:
        expenses = expenses.filter(date__lte=f.to)
    if f.user:
        expenses = expenses.filter(user=request.user) if f.user == "me" else expenses.filter(user__code=f.user)
    if f.project:
        expenses = expenses.filter(project__uid=f.project)
    if f.status:
        expenses = expenses.filter(status=f.status)
    rows = expenses.select_related(*RELATED).prefetch_related(
        Prefetch("receipts", queryset=Receipt.objects.order_by("created_at", "id"))).order_by("-date", "-id")
    count, page = page_of(rows, f.limit, f.offset)
    return {"items": [expense_out(e) for e in page], "count": count}


@router.post("/orgs/{org}/expenses", summary="Add an expense", **responses({201: ExpenseOut}, {
    400: BAD_BODY, 401: NOT_AUTHENTICATED, 403: FORBIDDEN, 404: NOT_FOUND_ORG, 422: EXPENSE_INVALID}))
def create_expense(request, org: OrgSlug, payload: ExpenseIn):
    """Add one of your own expenses: `date`, `project`, `expense_code` and either `amount` (before tax) or, for a
    code with a rate per unit, `quantity`. Tax is added on top; a currency other than the organisation's is
    converted at the exchange rate in force on the day. Add receipts afterwards with
    `POST …/expenses/{expense}/receipts`.

    Errors: 401 without valid credentials; 403 for external members or a read-only organisation; 404 for an
    organisation you are not in; 422 when the expense breaks a rule (nothing is saved).
    """
    expense_membership(request, org)
    sent = payload.model_dump(exclude_unset=True)
    sent.pop("version", None)
    form = _bind(request, sent)
    if not form.is_valid():
        return invalid(form)
    _apply_defaults(form.instance, sent)
    try:
        expense = actions.do_create_expense(form.instance, acting_user=request.user)
    except actions.Locked as exc:
        raise ApiError(422, str(exc), "locked") from None
    return Status(201, expense_out(_reload(expense)))


@router.get("/orgs/{org}/expenses/{expense}", summary="One expense", **responses({200: ExpenseOut}, {
    401: NOT_AUTHENTICATED, 403: FORBIDDEN, 404: NOT_FOUND_EXPENSE, 422: INVALID}))
def get_expense(request, org: OrgSlug, expense: ExpenseId):
    """An expense you may see, with its receipts: yours, your projects' as a manager, those of expense sheets you
    approve (external approvers too), and for administrators everyone's.

    Errors: 401 without valid credentials; 404 when the organisation or expense is not yours to see; 422 for a
    malformed id.
    """
    sheet_reader_membership(request, org)
    return expense_out(_reload(get_expense_for_user(request, expense)))


@router.patch("/orgs/{org}/expenses/{expense}", summary="Change an expense", **responses({200: ExpenseOut}, {
    400: BAD_BODY, 401: NOT_AUTHENTICATED, 403: NOT_YOURS, 404: NOT_FOUND_EXPENSE, 409: CONFLICT,
    422: EXPENSE_INVALID}))
def patch_expense(request, org: OrgSlug, expense: ExpenseId, payload: ExpensePatch):
    """Change some fields of one of your own open or rejected expenses; it is priced again. Send the `version`
    you read to be sure nobody changed it meanwhile. Sending `quantity` replaces the amount and the other way round.

    Errors: 401 without valid credentials; 403 for someone else's expense, external members or a read-only
    organisation; 404 when the expense is not yours to see; 409 when it changed meanwhile or is submitted or
    approved; 422 when the change breaks a rule (nothing is saved).
    """
    expense_membership(request, org)
    current = get_expense_for_user(request, expense, for_change=True)
    before = actions.expense_snapshot(current)
    sent = payload.model_dump(exclude_unset=True)
    version = sent.pop("version", None)
    form = _bind(request, sent, instance=current)
    if not form.is_valid():
        return invalid(form)
    _apply_defaults(form.instance, sent)
    try:
        actions.do_update_expense(form.instance, before, expected_version=version, acting_user=request.user)
    except actions.Conflict as exc:
        raise ApiError(409, str(exc), "conflict") from None
    except actions.Locked as exc:
        raise ApiError(409, str(exc), "locked") from None
    return expense_out(_reload(current))


@router.delete("/orgs/{org}/expenses/{expense}", summary="Delete an expense", **responses({204: None}, {
    401: NOT_AUTHENTICATED, 403: NOT_YOURS, 404: NOT_FOUND_EXPENSE, 409: CONFLICT, 422: INVALID}))
def delete_expense(request, org: OrgSlug, expense: ExpenseId, version: int | None = None):
    """Delete one of your own open or rejected expenses with its receipts (optionally only if it is still at
    `version`).

    Errors: 401 without valid credentials; 403 for someone else's expense, external members or a read-only
    organisation; 404 when the expense is not yours to see; 409 when it changed meanwhile or is submitted or
    approved; 422 for a malformed id or version.
    """
    expense_membership(request, org)
    current = get_expense_for_user(request, expense, for_change=True)
    try:
        actions.do_delete_expense(current, expected_version=version, acting_user=request.user)
    except actions.Conflict as exc:
        raise ApiError(409, str(exc), "conflict") from None
    except actions.Locked as exc:
        raise ApiError(409, str(exc), "locked") from None
    return Status(204, None)


# Receipts


def _receipt(request, expense_uid, receipt_uid, *, for_change=False):
    expense = get_expense_for_user(request, expense_uid, for_change=for_change)
    receipt = Receipt.objects.filter(expense=expense, uid=receipt_uid).first()
    if receipt is None:
        raise ApiError(404, "Not found.", "not_found")
    receipt.expense = expense
    return receipt


@router.get("/orgs/{org}/expenses/{expense}/receipts", summary="An expense's receipts", **responses(
    {200: ReceiptList}, {401: NOT_AUTHENTICATED, 403: FORBIDDEN, 404: NOT_FOUND_EXPENSE, 422: INVALID}))
def list_receipts(request, org: OrgSlug, expense: ExpenseId, page: Query[PageParams]):
    """The receipts of an expense you may see, oldest first.

    Errors: 401 without valid credentials; 403 for external members; 404 when the expense is not yours to see;
    422 for a malformed id, `limit` or `offset`.
    """
    expense_membership(request, org)
    found = get_expense_for_user(request, expense)
    count, rows = page_of(found.receipts.order_by("created_at", "id"), page.limit, page.offset)
    return {"items": [receipt_out(r) for r in rows], "count": count}


def _file_invalid(message):
    return Status(422, {"detail": f"file: {message}", "code": "invalid",
                        "errors": [{"loc": ["body", "file"], "msg": message, "type": "invalid"}]})


UPLOAD = responses({201: ReceiptOut}, {
    400: "The body is not a valid multipart form. Code `bad_request`.", 401: NOT_AUTHENTICATED, 403: NOT_YOURS,
    404: NOT_FOUND_EXPENSE, 409: "The expense is submitted or approved and cannot be changed. Code `locked`.",
    413: f"The file is larger than {MAX_RECEIPT_BYTES // (1024 * 1024)} MB. Code `too_large`.",
    422: f"No file, a file that is not a picture (JPEG, PNG, GIF, WebP) or a PDF by its content, or more than "
         f"{MAX_RECEIPTS} receipts on the expense. Code `invalid`.",
})


@router.post("/orgs/{org}/expenses/{expense}/receipts", summary="Upload a receipt", **UPLOAD)
def upload_receipt(request, org: OrgSlug, expense: ExpenseId, file: File[UploadedFile] = None):
    """Attach a receipt to one of your own open or rejected expenses: send it as `multipart/form-data` in the
    field `file`. It must be a picture (JPEG, PNG, GIF or WebP) or a PDF, judged by its content, not its name.

    Errors: 401 without valid credentials; 403 for someone else's expense, external members or a read-only
    organisation; 404 when the expense is not yours to see; 409 when it is submitted or approved; 413 for a file
    over the size limit; 422 without a file, for a file of another kind, or over the number of receipts.
    """
    expense_membership(request, org)
    found = get_expense_for_user(request, expense, for_change=True)
    if file is None:
        return _file_invalid("Send the receipt as multipart/form-data in the field `file`.")
    try:
        checked = check_receipts([file], existing=found.receipts.count())
    except ValidationError as exc:
        message = " ".join(exc.messages)
        if "too_large" in {error.code for error in exc.error_list}:
            raise ApiError(413, message, "too_large") from None
        return _file_invalid(message)
    try:
        (receipt,) = actions.do_add_receipts(found, checked, acting_user=request.user)
    except actions.Locked as exc:
        raise ApiError(409, str(exc), "locked") from None
    return Status(201, receipt_out(receipt))


DOWNLOAD = responses({200: None}, {401: NOT_AUTHENTICATED, 403: FORBIDDEN, 404: NOT_FOUND_RECEIPT, 422: INVALID})
DOWNLOAD["openapi_extra"]["responses"][200] = {
    "description": "The file, with the type found from its content.",
    "content": {kind: {"schema": {"type": "string", "format": "binary"}} for kind in Receipt.EXTENSIONS},
}


@router.get("/orgs/{org}/expenses/{expense}/receipts/{receipt}", summary="Download a receipt", **DOWNLOAD)
def download_receipt(request, org: OrgSlug, expense: ExpenseId, receipt: ReceiptId):
    """The receipt's file, for whoever may see its expense (approvers of its expense sheet included).

    Errors: 401 without valid credentials; 404 when the expense or receipt is not yours to see (or its file is
    gone); 422 for a malformed id.
    """
    sheet_reader_membership(request, org)
    found = _receipt(request, expense, receipt)
    try:
        handle = found.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise ApiError(404, "The receipt's file is gone.", "not_found") from None
    response = FileResponse(handle, as_attachment=True, filename=found.name, content_type=found.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@router.delete("/orgs/{org}/expenses/{expense}/receipts/{receipt}", summary="Remove a receipt", **responses(
    {204: None}, {401: NOT_AUTHENTICATED, 403: NOT_YOURS, 404: NOT_FOUND_RECEIPT,
                  409: "The expense is submitted or approved and cannot be changed. Code `locked`.", 422: INVALID}))
def delete_receipt(request, org: OrgSlug, expense: ExpenseId, receipt: ReceiptId):
    """Remove a receipt from one of your own open or rejected expenses.

    Errors: 401 without valid credentials; 403 for someone else's expense, external members or a read-only
    organisation; 404 when the expense or receipt is not yours to see; 409 when the expense is submitted or
    approved; 422 for a malformed id.
    """
    expense_membership(request, org)
    found = _receipt(request, expense, receipt, for_change=True)
    try:
        actions.do_delete_receipt(found, acting_user=request.user)
    except actions.Locked as exc:
        raise ApiError(409, str(exc), "locked") from None
    return Status(204, None)


# What to pick from


class ChoiceOut(Schema):
    id: str = Field(description="Its id, to send as `expense_code`, `tax_code` or `payment_method`.")
    name: str
    is_active: bool = Field(description="Inactive ones are kept on old expenses but cannot be picked.")
    billable: bool | None = Field(None, description="Expense codes: billable by default.")
    unit: str | None = Field(None, description="Expense codes with a rate per unit: the unit (km, night…).")
    rate_per_unit: Decimal | None = Field(None, description="Expense codes: the rate per unit, in the "
                                                            "organisation's currency.")
    percentage: Decimal | None = Field(None, description="Tax codes: added on top of the amount.")
    reimbursable: bool | None = Field(None, description="Payment methods: reimbursable by default.")

    model_config = examples({"id": "c2m9x4c8q1zt", "name": "Mileage", "is_active": True, "billable": False,
                             "unit": "km", "rate_per_unit": "0.4500"})


class ChoiceList(Page):
    items: list[ChoiceOut]

    model_config = examples({"items": [{"id": "c2m9x4c8q1zt", "name": "Mileage", "is_active": True,
                                        "billable": False, "unit": "km", "rate_per_unit": "0.4500"}], "count": 1})


def _choices(request, org, model, page, extra):
    expense_membership(request, org)
    count, rows = page_of(model.objects.filter(org=request.org).order_by("-is_active", "title", "id"),
                          page.limit, page.offset)
    return {"items": [{"id": r.uid, "name": r.title, "is_active": r.is_active, **extra(r)} for r in rows],
            "count": count}


CHOICES = {401: NOT_AUTHENTICATED, 403: FORBIDDEN, 404: NOT_FOUND_ORG, 422: INVALID}


@router.get("/orgs/{org}/expense-codes", summary="Expense codes", **responses({200: ChoiceList}, CHOICES))
def list_expense_codes(request, org: OrgSlug, page: Query[PageParams]):
    """The organisation's expense codes, active ones first.

    Errors: 401 without valid credentials; 403 for external members; 404 for an organisation you are not in;
    422 for a malformed `limit` or `offset`.
    """
    return _choices(request, org, ExpenseCode, page, lambda c: {
        "billable": c.billable, "unit": c.unit or None, "rate_per_unit": c.rate_per_unit})


@router.get("/orgs/{org}/tax-codes", summary="Tax codes", **responses({200: ChoiceList}, CHOICES))
def list_tax_codes(request, org: OrgSlug, page: Query[PageParams]):
    """The organisation's tax codes, active ones first.

    Errors: 401 without valid credentials; 403 for external members; 404 for an organisation you are not in;
    422 for a malformed `limit` or `offset`.
    """
    return _choices(request, org, TaxCode, page, lambda t: {"percentage": t.percentage})


@router.get("/orgs/{org}/payment-methods", summary="Payment methods", **responses({200: ChoiceList}, CHOICES))
def list_payment_methods(request, org: OrgSlug, page: Query[PageParams]):
    """The organisation's payment methods, active ones first.

    Errors: 401 without valid credentials; 403 for external members; 404 for an organisation you are not in;
    422 for a malformed `limit` or `offset`.
    """
    return _choices(request, org, PaymentMethod, page, lambda m: {"reimbursable": m.reimbursable})
