from django import forms
from django.core.validators import URLValidator

from .models import InstalledIntegration


class InstalledIntegrationForm(forms.ModelForm):
    """An integration an administrator connected, described for the organisation's members."""

    website = forms.URLField(
        required=False, max_length=200, assume_scheme="https",
        validators=[URLValidator(schemes=["http", "https"])],
        help_text="Its privacy or product page, e.g. https://example.com/privacy.",
    )

    class Meta:
        model = InstalledIntegration
        fields = ["name", "purpose", "data_categories", "location", "website"]
        labels = {"name": "Service", "data_categories": "Data it receives"}
        help_texts = {
            "name": "The service or app, e.g. “Payroll Cloud”.",
            "purpose": "What the organisation uses it for, e.g. “Pays people from approved hours”.",
            "data_categories": "Which TimeLive data it gets, e.g. “Names, email addresses, approved hours”.",
            "location": "Where it keeps or processes the data, e.g. “European Union” (optional).",
        }

    def __init__(self, *args, org, **kwargs):
        super().__init__(*args, **kwargs)
        self.org = org

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        listed = InstalledIntegration.objects.filter(org=self.org, removed_at=None, name__iexact=name)
        if listed.exists():
            raise forms.ValidationError(f"{name} is already listed. Remove it first to record it again.")
        return name
