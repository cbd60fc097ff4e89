from django import forms

from .models import Purpose


class ConsentForm(forms.Form):
    purpose = forms.ChoiceField(choices=Purpose.choices)
    granted = forms.TypedChoiceField(choices=[("1", "grant"), ("0", "withdraw")], coerce=lambda v: v == "1")
