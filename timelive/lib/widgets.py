"""Form widgets and fields shared by every app."""

from django import forms
from django.core.exceptions import ValidationError

from .dates import FIRST_DAY, LAST_DAY, day_problem


class DateInput(forms.DateInput):
    """A browser date picker. `<input type="date">` accepts only an ISO value
    (2026-12-04): the locale's input format (04/12/2026) would render it empty,
    and the form would then lose the date."""

    input_type = "date"

    def __init__(self, attrs=None, format="%Y-%m-%d"):  # noqa: A002 - Django's own argument name
        super().__init__(attrs, format=format)


def validate_day(value):
    """Every date a person types stays within TimeLive's range (timelive.lib.dates)."""
    problem = day_problem(value)
    if problem:
        raise ValidationError(problem, code="date_range")


class DateField(forms.DateField):
    """A date field with the browser date picker, kept to TimeLive's date range."""

    default_validators = [validate_day]

    def __init__(self, *, widget=None, **kwargs):
        widget = widget or DateInput()
        widget.attrs.setdefault("min", FIRST_DAY.isoformat())
        widget.attrs.setdefault("max", LAST_DAY.isoformat())
        super().__init__(widget=widget, **kwargs)
