import datetime as dt

from django import forms
from django.db.models import Q

from timelive.lib.durations import DurationError, parse_duration
from timelive.lib.widgets import DateField
from timelive.orgs.models import ADMIN_ROLES, EntryMode

from .catalog_forms import add_custom_fields, clean_custom_fields
from .models import OPEN_PROJECT_STATUSES, CustomField, CustomFieldTarget, Project, Task, TaskStatus

BILLABLE_CHOICES = [("", "Project default"), ("yes", "Billable"), ("no", "Not billable")]


def loggable_projects(org, membership):
    projects = Project.objects.filter(org=org, status__in=OPEN_PROJECT_STATUSES, is_template=False)
    if membership.role not in ADMIN_ROLES:
        projects = projects.filter(Q(is_public=True) | Q(memberships__user_id=membership.user_id)).distinct()
    return projects.select_related("client").order_by("name")


def project_task_choices(org, membership):
    """Options "project (no task)" and "project · task" for the projects the person may log time on.

    Each label starts with the project's name (its code, if any, at the end) and the options are
    sorted by their labels, so a select's type-ahead finds the option its reader is looking at.
    Built from plain rows, not model instances: this list is on every timesheet page.
    """
    projects = list(loggable_projects(org, membership).values_list("id", "uid", "code", "name", "client__name"))
    projects.sort(key=lambda p: (p[3].casefold(), p[2].casefold()))
    tasks = (
        Task.objects.filter(project_id__in=[p[0] for p in projects])
        .exclude(status=TaskStatus.ARCHIVED)
        .values_list("project_id", "uid", "name")
    )
    by_project = {}
    for project_id, uid, name in sorted(tasks, key=lambda t: t[2].casefold()):
        by_project.setdefault(project_id, []).append((uid, name))
    groups = []
    for project_id, uid, code, name, client in projects:
        suffix = f" — {code}" if code else ""
        options = [(f"{uid}:", f"{name} (no task){suffix}")]
        options += [(f"{uid}:{task_uid}", f"{name} · {task_name}{suffix}")
                    for task_uid, task_name in by_project.get(project_id, [])]
        groups.append((f"{name} — {client}" if client else name, options))
    return groups


def split_choice(value: str) -> tuple[str, str | None]:
    project, _, task = (value or "").partition(":")
    return project, task or None


class EntryForm(forms.Form):
    project_task = forms.ChoiceField(label="Project and task")
    date = DateField()
    duration = forms.CharField(
        label="Time",
        required=False,
        max_length=20,
        help_text="2:30, 2.5h or 150m",
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    start_time = forms.TimeField(label="From", required=False, widget=forms.TimeInput(attrs={"type": "time"}))
    end_time = forms.TimeField(label="To", required=False, widget=forms.TimeInput(attrs={"type": "time"}))
    description = forms.CharField(required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2}))
    billable = forms.ChoiceField(choices=BILLABLE_CHOICES, required=False)
    tags = forms.CharField(required=False, max_length=500, help_text="Separate tags with commas.")

    def __init__(self, *args, org, membership, custom_values=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.org = org
        self.fields["project_task"].choices = [("", "Choose…")] + project_task_choices(org, membership)
        # The organisation's custom fields for time entries, as cf_<key> fields.
        self.definitions = list(CustomField.objects.filter(org=org, target=CustomFieldTarget.TIME_ENTRY))
        add_custom_fields(self, self.definitions, custom_values or {})
        if org.entry_mode == EntryMode.START_END:
            del self.fields["duration"]
            self.fields["start_time"].required = self.fields["end_time"].required = True
        else:
            del self.fields["start_time"], self.fields["end_time"]
            self.fields["duration"].required = True

    def clean_duration(self):
        text = self.cleaned_data.get("duration", "")
        try:
            return parse_duration(text)
        except DurationError as exc:
            raise forms.ValidationError(str(exc)) from None

    def clean_tags(self):
        return [t.strip() for t in self.cleaned_data.get("tags", "").split(",") if t.strip()]

    def clean(self):
        data = super().clean()
        self.custom_values = clean_custom_fields(self, self.definitions)
        return data

    def entry_fields(self) -> dict:
        """EntryData fields; times are wall-clock times, read in the person's zone by EntryRules."""
        data = self.cleaned_data
        project, task = split_choice(data["project_task"])
        fields = {
            "project": project,
            "task": task,
            "clear_task": task is None,
            "description": data["description"],
            "billable": {"yes": True, "no": False}.get(data["billable"]),
            "tags": data["tags"],
        }
        if self.definitions:
            fields["custom_fields"] = self.custom_values
        if "duration" in data:
            fields.update(date=data["date"], duration=data["duration"], clear_times=True)
        else:
            start = dt.datetime.combine(data["date"], data["start_time"])
            end = dt.datetime.combine(data["date"], data["end_time"])
            if end <= start:
                # "22:00 to 01:00" runs past midnight.
                end += dt.timedelta(days=1)
            fields.update(start=start, end=end)
        return fields


class TimerForm(forms.Form):
    project_task = forms.ChoiceField(label="Project")
    description = forms.CharField(
        required=False, max_length=5000, widget=forms.TextInput(attrs={"placeholder": "What are you working on?"})
    )

    def __init__(self, *args, org, membership, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project_task"].choices = [("", "Choose…")] + project_task_choices(org, membership)
