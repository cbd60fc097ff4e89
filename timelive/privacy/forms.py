from django import forms

from timelive.accounts.throttle import current_password_error

from .models import Purpose


class ConsentForm(forms.Form):
    purpose = forms.ChoiceField(choices=Purpose.choices)
    granted = forms.TypedChoiceField(choices=[("1", "grant"), ("0", "withdraw")], coerce=lambda v: v == "1")


class DeleteAccountForm(forms.Form):
    """Asking to delete one's own account: the password again, and a clear yes."""

    password = forms.CharField(
        label="Your password", strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )
    understood = forms.BooleanField(
        label="I understand that my name, email, contact details, picture and profile will be removed for good.",
        error_messages={"required": "Tick the box to confirm that you understand what deletion removes."},
    )

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        password = self.cleaned_data["password"]
        error = current_password_error(self.user, password)
        if error:
            raise forms.ValidationError(error)
        return password
