from django import forms
from django.core.exceptions import ValidationError

from timelive.accounts.forms import PASSWORD_HELP, NewPasswordMixin, email_taken
from timelive.accounts.models import User, normalize_email
from timelive.accounts.validators import validate_mail_safe_name
from timelive.lib.widgets import DateField
from timelive.lib.zones import CURRENCIES, time_zone_choices

from .history import EVENT_GROUPS, TARGET_TYPES
from .models import AuditEvent, Organization, Role

# Roles an administrator may hand out; owner is offered only to owners.
INVITABLE_ROLES = [(r.value, r.label) for r in Role]


class OrganizationForm(forms.ModelForm):
    time_zone = forms.ChoiceField(choices=time_zone_choices)
    currency = forms.ChoiceField(choices=CURRENCIES)

    class Meta:
        model = Organization
        fields = ["name", "time_zone", "currency", "week_start"]

    def clean_name(self):
        validate_mail_safe_name(self.cleaned_data["name"])
        return self.cleaned_data["name"]


class NewOrganizationForm(forms.Form):
    name = forms.CharField(label="Organisation name", max_length=120, widget=forms.TextInput(attrs={"autofocus": True}),
                           validators=[validate_mail_safe_name])
    time_zone = forms.ChoiceField(choices=time_zone_choices, initial="UTC")
    currency = forms.ChoiceField(choices=CURRENCIES, initial="USD")


class SetupForm(NewPasswordMixin, NewOrganizationForm):
    """First run of an On-Premises install: the organisation and its owner."""

    full_name = forms.CharField(label="Your name", max_length=150, validators=[validate_mail_safe_name])
    email = forms.EmailField(label="Your email", max_length=254)
    password = forms.CharField(label="Password", strip=False, max_length=1000, help_text=PASSWORD_HELP,
                               widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    def clean_email(self):
        email = normalize_email(self.cleaned_data["email"])
        if email_taken(email):
            raise ValidationError("An account with this email already exists.")
        return email

    def clean(self):
        data = super().clean()
        if data.get("password"):
            self.check_password_rules(data["password"], data.get("email", ""), data.get("full_name", ""))
        return data


class InviteForm(forms.Form):
    email = forms.EmailField(label="Email", max_length=254)
    role = forms.ChoiceField(choices=INVITABLE_ROLES, initial=Role.MEMBER)

    def __init__(self, *args, can_invite_owner=False, **kwargs):
        super().__init__(*args, **kwargs)
        if not can_invite_owner:
            self.fields["role"].choices = [c for c in INVITABLE_ROLES if c[0] != Role.OWNER]
            self.fields["role"].error_messages["invalid_choice"] = (
                "Choose one of the roles offered. Only an owner can invite another owner."
            )

    def clean_email(self):
        return normalize_email(self.cleaned_data["email"])


class RoleForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices)


class AuditFilterForm(forms.Form):
    kind = forms.ChoiceField(label="Kind", required=False,
                             choices=[("", "All kinds")] + [(key, label) for key, (label, _) in EVENT_GROUPS.items()])
    event = forms.ChoiceField(choices=[("", "All events")] + AuditEvent.choices, required=False)
    # Whoever acted, removed members included; by their person id, as the API names people.
    actor = forms.ModelChoiceField(label="Person", queryset=User.objects.none(), to_field_name="code", required=False,
                                   empty_label="Anyone")
    target_type = forms.ChoiceField(label="Target", required=False,
                                    choices=[("", "Anything")] + list(TARGET_TYPES.items()))
    date_from = DateField(label="From", required=False)
    date_to = DateField(label="To", required=False)

    def __init__(self, *args, org=None, **kwargs):
        super().__init__(*args, **kwargs)
        if org is not None:
            self.fields["actor"].queryset = User.objects.filter(memberships__org=org).order_by("full_name", "id")
