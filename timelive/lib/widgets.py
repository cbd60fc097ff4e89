"""Form widgets shared by every app."""

from django import forms


class DateInput(forms.DateInput):
    """A browser date picker. `<input type="date">` accepts only an ISO value
    (2026-12-04): the locale's input format (04/12/2026) would render it empty,
    and the form would then lose the date."""

    input_type = "date"

    def __init__(self, attrs=None, format="%Y-%m-%d"):  # noqa: A002 - Django's own argument name
        super().__init__(attrs, format=format)
