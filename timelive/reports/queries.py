"""The reports' query layer: read-only, aggregating in the database (GROUP BY), for
pages, exports and the API alike.

Amounts come from the rates stored on each entry, valued the way invoices do:
each entry's amount is duration × rate, rounded half up to its currency's
minor unit (no cents in JPY, three places in KWD), and a total is the sum of
those rounded amounts. The database does that in whole minor units (integer
arithmetic, exact on SQLite and PostgreSQL alike); Python only turns the sums
into Decimals.

Entries carry their own currency (their rate's). Nothing is converted: every
group row and every total is per currency, and an entry whose cost rate is in
another currency than its billing rate adds its cost to a row of that
currency (with no hours, so hours are never counted twice).
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from babel.numbers import get_currency_precision, list_currencies
from django.db.models import (
    BigIntegerField,
    Case,
    Count,
    DateField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Round, TruncMonth, TruncWeek

from timelive.accounts.models import User
from timelive.lib.money import minor_units
from timelive.lib.zones import CURRENCIES
from timelive.tracking.models import Client, Project, Tag, Task, TimeEntry

from .filters import Filters

# Currencies by their minor unit, for valuing entries in the database: every ISO code babel knows,
# not only those the organisation settings offer, so no stored code is ever valued at the wrong scale.
_BY_PLACES: dict[int, list[str]] = {}
for _code in sorted(list_currencies() | {code for code, _ in CURRENCIES}):
    _BY_PLACES.setdefault(get_currency_precision(_code), []).append(_code)


def _minor_amount(rate: str, currency: str):
    """duration × rate, in whole minor units of the entry's currency, rounded half up (NULL without a rate).

    The rate has two decimals: rate × 100 is a whole number, so the amount is
    (seconds × rate_hundredths × 10^places + 180000) div 360000, integer-exact.
    """
    scale = Case(*[When(**{f"{currency}__in": codes}, then=Value(10 ** places))
                   for places, codes in sorted(_BY_PLACES.items()) if places != 2],
                 default=Value(100), output_field=BigIntegerField())
    hundredths = Cast(Round(F(rate) * 100), BigIntegerField())
    seconds = Cast(F("duration"), BigIntegerField())
    return ExpressionWrapper((seconds * hundredths * scale + Value(180000)) / Value(360000),
                             output_field=BigIntegerField())


def _measures():
    billable_seconds = Case(When(billable=True, then=F("duration")), default=Value(0), output_field=IntegerField())
    bill = Case(When(billable=True, then=_minor_amount("bill_rate", "bill_currency")), default=None,
                output_field=BigIntegerField())
    return {
        "n": Count("id"),
        "total_duration": Sum("duration"),
        "total_billable": Sum(billable_seconds),
        "bill_minor": Sum(bill),
        "cost_minor": Sum(_minor_amount("cost_rate", "cost_currency")),
    }


# Levels: how each groups entries in the database.


def _week_expr(first_weekday: int):
    """The week holding the entry's day, as (week start + shift): TruncWeek gives Mondays, so the day is moved
    forward by `shift` days, truncated, and the shift taken back in Python (see _week_start)."""
    shift = (7 - first_weekday) % 7
    if shift == 0:
        return TruncWeek("date", output_field=DateField())
    moved = ExpressionWrapper(F("date") + dt.timedelta(days=shift), output_field=DateField())
    return TruncWeek(moved, output_field=DateField())


def _as_date(value) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, str):
        return dt.date.fromisoformat(value[:10])
    return value


def level_expressions(levels: list[str], org) -> dict:
    exprs = {
        "project": F("project_id"),
        "client": F("project__client_id"),
        "user": F("user_id"),
        "task": F("task_id"),
        "tag": F("tags"),
        "day": F("date"),
        "week": _week_expr(org.week_start),
        "month": TruncMonth("date", output_field=DateField()),
    }
    return {f"g_{level}": exprs[level] for level in levels}


def _normalise_key(level: str, value, org):
    if level == "week":
        if value is None:
            return None
        return _as_date(value) - dt.timedelta(days=(7 - org.week_start) % 7)
    if level in ("day", "month"):
        return _as_date(value) if value is not None else None
    return value


# Filtering


def filtered_entries(scope, filters: Filters):
    """The entries a report covers: the scope's, narrowed by the filters (no joins that could repeat a row)."""
    entries = scope.entries().filter(date__gte=filters.start, date__lte=filters.end)
    if filters.clients:
        entries = entries.filter(project__client_id__in=filters.clients)
    if filters.projects:
        entries = entries.filter(project_id__in=filters.projects)
    if filters.tasks:
        entries = entries.filter(task_id__in=filters.tasks)
    if filters.people:
        entries = entries.filter(user_id__in=filters.people)
    if filters.billable is not None:
        entries = entries.filter(billable=filters.billable)
    if filters.statuses:
        entries = entries.filter(status__in=filters.statuses)
    if filters.tags:
        # Exists(), not a join: an entry with two of the tags counts once.
        tagged = TimeEntry.tags.through.objects.filter(timeentry_id=OuterRef("pk"), tag_id__in=filters.tags)
        entries = entries.filter(Exists(tagged))
    return entries


