"""Report pages: each reads its filters from the query string, asks the query layer, and shows a
chart and a table (or the form again with what was typed and what is wrong with it)."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from timelive.tracking.models import EntryStatus

from . import exports
from .access import report_scope
from .charts import summary_chart
from .filters import BILLABLE_CHOICES, LEVELS, PRESETS, ReportFilterForm
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


@login_required
def summary_export(request, slug, fmt):
    if fmt not in exports.FORMATS:
        raise Http404
    scope = report_scope(request, slug)
    form = ReportFilterForm(request.GET, scope)
    if not form.is_valid():
        return render(request, "reports/summary.html", _context(request, scope, form, report=None, chart=None))
    report = summary_query(scope, form.filters())
    return exports.FORMATS[fmt](exports.summary_table(report), f"summary-{report.filters.start}-{report.filters.end}")
