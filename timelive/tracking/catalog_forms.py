"""Forms for clients, projects, tasks, comments and the organisation's tracking
settings (tags, custom fields, rates).

The API validates its input through these same forms, so a rule holds
whichever door the data comes through. Related rows are chosen by their
public ids (`uid`, a person's `code`), never by database ids.
"""

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q

from timelive.accounts.models import User
from timelive.lib.widgets import DateField, DateInput
from timelive.orgs.models import STAFF_ROLES, Organization, TimesheetPeriod

from .entries import clean_custom_values
from .models import (
    MAX_CUSTOM_FIELDS,
    Client,
    ClientContact,
    ClientDepartment,
    CustomField,
    CustomFieldTarget,
    CustomFieldType,
    Milestone,
    Project,
    ProjectMember,
    ProjectStatus,
    Rate,
    Tag,
    Task,
    TaskStatus,
)
from .rates import rate_level

DATE = DateInput()
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
MAX_ATTACHMENTS = 5
# The first tasks typed on a new project's form.
MAX_FIRST_TASKS = 100
TASK_NAME_LENGTH = Task._meta.get_field("name").max_length


def one_line(text: str) -> str:
    return " ".join((text or "").split())


def colleagues(org):
    """People who may be picked for a project or task: active members, not externals."""
    # One filter() call, so the three conditions hold for the same membership.
    return User.objects.filter(
        memberships__org=org, memberships__is_active=True, memberships__role__in=STAFF_ROLES
    ).order_by("full_name", "email")


def money_field(label=None, **kwargs):
    return forms.DecimalField(label=label, required=False, min_value=Decimal(0), max_digits=14, decimal_places=2,
                              **kwargs)


# Custom fields, shown as extra form fields named cf_<key>


def add_custom_fields(form, definitions, values: dict):
    for definition in definitions:
        if definition.field_type == CustomFieldType.CHOICE:
            field = forms.ChoiceField(choices=[("", "—")] + [(c, c) for c in definition.choices])
        elif definition.field_type == CustomFieldType.DATE:
            field = forms.CharField(widget=DateInput())
        elif definition.field_type == CustomFieldType.NUMBER:
            field = forms.CharField(max_length=40, widget=forms.TextInput(attrs={"inputmode": "decimal"}))
        else:
            field = forms.CharField(max_length=500)
        field.label = definition.label
        # clean_custom_values() says what is missing, with the field's label.
        field.required = False
        field.widget.is_required = definition.required
        field.initial = values.get(definition.key)
        form.fields[f"cf_{definition.key}"] = field


def clean_custom_fields(form, definitions) -> dict:
    """The values of the cf_ fields, checked with the same rules as the API's; errors go on each field."""
    cleaned = {}
    for definition in definitions:
        name = f"cf_{definition.key}"
        if name in form.errors:
            continue
        errors = defaultdict(list)
        cleaned.update(clean_custom_values([definition], {definition.key: form.cleaned_data.get(name)}, errors))
        for message in errors["custom_fields"]:
            form.add_error(name, message)
    return cleaned


class CustomValuesForm(forms.Form):
    """Only custom fields: a member's values, edited by an administrator."""

    def __init__(self, *args, definitions, values, **kwargs):
        super().__init__(*args, **kwargs)
        self.definitions = definitions
        add_custom_fields(self, definitions, values)

    def clean(self):
        data = super().clean()
        self.custom_values = clean_custom_fields(self, self.definitions)
        return data


# Clients


