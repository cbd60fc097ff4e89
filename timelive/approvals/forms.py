"""Forms for submitting, deciding, and the administrators' approval settings.

Rows are chosen by their public ids (a path's `uid`, a project's `uid`, a
membership's `code`), never by database ids.
"""

from django import forms
from django.core.exceptions import ValidationError

from timelive.lib.widgets import DateField, DateInput
from timelive.orgs.models import Membership, Role
from timelive.tracking.models import Project

from .actions import MAX_COMMENT, OVERRIDES
from .models import MAX_TIERS, ApprovalPath, ApprovalSettings

DATE = DateInput()


def comment_field(required=False, label="Comment", help_text=""):
    return forms.CharField(label=label, required=required, max_length=MAX_COMMENT, help_text=help_text,
                           widget=forms.Textarea(attrs={"rows": 2}))


def member_label(membership) -> str:
    user = membership.user
    name = user.full_name or user.email
    return f"{name} (external)" if membership.role == Role.EXTERNAL else name


def active_members(org, *, externals=True):
    members = Membership.objects.filter(org=org, is_active=True).select_related("user").order_by(
        "user__full_name", "user__email")
    return members if externals else members.exclude(role=Role.EXTERNAL)


class SubmitForm(forms.Form):
    start = DateField(label="First day", widget=DATE)
    end = DateField(label="Last day", widget=DATE,
                          help_text="Submit the whole period, or some of its days (a day is in one timesheet at a time).")
    comment = comment_field(help_text="Optional, for your approvers.")

    def __init__(self, *args, period, **kwargs):
        super().__init__(*args, **kwargs)
        self.period = period

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        first, last = self.period
        if start and end:
            if end < start:
                self.add_error("end", "The last day must not be before the first.")
            elif start < first or end > last:
                raise ValidationError(f"Choose days within this period, {first:%-d %b} – {last:%-d %b %Y}.")
        return data


class DecisionForm(forms.Form):
    """Approve or reject one tier. `tier` is the step the approver saw, so a stale page cannot decide the next one."""

    tier = forms.IntegerField(min_value=1, max_value=MAX_TIERS, widget=forms.HiddenInput)
    comment = comment_field()

    def __init__(self, *args, rejecting=False, **kwargs):
        super().__init__(*args, **kwargs)
        if rejecting:
            self.fields["comment"].required = True
            self.fields["comment"].error_messages["required"] = "Say why you reject it: the comment goes back to the person."


class OverrideForm(forms.Form):
    action = forms.ChoiceField(choices=list(OVERRIDES.items()), widget=forms.RadioSelect, label="What to do")
    comment = comment_field(required=True, label="Why",
                            help_text="Kept in the timesheet's history with your name.")


