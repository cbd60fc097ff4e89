"""Reports: the summary (grouped totals) and the detailed report (every entry, by cursor).

Both read the reports' query layer, so their numbers are the report pages' and the exports'.
"""

import datetime as dt

from ninja import Field, Query, Router, Schema, Status

from timelive.reports.access import report_scope
from timelive.reports.filters import ReportFilterForm
from timelive.reports.queries import DETAILED_SORTS, BadCursor, detailed, summary

from .errors import INVALID, NOT_AUTHENTICATED, NOT_FOUND_ORG, responses
from .schemas import OrgSlug, examples

router = Router(tags=["Reports"])

REPORT_INVALID = (INVALID + " Also for dates the wrong way round, more than 10 years at once, an unknown level in "
                  "`group_by`, and an id (project, client, task, person, tag) that is not one you may report on.")

GROUP_EXAMPLE = {"project": "p9x2m4c8q1zt", "user": "k3v9q2m8x1ab", "labels": {"project": "Website",
                                                                              "user": "Ada Lovelace"},
                 "duration": 9000, "billable_duration": 5400, "billable_amount": "180.00", "cost": "90.00",
                 "profit": "90.00", "currency": "EUR"}
TOTAL_EXAMPLE = {"duration": 9000, "billable_duration": 5400, "entries": 3, "currencies": [
    {"currency": "EUR", "duration": 9000, "billable_duration": 5400, "billable_amount": "180.00", "cost": "90.00",
     "profit": "90.00"}]}


class ReportFilters(Schema):
    from_: dt.date | None = Field(None, alias="from", description="First day (inclusive), with `to`.",
                                  examples=["2026-11-01"])
    to: dt.date | None = Field(None, description="Last day (inclusive).", examples=["2026-11-30"])
    range: str | None = Field(None, max_length=20, description="Instead of dates: this_week, last_week, this_month "
                                                               "(the default), last_month, this_year, last_year. "
                                                               "Weeks start on the organisation's week start.",
                              examples=["last_month"])
    client: str | None = Field(None, max_length=2000, description="Client ids, comma-separated.",
                               examples=["c1q2w3e4r5t6"])
    project: str | None = Field(None, max_length=2000, description="Project ids, comma-separated.",
                                examples=["p9x2m4c8q1zt"])
    task: str | None = Field(None, max_length=2000, description="Task ids, comma-separated.", examples=["t1a2s3k4"])
    user: str | None = Field(None, max_length=2000, description="Person ids, comma-separated.",
                             examples=["k3v9q2m8x1ab"])
    tag: str | None = Field(None, max_length=2000, description="Tag names, comma-separated: entries with any of "
                                                               "them (each entry counted once).",
                            examples=["urgent"])
    billable: bool | None = Field(None, description="Only billable (true) or non-billable (false) time.",
                                  examples=[True])
    status: str | None = Field(None, max_length=100, description="Approval statuses, comma-separated: open, "
                                                                 "submitted, approved, rejected.",
                               examples=["approved"])


class SummaryFilters(ReportFilters):
    group_by: str | None = Field(None, max_length=40, description="One or two levels, comma-separated: project, "
                                                                  "client, user, task, tag, day, week, month. "
                                                                  "Default: project.",
                                 examples=["project,user"])

    model_config = examples({"from": "2026-11-01", "to": "2026-11-30", "group_by": "project,user"})


class DetailedFilters(ReportFilters):
    sort: str = Field("date", max_length=20, description="date, duration, project or user; `-` first for "
                                                         "descending. Ties are broken by entry.",
                      examples=["-date"])
    cursor: str | None = Field(None, max_length=400, description="`next_cursor` of the previous page.",
                               examples=["WyJkYXRlIiwiMjAyNi0xMS0wMyIsNDJd"])
    limit: int = Field(100, ge=1, le=500, description="Entries per page (1–500).", examples=[100])

    model_config = examples({"from": "2026-11-01", "to": "2026-11-30", "sort": "-date", "limit": 100})


class CurrencyTotal(Schema):
    currency: str = Field(examples=["EUR"])
    duration: int = Field(description="Seconds of the time valued in this currency.", examples=[9000])
    billable_duration: int = Field(examples=[5400])
    billable_amount: str = Field(description="Decimal string, in the currency's minor unit.", examples=["180.00"])
    cost: str = Field(examples=["90.00"])
    profit: str = Field(examples=["90.00"])


