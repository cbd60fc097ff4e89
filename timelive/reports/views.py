"""Report pages: each reads its filters from the query string, asks the query layer, and shows a
chart and a table (or the form again with what was typed and what is wrong with it)."""

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from timelive.tracking.entries import user_zone
from timelive.tracking.models import EntryStatus
from timelive.tracking.periods import week_start

from . import exports
from .access import report_scope
from .charts import Bar, column_chart, summary_chart
from .filters import BILLABLE_CHOICES, LEVELS, PRESETS, ReportFilterForm
from .queries import DETAILED_SORTS, BadCursor, detailed, filtered_entries, totals, weekly
from .queries import summary as summary_query


def filter_options(scope) -> dict:
    """What the filter form offers, limited to what the person may report on (one query each)."""
    return {
        "presets": PRESETS,
        "levels": list(LEVELS.items()),
        "billable_choices": BILLABLE_CHOICES,
        "statuses": EntryStatus.choices,
        "clients": list(scope.clients().values_list("uid", "name")),
        "projects": list(scope.projects().filter(status__in=("active", "on_hold", "completed", "archived"))
                         .values_list("uid", "name")),
        "people": list(scope.people().order_by("full_name").values_list("code", "full_name"))
        if scope.sees_others else [],
        "tags": list(scope.tags().values_list("name", flat=True)),
    }


def selected(form) -> dict:
    """The raw values picked, for re-drawing the form as typed."""
    data = form.data
    values = {}
    for name in ("client", "project", "task", "user", "tag", "status", "group_by"):
        raw = data.getlist(name) if hasattr(data, "getlist") else data.get(name, [])
        values[name] = [part for value in raw for part in str(value).split(",") if part]
    for name in ("range", "from", "to", "billable"):
        values[name] = data.get(name, "")
    return values


def _context(request, scope, form, **extra):
    return {"form": form, "scope": scope, "options": filter_options(scope), "picked": selected(form),
            "query": request.GET.urlencode(), **extra}


@login_required
def summary(request, slug):
    scope = report_scope(request, slug)
    form = ReportFilterForm(request.GET, scope)
    report = chart = None
    if form.is_valid():
        report = summary_query(scope, form.filters())
        chart = summary_chart(report) if not report.is_empty else ""
    return render(request, "reports/summary.html", _context(request, scope, form, report=report, chart=chart))


def _export(request, fmt, table, filename, template, context):
    """The file, or the report's page with a message when a spreadsheet cannot hold it."""
    try:
        return exports.FORMATS[fmt](table, filename)
    except exports.TooManyRows as exc:
        context["too_many_rows"] = exc.args[0]
        return render(request, template, context)


@login_required
def summary_export(request, slug, fmt):
    if fmt not in exports.FORMATS:
        raise Http404
    scope = report_scope(request, slug)
    form = ReportFilterForm(request.GET, scope)
    if not form.is_valid():
        return render(request, "reports/summary.html", _context(request, scope, form, report=None, chart=None))
    report = summary_query(scope, form.filters())
    return _export(request, fmt, exports.summary_table(report), f"summary-{report.filters.start}-{report.filters.end}",
                   "reports/summary.html", _context(request, scope, form, report=report, chart=summary_chart(report)))


SORT_LABELS = {"date": "Date", "user": "Person", "project": "Project", "duration": "Hours"}


def _sort(request) -> str:
    sort = request.GET.get("sort", "date")
    return sort if sort.lstrip("-") in DETAILED_SORTS else "date"


@login_required
def detailed_report(request, slug):
    scope = report_scope(request, slug)
    form = ReportFilterForm(request.GET, scope)
    sort = _sort(request)
    context = {"sort": sort, "page": None, "total": None, "cursor_error": None}
    if form.is_valid():
        filters = form.filters()
        try:
            context["page"] = detailed(scope, filters, sort=sort, cursor=request.GET.get("cursor") or None)
        except BadCursor as exc:
            context["cursor_error"] = str(exc)
        context["total"] = totals(filtered_entries(scope, filters), scope.org)
    base = request.GET.copy()
    base.pop("cursor", None)
    context["first_query"] = base.urlencode()
    base.pop("sort", None)
    sorts = []
    for key, label in SORT_LABELS.items():
        # A second click on the sorted column reverses it.
        wanted = f"-{key}" if sort == key else key
        sorts.append({"key": key, "label": label, "query": f"{base.urlencode()}&sort={wanted}".lstrip("&"),
                      "current": sort.lstrip("-") == key, "descending": sort.startswith("-")})
    context["sorts"] = sorts
    if context["page"] and context["page"].next_cursor:
        context["next_query"] = f"{context['first_query']}&cursor={context['page'].next_cursor}".lstrip("&")
    export_query = request.GET.copy()
    export_query.pop("cursor", None)
    context["export_query"] = export_query.urlencode()
    return render(request, "reports/detailed.html", _context(request, scope, form, **context))


