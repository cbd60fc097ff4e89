from django import template

from timelive.lib.durations import format_duration

register = template.Library()


@register.filter
def hmm(seconds):
    """Seconds as h:mm (tabular figures come from the CSS)."""
    return format_duration(seconds or 0)
