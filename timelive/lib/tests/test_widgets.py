import datetime as dt
import importlib
import pkgutil

from django import forms
from django.test import SimpleTestCase

import timelive

DAY = dt.date(2026, 12, 4)


def all_form_classes():
    """Every form class in the project (each app's forms modules imported first)."""
    for module in pkgutil.walk_packages(timelive.__path__, "timelive."):
        if module.name.rsplit(".", 1)[-1] in {"forms", "catalog_forms"} or ".forms." in module.name:
            importlib.import_module(module.name)
    seen, todo = set(), [forms.BaseForm]
    while todo:
        cls = todo.pop()
        for sub in cls.__subclasses__():
            if sub not in seen:
                seen.add(sub)
                todo.append(sub)
    return [c for c in seen if c.__module__.startswith("timelive.")]


class DateWidgetTestCase(SimpleTestCase):
    def test_every_date_field_renders_an_iso_value_into_a_date_picker(self):
        checked = []
        for form_class in all_form_classes():
            for name, field in getattr(form_class, "base_fields", {}).items():
                if not isinstance(field, forms.DateField):
                    continue
                html = field.widget.render(name, DAY)
                where = f"{form_class.__module__}.{form_class.__name__}.{name}"
                self.assertIn('type="date"', html, where)
                self.assertIn('value="2026-12-04"', html, where)
                checked.append(where)
        # The day view's and the entry edit's date are among them.
        self.assertIn("timelive.tracking.forms.EntryForm.date", checked)
        self.assertGreater(len(checked), 8)


def test_date_fields_keep_to_the_range_and_tell_the_browser():
    import datetime as dt

    from django import forms as django_forms

    from timelive.lib.widgets import DateField

    class F(django_forms.Form):
        day = DateField()

    for text, day in (("1990-01-01", dt.date(1990, 1, 1)), ("2200-12-31", dt.date(2200, 12, 31))):
        form = F({"day": text})
        assert form.is_valid() and form.cleaned_data["day"] == day
    form = F({"day": "9999-12-31"})
    assert not form.is_valid()
    assert form.errors["day"] == ["Choose a date between 1 Jan 1990 and 31 Dec 2200."]
    assert 'min="1990-01-01"' in str(form["day"]) and 'max="2200-12-31"' in str(form["day"])