class ClientForm(forms.ModelForm):
    class Meta:
        model = Client
        fields = ["name", "email", "phone", "address", "notes", "is_archived"]
        widgets = {"address": forms.Textarea(attrs={"rows": 3}), "notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, org, with_archive=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.org = org
        if not with_archive:
            del self.fields["is_archived"]

    def clean_name(self):
        name = one_line(self.cleaned_data["name"])
        if not name:
            raise ValidationError("Give the client a name.")
        other = Client.objects.filter(org=self.org, name__iexact=name).exclude(pk=self.instance.pk).first()
        if other is not None:
            raise ValidationError(f"There is already a client called “{other.name}”.")
        return name

    def save(self, commit=True):
        self.instance.org = self.org
        return super().save(commit)


class ContactForm(forms.ModelForm):
    class Meta:
        model = ClientContact
        fields = ["name", "email", "phone", "role"]


class DepartmentForm(forms.ModelForm):
    class Meta:
        model = ClientDepartment
        fields = ["name"]

    def __init__(self, *args, client, **kwargs):
        super().__init__(*args, **kwargs)
        self.client = client

    def clean_name(self):
        name = one_line(self.cleaned_data["name"])
        if not name:
            raise ValidationError("Give the department a name.")
        others = ClientDepartment.objects.filter(client=self.client, name__iexact=name).exclude(pk=self.instance.pk)
        if others.exists():
            raise ValidationError(f"{self.client} already has a department called “{name}”.")
        return name


# Projects


class ProjectNameAndCode:
    """A project's name (required, one line) and code (unique in the organisation, any case)."""

    def clean_name(self):
        name = one_line(self.cleaned_data["name"])
        if not name:
            raise ValidationError("Give the project a name.")
        return name

    def clean_code(self):
        code = one_line(self.cleaned_data["code"])
        if code:
            others = Project.objects.filter(org=self.org, code__iexact=code)
            instance = getattr(self, "instance", None)
            if instance is not None and instance.pk:
                others = others.exclude(pk=instance.pk)
            other = others.first()
            if other is not None:
                raise ValidationError(f"The code {code} is already used by {other.name}.")
        return code


class ProjectForm(ProjectNameAndCode, forms.ModelForm):
    client = forms.ModelChoiceField(Client.objects.none(), to_field_name="uid", required=False, empty_label="No client")
    department = forms.ModelChoiceField(ClientDepartment.objects.none(), to_field_name="uid", required=False,
                                        empty_label="No department", help_text="A department of the client.")
    project_manager = forms.ModelChoiceField(User.objects.none(), to_field_name="code", required=False,
                                             label="Project manager", empty_label="Nobody")
    team_lead = forms.ModelChoiceField(User.objects.none(), to_field_name="code", required=False, empty_label="Nobody")
    members = forms.ModelMultipleChoiceField(User.objects.none(), to_field_name="code", required=False,
                                             widget=forms.CheckboxSelectMultiple,
                                             help_text="They may log time here even when the project is not open to everyone.")
    estimated_hours = forms.DecimalField(required=False, min_value=Decimal(0), max_digits=10, decimal_places=2)
    estimated_cost = money_field()
    fixed_cost = money_field()

    class Meta:
        model = Project
        fields = ["name", "code", "client", "department", "billing_type", "status", "description", "project_manager",
                  "team_lead", "members", "is_public", "is_template", "estimated_hours", "estimated_cost", "fixed_cost",
                  "start_date", "deadline"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3}), "start_date": DATE, "deadline": DATE}
        field_classes = {"start_date": DateField, "deadline": DateField}
        help_texts = {"code": "Your own short code, e.g. ACME-042. Unique in the organisation.",
                      "is_template": "A model for new projects: copy it with its tasks, milestones and members."}
        labels = {"is_template": "Template"}

    def __init__(self, *args, org, with_status=False, creator=None, **kwargs):
        """`creator`: the manager (not administrator) creating the project, who must stay in charge of it."""
        super().__init__(*args, **kwargs)
        self.org, self.creator = org, creator
        clients = Client.objects.filter(org=org)
        if self.instance.client_id:
            clients = clients.filter(Q(is_archived=False) | Q(pk=self.instance.client_id))
        else:
            clients = clients.filter(is_archived=False)
        self.fields["client"].queryset = clients
        self.fields["department"].queryset = ClientDepartment.objects.filter(client__org=org).select_related("client")
        self.fields["department"].label_from_instance = lambda d: f"{d.client.name} — {d.name}"
        people = colleagues(org)
        for name in ("project_manager", "team_lead", "members"):
            self.fields[name].queryset = people
        if not with_status:
            del self.fields["status"]
        if not self.instance.pk:
            # A new project's first tasks come with it, rather than one page load each afterwards.
            fields = list(self.fields.items())
            at = [name for name, _ in fields].index("members") + 1
            self.fields = dict(fields[:at] + [("tasks", forms.CharField(
                label="First tasks", required=False, max_length=MAX_FIRST_TASKS * 201,
                widget=forms.Textarea(attrs={"rows": 4, "placeholder": "Design\nBuild\nTest"}),
                help_text="One task per line. Add more, with details, from the project's page."))] + fields[at:])
        self.definitions = list(CustomField.objects.filter(org=org, target=CustomFieldTarget.PROJECT))
        add_custom_fields(self, self.definitions, self.instance.custom_fields or {})

    def clean_tasks(self):
        names, seen = [], set()
        for line in self.cleaned_data.get("tasks", "").splitlines():
            name = one_line(line)
            if not name or name.casefold() in seen:
                continue
            if len(name) > TASK_NAME_LENGTH:
                raise ValidationError(f"A task's name has at most {TASK_NAME_LENGTH} characters: {name[:40]}… is longer.")
            seen.add(name.casefold())
            names.append(name)
        if len(names) > MAX_FIRST_TASKS:
            raise ValidationError(f"Give at most {MAX_FIRST_TASKS} tasks here; add the others from the project's page.")
        return names


    def clean(self):
        data = super().clean()
        client, department = data.get("client"), data.get("department")
        if department is not None and (client is None or department.client_id != client.pk):
            self.add_error("department", f"{department.name} is not a department of "
                                         f"{client.name if client else 'the chosen client'}.")
        start, deadline = data.get("start_date"), data.get("deadline")
        if start and deadline and deadline < start:
            self.add_error("deadline", "The deadline cannot be before the start date.")
        self.custom_values = clean_custom_fields(self, self.definitions)
        if self.creator is not None and not self.instance.pk:
            self.keep_creator_in_charge(data)
        return data

    def keep_creator_in_charge(self, data):
        # A manager manages only the projects they manage or lead, so they must stay one of the two.
        user = self.creator
        if user in (data.get("project_manager"), data.get("team_lead")):
            return
        if not data.get("project_manager") and "project_manager" not in self.errors:
            data["project_manager"] = user
        elif not data.get("team_lead") and "team_lead" not in self.errors:
            data["team_lead"] = user
        else:
            self.add_error("team_lead", "Make yourself the project manager or the team lead: otherwise you could "
                                        "not manage the project you create.")

    def save(self, commit=True):
        project = super().save(commit=False)
        project.org = self.org
        project.custom_fields = self.custom_values
        if commit:
            project.save()
            set_project_members(project, self.cleaned_data.get("members", []))
            Task.objects.bulk_create([Task(org=self.org, project=project, name=name)
                                      for name in self.cleaned_data.get("tasks") or []])
        return project


