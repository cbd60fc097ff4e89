"""The day view: adding an entry and editing it, in a real browser."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from timelive.test import make_org, make_user
from timelive.tracking.models import TimeEntry
from timelive.tracking.tests.helpers import make_project, make_task

from .test_week_grid import log_in

pytestmark = pytest.mark.browser


def test_an_entry_is_added_and_edited_in_the_day_view(page):
    dora = make_user("dora@example.org", "Dora Example")
    org = make_org("alpha", "Alpha Ltd", dora)
    make_task(make_project(org, "Website"), "Design")
    day = dt.date.today() - dt.timedelta(days=1)
    log_in(page, "dora@example.org")
    page.goto(f"/o/alpha/day/{day}/")

    # The date input shows the day (an ISO value; anything else renders empty).
    expect(page.get_by_label("Date")).to_have_value(day.isoformat())
    page.get_by_label("Project and task").select_option(label="Website · Design")
    page.get_by_label("Time").fill("1:30")
    page.get_by_role("button", name="Add entry").click()
    expect(page.get_by_text("Logged 1:30 on Website")).to_be_visible()
    entry = TimeEntry.objects.get(user=dora)
    assert (entry.date, entry.duration) == (day, 5400)

    page.get_by_role("link", name="Edit").click()
    expect(page.get_by_label("Date")).to_have_value(day.isoformat())
    page.get_by_label("Time").fill("2:00")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Entry saved.")).to_be_visible()
    entry.refresh_from_db()
    assert (entry.date, entry.duration) == (day, 7200)
