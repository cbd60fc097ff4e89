"""Forms for requests to the administrators or the operator."""

from django import forms

from .models import ObjectionTo, RequestKind

TEXT_LIMIT = 4000


class DataRequestForm(forms.Form):
    kind = forms.ChoiceField(label="What are you asking for?", choices=RequestKind.choices, widget=forms.RadioSelect)
    objection_to = forms.ChoiceField(
        label="You object to", choices=ObjectionTo.choices, required=False, widget=forms.RadioSelect,
        help_text="Only for an objection: marketing (all marketing consent is withdrawn), or research and "
                  "development (you are left out of usage statistics).",
    )
    reason = forms.CharField(
        label="Why, in your words", max_length=TEXT_LIMIT, widget=forms.Textarea(attrs={"rows": 4}),
        help_text="For a correction, say what is wrong and what it should say.",
    )

    def clean(self):
        data = super().clean()
        if data.get("kind") == RequestKind.OBJECTION:
            if not data.get("objection_to"):
                self.add_error("objection_to", "Choose what you object to.")
        else:
            data["objection_to"] = ""
        return data


class RequestTextForm(forms.Form):
    """The text of one step: a reply, the reply that closes a request, a reason to decline, a note."""

    text = forms.CharField(max_length=TEXT_LIMIT, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, label="Your reply to the person", required=True, help_text="", **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["text"]
        field.label, field.required, field.help_text = label, required, help_text