class SummaryTotals(Schema):
    duration: int = Field(description="Seconds.", examples=[9000])
    billable_duration: int = Field(examples=[5400])
    entries: int = Field(description="Number of time entries.", examples=[3])
    currencies: list[CurrencyTotal] = Field(description="Amounts per currency; nothing is converted.")

    model_config = examples(TOTAL_EXAMPLE)


class SummaryOut(Schema):
    group_by: list[str] = Field(examples=[["project", "user"]])
    start: dt.date = Field(examples=["2026-11-01"])
    end: dt.date = Field(examples=["2026-11-30"])
    groups: list[dict] = Field(description="One item per group and currency: the keys of `group_by` (ids or null), "
                                           "`labels`, `duration` and `billable_duration` (seconds), "
                                           "`billable_amount`, `cost`, `profit` (decimal strings) and `currency`.",
                               examples=[[GROUP_EXAMPLE]])
    totals: SummaryTotals

    model_config = examples({"group_by": ["project", "user"], "start": "2026-11-01", "end": "2026-11-30",
                             "groups": [GROUP_EXAMPLE], "totals": TOTAL_EXAMPLE})


ITEM_EXAMPLE = {"id": "v1c3kq8z2m0a", "date": "2026-11-23", "user": "k3v9q2m8x1ab", "user_name": "Ada Lovelace",
                "project": "p9x2m4c8q1zt", "project_name": "Website", "client": None, "task": None,
                "description": "Workshop", "duration": 9000, "billable": True, "tags": ["workshop"],
                "status": "open", "billable_amount": "300.00", "cost": None, "currency": "EUR"}


class DetailedItem(Schema):
    id: str = Field(examples=["v1c3kq8z2m0a"])
    date: dt.date = Field(examples=["2026-11-23"])
    user: str = Field(examples=["k3v9q2m8x1ab"])
    user_name: str = Field(examples=["Ada Lovelace"])
    project: str = Field(examples=["p9x2m4c8q1zt"])
    project_name: str = Field(examples=["Website"])
    client: str | None = Field(examples=[None])
    task: str | None = Field(examples=[None])
    description: str = Field(examples=["Workshop"])
    duration: int = Field(examples=[9000])
    billable: bool = Field(examples=[True])
    tags: list[str] = Field(examples=[["workshop"]])
    status: str = Field(examples=["open"])
    billable_amount: str | None = Field(description="Decimal string; null without a billing rate or when "
                                                    "not billable.", examples=["300.00"])
    cost: str | None = Field(examples=[None])
    currency: str = Field(description="The billing rate's currency (else the cost rate's).", examples=["EUR"])


class DetailedOut(Schema):
    items: list[DetailedItem]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last page.",
                                    examples=["WyJkYXRlIiwiMjAyNi0xMS0wMyIsNDJd"])

    model_config = examples({"items": [ITEM_EXAMPLE], "next_cursor": None})


class Invalid(Exception):
    """Bad filters: answered 422 with `errors`, one per problem, as every other 422 of the API."""

    def __init__(self, problems: list[tuple[str, str]]):
        errors = [{"loc": ["query", name], "msg": msg, "type": "invalid"} for name, msg in problems]
        detail = "; ".join(f"{name}: {msg}" if name != "__all__" else msg for name, msg in problems)
        self.body = {"detail": detail or "Invalid filters.", "code": "invalid", "errors": errors}


def _form(request, scope, parsed, *, max_levels):
    data = request.GET.copy()
    # The API says true/false where the pages say yes/no.
    data["billable"] = {True: "yes", False: "no", None: ""}[parsed.billable]
    form = ReportFilterForm(data, scope, max_levels=max_levels)
    if not form.is_valid():
        raise Invalid([({"from_": "from"}.get(name, name), str(msg)) for name, msgs in form.errors.items()
                       for msg in msgs])
    return form.filters()


def _currency_total(amount) -> dict:
    return {"currency": amount.currency, "duration": amount.duration, "billable_duration": amount.billable_duration,
            "billable_amount": str(amount.billable_amount), "cost": str(amount.cost), "profit": str(amount.profit)}


