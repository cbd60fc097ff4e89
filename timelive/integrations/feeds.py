"""A person's time entries as an iCalendar feed (RFC 5545), at a secret address.

Entries with a start and end are timed events; duration-only entries start at 09:00 in the
person's time zone and last their duration. The last 90 days and the next 30; only the
person's own entries, so no one else's data is in it.
"""

import datetime as dt

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event

from timelive.tracking.entries import user_zone
from timelive.tracking.models import TimeEntry

PAST_DAYS, FUTURE_DAYS = 90, 30
DURATION_ONLY_START = dt.time(9, 0)


def feed_entries(user, today):
    return (TimeEntry.objects.filter(user=user, date__gte=today - dt.timedelta(days=PAST_DAYS),
                                     date__lte=today + dt.timedelta(days=FUTURE_DAYS))
            .select_related("project", "task", "org").order_by("date", "start", "id"))


def calendar_for(user) -> bytes:
    zone = user_zone(user)
    now = timezone.now()
    calendar = Calendar()
    calendar.add("prodid", "-//TimeLive//Time entries//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", "TimeLive")
    host = settings.SITE_URL.split("//", 1)[-1].split("/", 1)[0] or "timelive"
    for entry in feed_entries(user, now.astimezone(zone).date()):
        event = Event()
        event.add("uid", f"{entry.uid}@{host}")
        event.add("dtstamp", now.astimezone(dt.UTC))
        if entry.start and entry.end:
            start, end = entry.start.astimezone(dt.UTC), entry.end.astimezone(dt.UTC)
        else:
            start = dt.datetime.combine(entry.date, DURATION_ONLY_START, zone).astimezone(dt.UTC)
            end = start + dt.timedelta(seconds=entry.duration)
        event.add("dtstart", start)
        event.add("dtend", max(end, start))
        title = entry.project.name + (f" – {entry.task.name}" if entry.task_id else "")
        event.add("summary", title)
        if entry.description:
            event.add("description", entry.description)
        event.add("categories", [entry.org.name])
        event.add("last-modified", entry.updated_at.astimezone(dt.UTC))
        calendar.add_component(event)
    return calendar.to_ical()
