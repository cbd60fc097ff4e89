"""Report filters: one form reads them from a page's query string and from the API's.

Every choice is limited to what the requester's scope may see, so an unknown
id and an id of another organisation (or of a project one may not see) get
the same clear message, never someone else's numbers. Lists may be given as
repeated parameters (`project=a&project=b`) or comma-separated (`project=a,b`).
"""

import calendar
import datetime as dt
from dataclasses import dataclass, field

from django import forms
from django.db.models import Q
from django.utils import timezone

from timelive.lib.widgets import DateInput
from timelive.tracking.entries import user_zone
from timelive.tracking.models import EntryStatus
from timelive.tracking.periods import week_start

# A report reads at most this many years of time at once.
MAX_YEARS = 10

PRESETS = [
    ("this_week", "This week"),
    ("last_week", "Last week"),
    ("this_month", "This month"),
    ("last_month", "Last month"),
    ("this_year", "This year"),
    ("last_year", "Last year"),
    ("custom", "Custom dates"),
]

# Group-by levels: API name → label for people.
LEVELS = {
    "project": "Project",
    "client": "Client",
    "user": "Person",
    "task": "Task",
    "tag": "Tag",
    "day": "Day",
    "week": "Week",
    "month": "Month",
}

BILLABLE_CHOICES = [("", "Billable and non-billable"), ("yes", "Billable only"), ("no", "Non-billable only")]


def preset_range(preset: str, today: dt.date, first_weekday: int) -> tuple[dt.date, dt.date]:
    """First and last day (inclusive) of a preset, around `today`, weeks starting on `first_weekday`."""
    if preset in ("this_week", "last_week"):
        start = week_start(today, first_weekday)
        if preset == "last_week":
            start -= dt.timedelta(days=7)
        return start, start + dt.timedelta(days=6)
    if preset == "last_month":
        last = today.replace(day=1) - dt.timedelta(days=1)
        return last.replace(day=1), last
    if preset == "this_year":
        return today.replace(month=1, day=1), today.replace(month=12, day=31)
    if preset == "last_year":
        return dt.date(today.year - 1, 1, 1), dt.date(today.year - 1, 12, 31)
    # this_month
    return today.replace(day=1), today.replace(day=calendar.monthrange(today.year, today.month)[1])


def split_values(values) -> list[str]:
    """Repeated and comma-separated values as one list, blanks dropped, order kept, no duplicates."""
    out = []
    for value in values:
        out.extend(part.strip() for part in str(value).split(","))
    return list(dict.fromkeys(v for v in out if v))


class ListField(forms.Field):
    """A list of strings from repeated or comma-separated parameters."""

    widget = forms.SelectMultiple

    def to_python(self, value):
        if value in (None, "", []):
            return []
        if isinstance(value, str):
            value = [value]
        return split_values(value)