def set_project_members(project, users):
    wanted = {u.pk for u in users}
    ProjectMember.objects.filter(project=project).exclude(user_id__in=wanted).delete()
    have = set(ProjectMember.objects.filter(project=project).values_list("user_id", flat=True))
    ProjectMember.objects.bulk_create([ProjectMember(project=project, user_id=pk) for pk in wanted - have])


class ProjectStatusForm(forms.Form):
    status = forms.ChoiceField(choices=ProjectStatus.choices)


class ProjectMemberForm(forms.Form):
    person = forms.ModelChoiceField(User.objects.none(), to_field_name="code", empty_label="Choose…")

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = colleagues(project.org_id).exclude(project_memberships__project=project)


class CopyProjectForm(ProjectNameAndCode, forms.Form):
    name = forms.CharField(max_length=200)
    code = forms.CharField(max_length=40, required=False)
    start_date = DateField(required=False, widget=DATE,
                                 help_text="Task due dates and milestones move by as much as the start date does.")

    def __init__(self, *args, org, **kwargs):
        super().__init__(*args, **kwargs)
        self.org = org



class MilestoneForm(forms.ModelForm):
    class Meta:
        model = Milestone
        fields = ["name", "due_date", "is_done"]
        widgets = {"due_date": DATE}
        field_classes = {"due_date": DateField}
        labels = {"is_done": "Done"}


# Tasks