@router.get("/orgs/{org}/reports/summary", operation_id="get_summary_report",
            summary="Summary report", **responses({200: SummaryOut}, {
    401: NOT_AUTHENTICATED, 404: NOT_FOUND_ORG, 422: REPORT_INVALID}))
def summary_report(request, org: OrgSlug, filters: Query[SummaryFilters]):
    """Hours, billable hours, billable amount, cost and profit, grouped by one or two levels, with the totals.

    Amounts come from the rates stored on each entry, each entry rounded half up to its currency's minor unit;
    groups and totals are per currency (nothing is converted). A total counts each entry once, also when
    grouping by tag (an entry with two tags is in two tag groups).

    Members see their own time; managers their own, their projects' (managed or led) and their direct
    reports'; owners and administrators everyone's; external members the projects they approve.

    Example: `GET /api/v1/orgs/acme/reports/summary?range=last_month&group_by=project,user`.

    Errors: 401 without valid credentials; 404 for an organisation you are not in; 422 for invalid filters.
    """
    scope = report_scope(request, org)
    try:
        report = summary(scope, _form(request, scope, filters, max_levels=2))
    except Invalid as exc:
        return Status(422, exc.body)
    groups = []
    for row in report.rows:
        keys = {level: row.public[level] for level in report.levels}
        for amount in row.currencies:
            groups.append({**keys, "labels": {k: v for k, v in row.labels.items()}, **_currency_total(amount)})
    total = report.total
    return {"group_by": report.levels, "start": report.filters.start, "end": report.filters.end, "groups": groups,
            "totals": {"duration": total.duration, "billable_duration": total.billable_duration,
                       "entries": total.entries, "currencies": [_currency_total(a) for a in total.currencies]}}


def detailed_item(e, currency: str) -> dict:
    return {
        "id": e.uid, "date": e.date, "user": e.user.code, "user_name": e.user.full_name, "project": e.project.uid,
        "project_name": str(e.project), "client": e.project.client.uid if e.project.client_id else None,
        "task": e.task.uid if e.task_id else None, "description": e.description, "duration": e.duration,
        "billable": e.billable, "tags": [t.name for t in e.tags.all()], "status": e.status,
        "billable_amount": str(e.bill_value) if e.bill_value is not None else None,
        "cost": str(e.cost_value) if e.cost_value is not None else None,
        "currency": e.bill_currency or e.cost_currency or currency,
    }


@router.get("/orgs/{org}/reports/detailed", operation_id="get_detailed_report",
            summary="Detailed report", **responses({200: DetailedOut}, {
    401: NOT_AUTHENTICATED, 404: NOT_FOUND_ORG, 422: REPORT_INVALID + " Also for a `cursor` of another query."}))
def detailed_report(request, org: OrgSlug, filters: Query[DetailedFilters]):
    """Every time entry of the report, with its amounts, a page at a time: pass `next_cursor` back as `cursor`
    (keyset pagination: a deep page is as quick as the first).

    Members see their own time; managers their own, their projects' (managed or led) and their direct
    reports'; owners and administrators everyone's; external members the projects they approve.

    Example: `GET /api/v1/orgs/acme/reports/detailed?from=2026-11-01&to=2026-11-30&sort=-duration&limit=100`.

    Errors: 401 without valid credentials; 404 for an organisation you are not in; 422 for invalid filters, an
    unknown sort, or a cursor that does not belong to this sort.
    """
    scope = report_scope(request, org)
    try:
        report_filters = _form(request, scope, filters, max_levels=2)
        if filters.sort.lstrip("-") not in DETAILED_SORTS:
            raise Invalid([("sort", f"use one of {', '.join(DETAILED_SORTS)} (with - for descending).")])
        try:
            page = detailed(scope, report_filters, sort=filters.sort, cursor=filters.cursor, limit=filters.limit)
        except BadCursor as exc:
            raise Invalid([("cursor", str(exc))]) from None
    except Invalid as exc:
        return Status(422, exc.body)
    return {"items": [detailed_item(e, scope.org.currency) for e in page.entries], "next_cursor": page.next_cursor}