@login_required
def detailed_export(request, slug, fmt):
    if fmt not in exports.FORMATS:
        raise Http404
    scope = report_scope(request, slug)
    form = ReportFilterForm(request.GET, scope)
    if not form.is_valid():
        return detailed_report(request, slug)
    filters, sort = form.filters(), _sort(request)
    table = exports.detailed_table(scope, filters, sort)
    if fmt == "xlsx":
        table.size = filtered_entries(scope, filters).count()
    context = _context(request, scope, form, sort=sort, page=None, total=None, cursor_error=None, sorts=[],
                       export_query=request.GET.urlencode())
    return _export(request, fmt, table, f"detailed-{filters.start}-{filters.end}", "reports/detailed.html", context)


def _weekly_form(request, scope):
    """The filters with the dates of the week asked for (`week`: any of its days; default this week)."""
    data = request.GET.copy()
    today = timezone.now().astimezone(user_zone(request.user)).date()
    problem = None
    try:
        day = dt.date.fromisoformat(data.get("week")) if data.get("week") else today
    except ValueError:
        day, problem = today, "That is not a day: showing this week."
    start = week_start(day, scope.org.week_start)
    data["range"] = "custom"
    data.setlist("from", [start.isoformat()])
    data.setlist("to", [(start + dt.timedelta(days=6)).isoformat()])
    return ReportFilterForm(data, scope), start, problem


def _weekly_context(request, scope):
    form, start, problem = _weekly_form(request, scope)
    report = weekly(scope, form.filters()) if form.is_valid() else None
    base = request.GET.copy()
    nav = {}
    for name, day in (("previous", start - dt.timedelta(days=7)), ("next", start + dt.timedelta(days=7))):
        base["week"] = day.isoformat()
        nav[name] = base.urlencode()
    chart = ""
    if report and not report.is_empty:
        chart = column_chart([Bar(f"{d:%a %-d}", t.billable_duration, t.non_billable_duration)
                              for d, t in zip(report.days, report.day_totals, strict=True)],
                             title="Hours per day, billable and non-billable")
    return form, report, {"week_start": start, "week_problem": problem, "nav": nav, "chart": chart}


@login_required
def weekly_report(request, slug):
    scope = report_scope(request, slug)
    form, report, extra = _weekly_context(request, scope)
    return render(request, "reports/weekly.html", _context(request, scope, form, report=report, **extra))


@login_required
def weekly_export(request, slug, fmt):
    if fmt not in exports.FORMATS:
        raise Http404
    scope = report_scope(request, slug)
    form, report, extra = _weekly_context(request, scope)
    if report is None:
        return render(request, "reports/weekly.html", _context(request, scope, form, report=report, **extra))
    return _export(request, fmt, exports.weekly_table(report), f"weekly-{extra['week_start']}",
                   "reports/weekly.html", _context(request, scope, form, report=report, **extra))


@login_required
def timesheet_status_report(request, slug):
    from timelive.tracking.periods import next_period, previous_period

    from .status import STATE_LABELS, timesheet_status

    scope = report_scope(request, slug)
    today = timezone.now().astimezone(user_zone(request.user)).date()
    problem = None
    try:
        day = dt.date.fromisoformat(request.GET["day"]) if request.GET.get("day") else today
    except ValueError:
        day, problem = today, "That is not a day: showing the current period."
    report = timesheet_status(scope, day)
    context = {"report": report, "problem": problem, "states": STATE_LABELS, "scope": scope,
               "previous_day": previous_period(scope.org, day)[0], "next_day": next_period(scope.org, day)[0]}
    return render(request, "reports/status.html", context)
