from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.forms import PasswordChangeForm as DjangoPasswordChangeForm
from django.contrib.auth.forms import PasswordResetForm as DjangoPasswordResetForm
from django.core.exceptions import ValidationError

from timelive.lib.zones import time_zone_choices

from .models import User, normalize_email
from .pictures import process_picture, size_limit_text
from .throttle import current_password_error
from .validators import validate_mail_safe_name

PASSWORD_HELP = "At least 8 characters. Long phrases are welcome; no special characters needed."
EMAIL_TAKEN = "An account with this email already exists. Log in or reset your password."
EMAIL_TAKEN_BY_OTHER = "Another account already uses this email address."
PICTURE_TYPES = "image/jpeg,image/png,image/gif,image/webp"


def email_taken(email: str, exclude=None) -> bool:
    users = User.objects.filter(email=normalize_email(email))
    if exclude is not None:
        users = users.exclude(pk=exclude.pk)
    return users.exists()


def known_time_zone(name: str) -> str:
    """`name` when it is one of the time zones people can choose, else the server's (or UTC)."""
    known = {value for value, _ in time_zone_choices()}
    if name in known:
        return name
    return settings.TIME_ZONE if settings.TIME_ZONE in known else "UTC"


class NewPasswordMixin:
    """Checks `password` against the password rules, given a person to compare with."""

    def check_password_rules(self, password, email="", full_name=""):
        try:
            password_validation.validate_password(password, User(email=email, full_name=full_name))
        except ValidationError as exc:
            self.add_error("password", exc)


class SignUpForm(NewPasswordMixin, forms.Form):
    full_name = forms.CharField(
        label="Your name", max_length=150, widget=forms.TextInput(attrs={"autocomplete": "name", "autofocus": True}),
        validators=[validate_mail_safe_name],
    )
    email = forms.EmailField(label="Work email", max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    password = forms.CharField(
        label="Password",
        strip=False,
        max_length=1000,
        help_text=PASSWORD_HELP,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    org_name = forms.CharField(
        label="Organisation name", max_length=120, widget=forms.TextInput(attrs={"autocomplete": "organization"}),
        validators=[validate_mail_safe_name],
    )
    # Filled from the browser by static/timelive/time-zone.js; anything else means the server's default.
    time_zone = forms.CharField(required=False, widget=forms.HiddenInput(attrs={"data-detect-time-zone": ""}))

    def clean_email(self):
        email = normalize_email(self.cleaned_data["email"])
        if email_taken(email):
            raise ValidationError(EMAIL_TAKEN, code="taken")
        return email

    def clean_time_zone(self):
        return known_time_zone(self.cleaned_data.get("time_zone", ""))

    def clean(self):
        data = super().clean()
        if data.get("password"):
            self.check_password_rules(data["password"], data.get("email", ""), data.get("full_name", ""))
        return data


class LoginForm(forms.Form):
    email = forms.EmailField(
        label="Email", max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "username", "autofocus": True})
    )
    password = forms.CharField(
        label="Password", strip=False, max_length=1000, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )
    remember_email = forms.BooleanField(
        label="Remember my email on this device",
        required=False,
        help_text="Keeps only your email address in a cookie, to fill in this form next time.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound and self.initial.get("email"):
            # The email is filled in from the cookie: start typing the password.
            self.fields["email"].widget.attrs.pop("autofocus", None)
            self.fields["password"].widget.attrs["autofocus"] = True


class NewAccountForm(NewPasswordMixin, forms.Form):
    """Name and password for someone joining by invitation (the email is known)."""

    full_name = forms.CharField(
        label="Your name", max_length=150, widget=forms.TextInput(attrs={"autocomplete": "name", "autofocus": True}),
        validators=[validate_mail_safe_name],
    )
    password = forms.CharField(
        label="Password",
        strip=False,
        max_length=1000,
        help_text=PASSWORD_HELP,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, email="", **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self):
        data = super().clean()
        if data.get("password"):
            self.check_password_rules(data["password"], self.email, data.get("full_name", ""))
        return data


class ProfileForm(forms.ModelForm):
    def clean_full_name(self):
        validate_mail_safe_name(self.cleaned_data["full_name"])
        return self.cleaned_data["full_name"]

    picture_upload = forms.FileField(
        label="Picture", required=False, widget=forms.FileInput(attrs={"accept": PICTURE_TYPES})
    )
    remove_picture = forms.BooleanField(label="Remove my picture", required=False)
    time_zone = forms.ChoiceField(choices=time_zone_choices)

    class Meta:
        model = User
        fields = ["full_name", "time_zone", "job_title", "department", "phone", "mobile", "address", "about"]
        widgets = {
            "full_name": forms.TextInput(attrs={"autocomplete": "name"}),
            "job_title": forms.TextInput(attrs={"autocomplete": "organization-title"}),
            "phone": forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
            "mobile": forms.TextInput(attrs={"autocomplete": "mobile tel", "type": "tel"}),
            "address": forms.Textarea(attrs={"rows": 3, "autocomplete": "street-address"}),
            "about": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["picture_upload"].help_text = f"JPEG, PNG, GIF or WebP, up to {size_limit_text()}. It is shown as a square."

    def clean_picture_upload(self):
        upload = self.cleaned_data.get("picture_upload")
        if upload:
            return process_picture(upload)
        return None

    def save(self, commit=True):
        user = super().save(commit=False)
        new_picture = self.cleaned_data.get("picture_upload")
        if (new_picture or self.cleaned_data.get("remove_picture")) and user.picture:
            user.picture.delete(save=False)
        if new_picture:
            user.picture.save("picture.png", new_picture, save=False)
        if commit:
            user.save()
        return user


class ChangeEmailForm(forms.Form):
    email = forms.EmailField(label="New email", max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    current_password = forms.CharField(
        label="Current password", strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_email(self):
        email = normalize_email(self.cleaned_data["email"])
        if email == self.user.email:
            raise ValidationError("This is already your email address.")
        if email_taken(email, exclude=self.user):
            raise ValidationError(EMAIL_TAKEN_BY_OTHER, code="taken")
        return email

    def clean_current_password(self):
        password = self.cleaned_data["current_password"]
        error = current_password_error(self.user, password)
        if error:
            raise ValidationError("Your current password is not correct." if error.startswith("That is") else error)
        return password


class PasswordResetForm(DjangoPasswordResetForm):
    """Django's reset form, with the mail going through the outbox."""

    def send_mail(self, subject_template_name, email_template_name, context, from_email, to_email, html_email_template_name=None):
        from timelive.notifications.mail import queue_mail

        queue_mail(to_email, "Reset your TimeLive password", "password_reset", context)


class PasswordChangeForm(DjangoPasswordChangeForm):
    # A token minted by whoever knew the old password would outlive the change.
    revoke_tokens = forms.BooleanField(
        label="Also revoke my API tokens", required=False, initial=True,
        help_text="Scripts using them stop working until you create new tokens.",
    )