class PublicIdField(ListField):
    """Public ids checked against a queryset of what the requester may see: {public id: pk}."""

    def __init__(self, *, noun: str, key: str = "uid", max_items: int = 200, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.noun, self.key, self.max_items, self.queryset = noun, key, max_items, None

    def clean(self, value):
        ids = self.to_python(value)
        if not ids:
            return []
        if len(ids) > self.max_items:
            raise forms.ValidationError(f"Pick at most {self.max_items} {self.noun}s.")
        if any(len(i) > 60 for i in ids):
            raise forms.ValidationError(f"That is not a {self.noun} id.")
        if self.key == "name":
            # Tags are named in any letter case.
            named = Q()
            for name in ids:
                named |= Q(name__iexact=name)
            found = {k.lower(): v for k, v in self.queryset.filter(named).values_list("name", "pk")}
            ids = [i.lower() for i in ids]
        else:
            found = dict(self.queryset.filter(**{f"{self.key}__in": ids}).values_list(self.key, "pk"))
        missing = [i for i in ids if i not in found]
        if missing:
            raise forms.ValidationError(f"No {self.noun} {missing[0]!r} that you can report on.")
        return list(dict.fromkeys(found[i] for i in ids))


@dataclass
class Filters:
    """Validated report filters, as primary keys (the query layer's input)."""

    start: dt.date
    end: dt.date
    preset: str = "this_month"
    clients: list = field(default_factory=list)
    projects: list = field(default_factory=list)
    tasks: list = field(default_factory=list)
    people: list = field(default_factory=list)
    tags: list = field(default_factory=list)
    billable: bool | None = None
    statuses: list = field(default_factory=list)
    group_by: list = field(default_factory=list)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


class ReportFilterForm(forms.Form):
    """The filters every report shares. Bound to a QueryDict (request.GET) and a reports Scope."""

    range = forms.ChoiceField(choices=PRESETS, required=False, label="Dates")
    # "from" is a Python keyword: the field is from_ and the parameter "from" (see __init__).
    from_ = forms.DateField(required=False, label="From", widget=DateInput())
    to = forms.DateField(required=False, label="To", widget=DateInput())
    client = PublicIdField(noun="client", label="Clients")
    project = PublicIdField(noun="project", label="Projects")
    task = PublicIdField(noun="task", label="Tasks")
    user = PublicIdField(noun="person", key="code", label="People")
    tag = PublicIdField(noun="tag", key="name", label="Tags")
    billable = forms.ChoiceField(choices=BILLABLE_CHOICES, required=False)
    status = ListField(required=False, label="Approval status")
    group_by = ListField(required=False, label="Group by")

    def __init__(self, data, scope, *, max_levels: int = 2, default_group_by=("project",), **kwargs):
        data = data.copy() if data is not None else {}
        if hasattr(data, "getlist"):
            # A QueryDict: keep every repeated value; "from" is read into from_.
            if "from" in data and "from_" not in data:
                data.setlist("from_", data.getlist("from"))
        elif "from" in data:
            data["from_"] = data["from"]
        super().__init__(data, **kwargs)
        self.scope, self.max_levels, self.default_group_by = scope, max_levels, list(default_group_by)
        self.fields["client"].queryset = scope.clients()
        self.fields["project"].queryset = scope.projects()
        self.fields["task"].queryset = scope.tasks()
        self.fields["user"].queryset = scope.people()
        self.fields["tag"].queryset = scope.tags()

    def today(self) -> dt.date:
        return timezone.now().astimezone(user_zone(self.scope.user)).date()

    def clean_status(self):
        statuses = self.cleaned_data["status"]
        unknown = [s for s in statuses if s not in EntryStatus.values]
        if unknown:
            raise forms.ValidationError(f"Unknown approval status {unknown[0]!r}: use "
                                        f"{', '.join(EntryStatus.values)}.")
        return statuses

    def clean_group_by(self):
        levels = self.cleaned_data["group_by"] or self.default_group_by
        unknown = [level for level in levels if level not in LEVELS]
        if unknown:
            raise forms.ValidationError(f"Cannot group by {unknown[0]!r}: use {', '.join(LEVELS)}.")
        if len(levels) > self.max_levels:
            raise forms.ValidationError(f"Group by at most {self.max_levels} levels.")
        if len(levels) == 2 and levels[0] == levels[1]:
            levels = levels[:1]
        return levels

    def clean(self):
        data = super().clean()
        preset = data.get("range") or ""
        start, end = data.get("from_"), data.get("to")
        if self.errors.get("from_") or self.errors.get("to"):
            return data
        if not preset:
            preset = "custom" if (start or end) else "this_month"
        if preset == "custom":
            if not start or not end:
                raise forms.ValidationError("Custom dates need both a first and a last day.")
        else:
            start, end = preset_range(preset, self.today(), self.scope.org.week_start)
        if end < start:
            raise forms.ValidationError("The last day comes before the first day: swap them.")
        if (end - start).days >= 366 * MAX_YEARS:
            raise forms.ValidationError(f"A report covers at most {MAX_YEARS} years; pick a shorter range.")
        data["range"], data["from_"], data["to"] = preset, start, end
        return data

    def filters(self) -> Filters:
        """The validated filters (call after is_valid())."""
        d = self.cleaned_data
        billable = {"yes": True, "no": False}.get(d.get("billable") or "")
        return Filters(start=d["from_"], end=d["to"], preset=d["range"], clients=d["client"], projects=d["project"],
                       tasks=d["task"], people=d["user"], tags=d["tag"], billable=billable, statuses=d["status"],
                       group_by=d["group_by"])

    def error_text(self) -> str:
        """All errors in one line, for the API's `detail`."""
        parts = []
        for name, errors in self.errors.items():
            label = {"from_": "from", "__all__": ""}.get(name, name)
            parts += [f"{label}: {e}" if label else str(e) for e in errors]
        return "; ".join(parts)