# Results


@dataclass
class Amount:
    """A row's money in one currency, and the hours valued in it (an entry's hours go with its billing
    currency; a cost in another currency comes with no hours)."""

    currency: str
    billable_amount: Decimal = Decimal(0)
    cost: Decimal = Decimal(0)
    duration: int = 0
    billable_duration: int = 0

    @property
    def profit(self) -> Decimal:
        return self.billable_amount - self.cost


@dataclass
class Row:
    """One group (or a sub-total, or the total): durations in seconds, amounts per currency."""

    keys: dict = field(default_factory=dict)
    labels: dict = field(default_factory=dict)
    duration: int = 0
    billable_duration: int = 0
    entries: int = 0
    amounts: dict = field(default_factory=dict)

    @property
    def non_billable_duration(self) -> int:
        return self.duration - self.billable_duration

    @property
    def currencies(self) -> list[Amount]:
        return [self.amounts[c] for c in sorted(self.amounts)]

    def amount(self, currency: str) -> Amount:
        if currency not in self.amounts:
            self.amounts[currency] = Amount(currency, Decimal(0).scaleb(-minor_units(currency)),
                                            Decimal(0).scaleb(-minor_units(currency)))
        return self.amounts[currency]


def _money(minor, currency: str) -> Decimal:
    return Decimal(int(minor or 0)).scaleb(-minor_units(currency))


def _collect(queryset, key_names: list[str], org, levels: list[str]) -> dict[tuple, Row]:
    """Aggregated rows (grouped by keys and both currencies) folded into one Row per key."""
    rows: dict[tuple, Row] = {}
    for record in queryset:
        key = tuple(_normalise_key(level, record[name], org) for level, name in zip(levels, key_names, strict=True))
        row = rows.get(key)
        if row is None:
            row = rows[key] = Row(keys=dict(zip(levels, key, strict=True)))
        row.duration += record["total_duration"] or 0
        row.billable_duration += record["total_billable"] or 0
        row.entries += record["n"] or 0
        bill_currency, cost_currency = record["bill_currency"], record["cost_currency"]
        currency = bill_currency or cost_currency or org.currency
        amount = row.amount(currency)
        amount.duration += record["total_duration"] or 0
        amount.billable_duration += record["total_billable"] or 0
        if record["bill_minor"] is not None:
            amount.billable_amount += _money(record["bill_minor"], bill_currency)
        if record["cost_minor"] is not None:
            row.amount(cost_currency).cost += _money(record["cost_minor"], cost_currency)
    return rows


def aggregate(entries, levels: list[str], org) -> dict[tuple, Row]:
    """One GROUP BY query: {(key per level): Row}."""
    exprs = level_expressions(levels, org)
    queryset = (entries.annotate(**exprs).values(*exprs, "bill_currency", "cost_currency")
                .annotate(**_measures()).order_by())
    return _collect(queryset, list(exprs), org, levels)


def totals(entries, org) -> Row:
    """The whole report's total, from the un-grouped entries (tags do not repeat entries here)."""
    rows = aggregate(entries, [], org)
    return rows.get((), Row())


# Labels: one query per level that names rows.


def _labels(level: str, ids: set, org) -> dict:
    ids = {i for i in ids if i is not None}
    if level in ("day", "week", "month"):
        return {}
    if not ids:
        return {}
    if level == "project":
        return {p.pk: {"id": p.uid, "label": str(p), "client": p.client_id}
                for p in Project.objects.filter(org=org, pk__in=ids).only("uid", "name", "code", "client_id")}
    if level == "client":
        return {c["pk"]: {"id": c["uid"], "label": c["name"]}
                for c in Client.objects.filter(org=org, pk__in=ids).values("pk", "uid", "name")}
    if level == "user":
        return {u["pk"]: {"id": u["code"], "label": u["full_name"] or u["email"]}
                for u in User.objects.filter(pk__in=ids).values("pk", "code", "full_name", "email")}
    if level == "task":
        return {t["pk"]: {"id": t["uid"], "label": t["name"]}
                for t in Task.objects.filter(org=org, pk__in=ids).values("pk", "uid", "name")}
    if level == "tag":
        return {t["pk"]: {"id": t["name"], "label": t["name"]}
                for t in Tag.objects.filter(org=org, pk__in=ids).values("pk", "name")}
    return {}