class TaskForm(forms.ModelForm):
    parent = forms.ModelChoiceField(Task.objects.none(), to_field_name="uid", required=False,
                                    empty_label="None (a top-level task)", label="Parent task")
    milestone = forms.ModelChoiceField(Milestone.objects.none(), to_field_name="uid", required=False,
                                       empty_label="No milestone")
    assignees = forms.ModelMultipleChoiceField(User.objects.none(), to_field_name="code", required=False,
                                               widget=forms.CheckboxSelectMultiple)
    estimated_hours = forms.DecimalField(required=False, min_value=Decimal(0), max_digits=10, decimal_places=2)

    class Meta:
        model = Task
        fields = ["name", "description", "parent", "milestone", "assignees", "status", "priority", "estimated_hours",
                  "due_date"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4}), "due_date": DATE}
        field_classes = {"due_date": DateField}

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.project = project
        parents = Task.objects.filter(project=project).exclude(status=TaskStatus.ARCHIVED)
        if self.instance.pk:
            parents = Task.objects.filter(project=project).filter(
                ~Q(status=TaskStatus.ARCHIVED) | Q(pk=self.instance.parent_id)).exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = parents
        self.fields["milestone"].queryset = Milestone.objects.filter(project=project)
        self.fields["assignees"].queryset = colleagues(project.org_id)

    def clean_name(self):
        name = one_line(self.cleaned_data["name"])
        if not name:
            raise ValidationError("Give the task a name.")
        return name

    def clean_parent(self):
        parent = self.cleaned_data.get("parent")
        if parent is None or not self.instance.pk:
            return parent
        # Walk up from the chosen parent: meeting this task means a cycle.
        parents = dict(Task.objects.filter(project=self.project).values_list("pk", "parent_id"))
        seen, current = set(), parent.pk
        while current is not None and current not in seen:
            if current == self.instance.pk:
                raise ValidationError(f"{parent.name} is a subtask of this task, so it cannot be its parent.")
            seen.add(current)
            current = parents.get(current)
        return parent

    def save(self, commit=True):
        task = super().save(commit=False)
        task.org_id, task.project = self.project.org_id, self.project
        if commit:
            task.save()
            self.save_m2m()
        return task


class TaskMoveForm(forms.Form):
    status = forms.ChoiceField(choices=TaskStatus.choices)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


class CommentForm(forms.Form):
    body = forms.CharField(label="Comment", max_length=10000, widget=forms.Textarea(attrs={"rows": 3}))
    files = MultipleFileField(label="Attachments", required=False,
                              help_text=f"Up to {MAX_ATTACHMENTS} files, 10 MB each.")

    def __init__(self, *args, with_files=True, **kwargs):
        super().__init__(*args, **kwargs)
        if not with_files:
            del self.fields["files"]

    def clean_body(self):
        body = self.cleaned_data["body"].strip()
        if not body:
            raise ValidationError("Write something.")
        return body

    def clean_files(self):
        files = self.cleaned_data.get("files") or []
        if len(files) > MAX_ATTACHMENTS:
            raise ValidationError(f"Attach at most {MAX_ATTACHMENTS} files to one comment.")
        for upload in files:
            if upload.size > MAX_ATTACHMENT_BYTES:
                raise ValidationError(f"{upload.name} is larger than 10 MB.")
        return files


# Organisation settings


class TrackingSettingsForm(forms.ModelForm):
    class Meta:
        model = Organization
        fields = ["entry_mode", "allow_overlap", "timer_midnight", "timesheet_period", "period_anchor", "managed_tags"]
        widgets = {"period_anchor": DATE}
        field_classes = {"period_anchor": DateField}
        labels = {"period_anchor": "First day of a two-week period"}
        help_texts = {"period_anchor": "Needed for two-week timesheets."}

    def clean(self):
        data = super().clean()
        if data.get("timesheet_period") == TimesheetPeriod.BIWEEKLY and not data.get("period_anchor"):
            self.add_error("period_anchor", "Choose the first day of a two-week period.")
        return data


