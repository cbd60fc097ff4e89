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


class WebhookForm(forms.Form):
    """A webhook's title, address and events (the settings page)."""

    title = forms.CharField(max_length=120, help_text="What receives the events, e.g. “Payroll sync”.")
    url = forms.CharField(label="Address", max_length=500,
                          help_text="An http:// or https:// address; each event is POSTed there as signed JSON.")
    events = forms.MultipleChoiceField(widget=forms.CheckboxSelectMultiple, choices=())

    def __init__(self, *args, **kwargs):
        from .models import WebhookEvent

        super().__init__(*args, **kwargs)
        self.fields["events"].choices = [(e.value, f"{e.value} ({e.label.lower()})") for e in WebhookEvent
                                         if e != WebhookEvent.PING]

    def clean_url(self):
        from .webhooks import RefusedTarget, check_url

        url = self.cleaned_data["url"].strip()
        try:
            check_url(url)
        except RefusedTarget as exc:
            raise forms.ValidationError(str(exc)) from None
        return url