NONE_LABELS = {"project": "No project", "client": "No client", "user": "Nobody", "task": "No task",
               "tag": "No tag", "day": "No day", "week": "No week", "month": "No month"}


def _time_label(level: str, day: dt.date) -> str:
    if level == "day":
        return f"{day:%a %-d %b %Y}"
    if level == "week":
        return f"Week of {day:%-d %b %Y}"
    return f"{day:%B %Y}"


def _time_id(level: str, day: dt.date) -> str:
    return f"{day:%Y-%m}" if level == "month" else day.isoformat()


def label_rows(rows, levels: list[str], org, names=None) -> dict:
    """Give each row `labels` and public ids (`keys_public`); returns the label maps for reuse."""
    names = names if names is not None else {}
    for level in levels:
        if level not in names:
            names[level] = _labels(level, {row.keys.get(level) for row in rows}, org)
    for row in rows:
        row.public = {}
        for level in levels:
            value = row.keys.get(level)
            if value is None:
                row.labels[level], row.public[level] = NONE_LABELS[level], None
            elif level in ("day", "week", "month"):
                row.labels[level], row.public[level] = _time_label(level, value), _time_id(level, value)
            else:
                found = names[level].get(value) or {"id": None, "label": "?"}
                row.labels[level], row.public[level] = found["label"], found["id"]
    return names


def _sort_key(level):
    def key(row):
        value = row.keys.get(level)
        if level in ("day", "week", "month"):
            return (value is None, value or dt.date.min)
        return (value is None, (row.labels.get(level) or "").lower(), value or 0)
    return key


@dataclass
class Group:
    """A first-level group with its sub-total and (in a two-level report) its second-level rows."""

    row: Row
    children: list = field(default_factory=list)


@dataclass
class SummaryReport:
    filters: Filters
    levels: list
    groups: list
    total: Row
    org: object

    @property
    def rows(self) -> list[Row]:
        """The finest rows (second level in a two-level report), in display order."""
        if len(self.levels) == 1:
            return [g.row for g in self.groups]
        return [child for g in self.groups for child in g.children]

    @property
    def is_empty(self) -> bool:
        return self.total.entries == 0

    @property
    def currencies(self) -> list[str]:
        return sorted(self.total.amounts)


def merged(rows, keys=None) -> Row:
    """One Row adding up already-aggregated rows (each entry is in exactly one of them)."""
    out = Row(keys=dict(keys or {}))
    for row in rows:
        out.duration += row.duration
        out.billable_duration += row.billable_duration
        out.entries += row.entries
        for amount in row.amounts.values():
            mine = out.amount(amount.currency)
            mine.billable_amount += amount.billable_amount
            mine.cost += amount.cost
            mine.duration += amount.duration
            mine.billable_duration += amount.billable_duration
    return out


def summary(scope, filters: Filters) -> SummaryReport:
    """The summary report: one or two levels, with sub-totals per first-level group and the total.

    One GROUP BY query for the finest rows and one per level that names rows (projects, people…). Without a
    tag level every entry is in exactly one row, so sub-totals and the total add those rows up; with a tag
    level an entry is in one row per tag, so they come from their own queries on the un-joined entries."""
    org = scope.org
    levels = filters.group_by or ["project"]
    entries = filtered_entries(scope, filters)
    by_tag = "tag" in levels
    finest = aggregate(entries, levels, org)
    total = totals(entries, org) if by_tag else merged(finest.values())
    if total.entries == 0:
        return SummaryReport(filters, levels, [], total, org)
    names = label_rows(finest.values(), levels, org)
    if len(levels) == 1:
        groups = [Group(row) for row in sorted(finest.values(), key=_sort_key(levels[0]))]
    else:
        children: dict = {}
        for row in finest.values():
            children.setdefault((row.keys[levels[0]],), []).append(row)
        if by_tag:
            tops = aggregate(entries, levels[:1], org)
        else:
            tops = {key: merged(rows, {levels[0]: key[0]}) for key, rows in children.items()}
        label_rows(tops.values(), levels[:1], org, names)
        groups = []
        for key, top in sorted(tops.items(), key=lambda item: _sort_key(levels[0])(item[1])):
            groups.append(Group(top, sorted(children.get(key, []), key=_sort_key(levels[1]))))
    return SummaryReport(filters, levels, groups, total, org)


# The detailed report: every entry, sorted, a page at a time by keyset (no OFFSET: page 500 costs what page 1 does).

DETAILED_SORTS = {
    "date": "date",
    "duration": "duration",
    "project": "project__name",
    "user": "user__full_name",
}
DETAILED_PAGE = 100