class TagForm(forms.Form):
    name = forms.CharField(max_length=60)

    def __init__(self, *args, org, tag=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.org, self.tag = org, tag

    def clean_name(self):
        name = one_line(self.cleaned_data["name"])
        if not name:
            raise ValidationError("Give the tag a name.")
        others = Tag.objects.filter(org=self.org, name__iexact=name)
        if self.tag is not None:
            others = others.exclude(pk=self.tag.pk)
        if others.exists():
            raise ValidationError(f"There is already a tag “{name}”.")
        return name


class CustomFieldForm(forms.ModelForm):
    choices_text = forms.CharField(label="Choices", required=False, widget=forms.Textarea(attrs={"rows": 4}),
                                   help_text="For a choice field: one choice a line.")

    class Meta:
        model = CustomField
        fields = ["target", "key", "label", "field_type", "choices_text", "required", "position"]
        labels = {"target": "Shown on", "field_type": "Type"}

    def __init__(self, *args, org, **kwargs):
        super().__init__(*args, **kwargs)
        self.org = org
        if self.instance.pk:
            self.fields["choices_text"].initial = "\n".join(self.instance.choices)
            # Values are stored under the key; changing it would orphan them.
            self.fields["key"].disabled = True
            self.fields["key"].help_text = "The key cannot change once values are stored under it."

    def clean_label(self):
        label = one_line(self.cleaned_data["label"])
        if not label:
            raise ValidationError("Give the field a label.")
        return label

    def clean_choices_text(self):
        choices = []
        for line in self.cleaned_data.get("choices_text", "").splitlines():
            line = one_line(line)
            if len(line) > 100:
                raise ValidationError("A choice may have at most 100 characters.")
            if line and line not in choices:
                choices.append(line)
        if len(choices) > 100:
            raise ValidationError("A field may have at most 100 choices.")
        return choices

    def clean(self):
        data = super().clean()
        target, key = data.get("target"), data.get("key")
        if target:
            same_target = CustomField.objects.filter(org=self.org, target=target).exclude(pk=self.instance.pk)
            if key and same_target.filter(key=key).exists():
                self.add_error("key", f"Another field on {CustomFieldTarget(target).label.lower()} uses the key {key}.")
            if same_target.count() >= MAX_CUSTOM_FIELDS:
                self.add_error("target", f"{CustomFieldTarget(target).label} already have {MAX_CUSTOM_FIELDS} custom "
                                         "fields, the most there can be. Remove one first.")
        if data.get("field_type") == CustomFieldType.CHOICE and not data.get("choices_text"):
            self.add_error("choices_text", "List the choices, one a line.")
        return data

    def save(self, commit=True):
        field = super().save(commit=False)
        field.org = self.org
        field.choices = self.cleaned_data["choices_text"] if field.field_type == CustomFieldType.CHOICE else []
        if commit:
            field.save()
        return field


RATE_LEVELS = [
    ("organisation", "Whole organisation"),
    ("member", "A person"),
    ("project", "A project"),
    ("project_member", "A person on a project"),
    ("task", "A task"),
]
# Which of user, project and task each level names.
LEVEL_TARGETS = {
    "organisation": (), "member": ("user",), "project": ("project",), "project_member": ("project", "user"),
    "task": ("task",),
}


class RateForm(forms.ModelForm):
    level = forms.ChoiceField(choices=RATE_LEVELS, initial="organisation", help_text="What the rate applies to.")
    user = forms.ModelChoiceField(User.objects.none(), to_field_name="code", required=False, label="Person")
    project = forms.ModelChoiceField(Project.objects.none(), to_field_name="uid", required=False)
    task = forms.ModelChoiceField(Task.objects.none(), to_field_name="uid", required=False)
    amount = forms.DecimalField(min_value=Decimal(0), max_digits=12, decimal_places=2, label="Per hour")

    class Meta:
        model = Rate
        fields = ["kind", "level", "amount", "currency", "user", "project", "task", "valid_from", "valid_to"]
        widgets = {"valid_from": DATE, "valid_to": DATE}
        field_classes = {"valid_from": DateField, "valid_to": DateField}
        labels = {"valid_from": "From", "valid_to": "To"}
        help_texts = {"valid_from": "Empty: since always.", "valid_to": "Inclusive. Empty: until further notice."}

    def __init__(self, *args, org, **kwargs):
        super().__init__(*args, **kwargs)
        self.org = org
        self.fields["user"].queryset = colleagues(org)
        self.fields["project"].queryset = Project.objects.filter(org=org)
        tasks = Task.objects.filter(org=org).select_related("project").order_by("project__name", "name")
        self.fields["task"].queryset = tasks
        self.fields["task"].label_from_instance = lambda t: f"{t.project} · {t.name}"
        if self.instance.pk:
            self.initial["level"] = rate_level(self.instance)
        else:
            self.initial.setdefault("currency", org.currency)

    def clean(self):
        data = super().clean()
        level = data.get("level")
        if level is None:
            return data
        targets = LEVEL_TARGETS[level]
        labels = {"user": "a person", "project": "a project", "task": "a task"}
        for name in ("user", "project", "task"):
            if name in targets and not data.get(name) and name not in self.errors:
                self.add_error(name, f"Choose {labels[name]} for this rate.")
            elif name not in targets:
                data[name] = None
        if data.get("task") is not None:
            data["project"] = data["task"].project
        start, end = data.get("valid_from"), data.get("valid_to")
        if start and end and end < start:
            self.add_error("valid_to", "The end of the range cannot be before its start.")
        elif not self.errors and data.get("kind"):
            self.check_overlap(data)
        return data

    def check_overlap(self, data):
        start, end = data.get("valid_from"), data.get("valid_to")
        same = Rate.objects.filter(org=self.org, kind=data["kind"], user=data.get("user"), project=data.get("project"),
                                   task=data.get("task")).exclude(pk=self.instance.pk)
        # Two ranges meet unless one ends before the other starts; an empty end is open.
        if start:
            same = same.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=start))
        if end:
            same = same.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=end))
        other = same.first()
        if other is not None:
            since = other.valid_from.isoformat() if other.valid_from else "always"
            until = other.valid_to.isoformat() if other.valid_to else "further notice"
            raise ValidationError(
                f"This overlaps the {other.get_kind_display().lower()} of {other.amount} {other.currency} "
                f"in force from {since} until {until} for the same target. Change that rate's dates first."
            )

    def save(self, commit=True):
        rate = super().save(commit=False)
        rate.org = self.org
        for name in ("user", "project", "task"):
            setattr(rate, name, self.cleaned_data.get(name))
        if commit:
            rate.save()
        return rate