class ApprovalSettingsForm(forms.ModelForm):
    default_path = forms.ModelChoiceField(ApprovalPath.objects.none(), to_field_name="uid", empty_label=None,
                                          help_text="Followed unless a project or member has a path of their own.")

    class Meta:
        model = ApprovalSettings
        fields = ["default_path", "lock_submitted", "lock_approved", "locked_before"]
        widgets = {"locked_before": DATE}
        field_classes = {"locked_before": DateField}

    def __init__(self, *args, org, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["default_path"].queryset = ApprovalPath.objects.filter(org=org)


class PathForm(forms.Form):
    """A custom path: a title and up to five tiers, each with relations and/or people."""

    title = forms.CharField(max_length=120)

    def __init__(self, *args, org, path=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.org, self.path = org, path
        members = active_members(org)
        for n in range(1, MAX_TIERS + 1):
            self.fields[f"tier{n}_project_manager"] = forms.BooleanField(required=False, label="The project's manager")
            self.fields[f"tier{n}_team_lead"] = forms.BooleanField(required=False, label="The project's team lead")
            self.fields[f"tier{n}_employee_manager"] = forms.BooleanField(required=False, label="The employee's manager")
            people = forms.ModelMultipleChoiceField(members, to_field_name="code", required=False, label="People",
                                                    widget=forms.SelectMultiple(attrs={"size": 4}))
            people.label_from_instance = member_label
            self.fields[f"tier{n}_people"] = people
        if path is not None and not self.is_bound:
            self.initial["title"] = path.title
            for tier in path.tiers.prefetch_related("people"):
                n = tier.position
                self.initial[f"tier{n}_project_manager"] = tier.project_manager
                self.initial[f"tier{n}_team_lead"] = tier.team_lead
                self.initial[f"tier{n}_employee_manager"] = tier.employee_manager
                self.initial[f"tier{n}_people"] = [m.code for m in tier.people.all()]

    def tier_fields(self):
        """[(position, [bound fields])] for the template."""
        names = ("project_manager", "team_lead", "employee_manager", "people")
        return [(n, [self[f"tier{n}_{name}"] for name in names]) for n in range(1, MAX_TIERS + 1)]

    def clean_title(self):
        title = " ".join(self.cleaned_data["title"].split())
        others = ApprovalPath.objects.filter(org=self.org, title__iexact=title)
        if self.path is not None:
            others = others.exclude(pk=self.path.pk)
        if others.exists():
            raise ValidationError(f"There is already a path called {title}.")
        return title

    def clean(self):
        data = super().clean()
        tiers = []
        gap = None
        for n in range(1, MAX_TIERS + 1):
            spec = {name: bool(data.get(f"tier{n}_{name}")) for name in ("project_manager", "team_lead", "employee_manager")}
            people = list(data.get(f"tier{n}_people") or [])
            if any(spec.values()) or people:
                if gap is not None:
                    self.add_error(None, f"Tier {gap} is empty but tier {n} is not: fill the tiers in order.")
                    break
                tiers.append((spec, people))
            elif gap is None:
                gap = n
        if not tiers and not self.errors:
            raise ValidationError("Give the path at least one tier: a relation or a person who approves. "
                                  "(For no approval, use “Approval not required”.)")
        self.tiers = tiers
        return data


class ProjectAssignmentForm(forms.Form):
    project = forms.ModelChoiceField(Project.objects.none(), to_field_name="uid", empty_label="Choose a project…")
    path = forms.ModelChoiceField(ApprovalPath.objects.none(), to_field_name="uid", required=False,
                                  empty_label="The organisation's default")

    def __init__(self, *args, org, **kwargs):
        # Two forms share the assignments page: their ids must not clash.
        kwargs.setdefault("auto_id", "project_%s")
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = Project.objects.filter(org=org, is_template=False)
        self.fields["path"].queryset = ApprovalPath.objects.filter(org=org)


class MemberAssignmentForm(forms.Form):
    member = forms.ModelChoiceField(Membership.objects.none(), to_field_name="code", empty_label="Choose a member…")
    path = forms.ModelChoiceField(ApprovalPath.objects.none(), to_field_name="uid", required=False,
                                  empty_label="From the projects and the default",
                                  help_text="A member's own path overrides the projects' paths and the default.")
    manager = forms.ModelChoiceField(Membership.objects.none(), to_field_name="code", required=False,
                                     empty_label="Nobody", label="Their manager",
                                     help_text="Who approves a tier that names “the employee's manager”.")

    def __init__(self, *args, org, **kwargs):
        kwargs.setdefault("auto_id", "member_%s")
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = active_members(org, externals=False)
        self.fields["member"].label_from_instance = member_label
        self.fields["manager"].queryset = active_members(org)
        self.fields["manager"].label_from_instance = member_label
        self.fields["path"].queryset = ApprovalPath.objects.filter(org=org)

    def clean(self):
        data = super().clean()
        member, manager = data.get("member"), data.get("manager")
        if member is not None and manager is not None and member.pk == manager.pk:
            self.add_error("manager", "Nobody approves their own time: choose someone else, or nobody.")
        return data