class BadCursor(ValueError):
    """A cursor that this report did not hand out (or for another sort)."""


def encode_cursor(sort: str, value, pk: int) -> str:
    import base64
    import json

    if isinstance(value, dt.date):
        value = value.isoformat()
    raw = json.dumps([sort, value, pk], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, sort: str):
    import base64
    import binascii
    import json

    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        cursor_sort, value, pk = json.loads(raw)
    except (ValueError, TypeError, binascii.Error):
        raise BadCursor("This page link is not valid: start again from the first page.") from None
    if cursor_sort != sort or not isinstance(pk, int) or isinstance(value, (list, dict)):
        raise BadCursor("This page link belongs to another sort order: start again from the first page.")
    field_name = DETAILED_SORTS[sort.lstrip("-")]
    try:
        if field_name == "date":
            value = dt.date.fromisoformat(value)
        elif field_name == "duration":
            value = int(value)
        elif value is not None:
            value = str(value)
    except (ValueError, TypeError):
        raise BadCursor("This page link is not valid: start again from the first page.") from None
    return value, pk


@dataclass
class DetailedPage:
    entries: list
    next_cursor: str | None
    sort: str


def detailed_entries(scope, filters: Filters, sort: str = "date"):
    """Every entry of the report, sorted (ties by id), each with its amounts valued as the summary values them."""
    descending = sort.startswith("-")
    field_name = DETAILED_SORTS[sort.lstrip("-")]
    order = [f"-{field_name}", "-id"] if descending else [field_name, "id"]
    bill = Case(When(billable=True, then=_minor_amount("bill_rate", "bill_currency")), default=None,
                output_field=BigIntegerField())
    return (filtered_entries(scope, filters)
            .select_related("user", "project", "project__client", "task")
            .annotate(bill_minor=bill, cost_minor=_minor_amount("cost_rate", "cost_currency"))
            .order_by(*order))


def detailed(scope, filters: Filters, *, sort: str = "date", cursor: str | None = None,
             limit: int = DETAILED_PAGE) -> DetailedPage:
    """One page of the detailed report after `cursor` (raises BadCursor for a cursor it did not make).

    Queries: the page (entries with person, project, client and task), and their tags."""
    from django.db.models import Prefetch

    entries = detailed_entries(scope, filters, sort)
    descending = sort.startswith("-")
    field_name = DETAILED_SORTS[sort.lstrip("-")]
    if cursor:
        value, pk = decode_cursor(cursor, sort)
        after = "lt" if descending else "gt"
        if value is None:
            entries = entries.filter(**{f"{field_name}__isnull": True, f"id__{after}": pk})
        else:
            entries = entries.filter(Q(**{f"{field_name}__{after}": value}) | Q(**{field_name: value, f"id__{after}": pk}))
    page = list(entries.prefetch_related(Prefetch("tags", queryset=Tag.objects.only("name")))[: limit + 1])
    next_cursor = None
    if len(page) > limit:
        page = page[:limit]
        last = page[-1]
        value = last
        for part in field_name.split("__"):
            value = getattr(value, part)
        next_cursor = encode_cursor(sort, value, last.pk)
    for e in page:
        e.bill_value = _money(e.bill_minor, e.bill_currency) if e.bill_minor is not None else None
        e.cost_value = _money(e.cost_minor, e.cost_currency) if e.cost_minor is not None else None
    return DetailedPage(page, next_cursor, sort)


# The weekly report: people × days.


@dataclass
class WeeklyLine:
    row: Row
    cells: list


@dataclass
class WeeklyReport:
    filters: Filters
    days: list
    lines: list
    day_totals: list
    total: Row

    @property
    def is_empty(self) -> bool:
        return self.total.entries == 0


def weekly(scope, filters: Filters) -> WeeklyReport:
    """Hours per person and day of filters.start … filters.end (a week), with each person's and each day's
    total, all from the database. Queries: the total, people × days, per person, per day, and the names."""
    org = scope.org
    days = [filters.start + dt.timedelta(days=i) for i in range(filters.days)]
    entries = filtered_entries(scope, filters)
    total = totals(entries, org)
    if total.entries == 0:
        return WeeklyReport(filters, days, [], [Row() for _ in days], total)
    cells = aggregate(entries, ["user", "day"], org)
    people = aggregate(entries, ["user"], org)
    per_day = aggregate(entries, ["day"], org)
    label_rows(people.values(), ["user"], org)
    lines = []
    for key, person in sorted(people.items(), key=lambda item: _sort_key("user")(item[1])):
        lines.append(WeeklyLine(person, [cells.get((key[0], day)) or Row() for day in days]))
    return WeeklyReport(filters, days, lines, [per_day.get((day,)) or Row() for day in days], total)