class RepriceForm(forms.Form):
    date_from = DateField(label="From", widget=DATE)
    date_to = DateField(label="To", widget=DATE)
    project = forms.ModelChoiceField(Project.objects.none(), to_field_name="uid", required=False,
                                     empty_label="All projects")
    person = forms.ModelChoiceField(User.objects.none(), to_field_name="code", required=False,
                                    empty_label="Everyone")

    def __init__(self, *args, org, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = Project.objects.filter(org=org)
        self.fields["person"].queryset = User.objects.filter(memberships__org=org).order_by("full_name", "email")

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end:
            if end < start:
                self.add_error("date_to", "The end of the range cannot be before its start.")
            elif end - start > dt.timedelta(days=3660):
                self.add_error("date_to", "Re-price at most ten years at a time.")
        return data


# The current values of a row as form data, so that a partial change (an API
# PATCH) is checked by the same form as a whole one.


def _ref(row, attr="uid"):
    return getattr(row, attr) if row is not None else ""


def client_form_data(client) -> dict:
    return {f: getattr(client, f) for f in ("name", "email", "phone", "address", "notes", "is_archived")}


def project_form_data(project) -> dict:
    members = [m.user.code for m in project.memberships.select_related("user")] if project.pk else []
    return {
        "name": project.name, "code": project.code, "client": _ref(project.client), "department": _ref(project.department),
        "billing_type": project.billing_type, "status": project.status, "description": project.description,
        "project_manager": _ref(project.project_manager, "code"), "team_lead": _ref(project.team_lead, "code"),
        "members": members, "is_public": project.is_public, "is_template": project.is_template,
        "estimated_hours": project.estimated_hours, "estimated_cost": project.estimated_cost,
        "fixed_cost": project.fixed_cost, "start_date": project.start_date, "deadline": project.deadline,
        **{f"cf_{k}": v for k, v in (project.custom_fields or {}).items()},
    }


def task_form_data(task) -> dict:
    return {
        "name": task.name, "description": task.description, "parent": _ref(task.parent),
        "milestone": _ref(task.milestone), "assignees": [a.code for a in task.assignees.all()] if task.pk else [],
        "status": task.status, "priority": task.priority, "estimated_hours": task.estimated_hours,
        "due_date": task.due_date,
    }
