"""Logging a week by keyboard in the grid, and the timer across a reload."""

import datetime as dt
import re
import zoneinfo

import pytest
from playwright.sync_api import expect

from timelive.test import PASSWORD, make_org, make_user
from timelive.tracking.models import TimeEntry, Timer
from timelive.tracking.periods import week_start
from timelive.tracking.tests.helpers import make_project, make_task

pytestmark = pytest.mark.browser


def log_in(page, email):
    page.goto("/account/login/")
    page.get_by_role("textbox", name="Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def test_a_week_is_logged_by_keyboard(page):
    dora = make_user("dora@example.org", "Dora Example")
    org = make_org("alpha", "Alpha Ltd", dora)
    project = make_project(org, "Website")
    make_task(project, "Design")
    monday = week_start(dt.date.today(), org.week_start)
    log_in(page, "dora@example.org")
    page.goto(f"/o/alpha/timesheet/{monday}/")
    expect(page.get_by_text("No time this week yet")).to_be_visible()

    # Add a row with the keyboard: choose in the select, Tab to the button, Enter.
    page.get_by_label("Add a row").select_option(label="Website · Design")
    page.get_by_label("Add a row").press("Tab")
    expect(page.get_by_role("button", name="Add row")).to_be_focused()
    page.keyboard.press("Enter")
    first = page.get_by_role("textbox", name=re.compile(r"^Website · Design, Monday"))
    expect(first).to_be_visible()

    # Type a day, Tab to the next: each cell is saved as it is left.
    first.click()
    for value in ["8", "7:30", "450m", "8h", "6.5h"]:
        page.keyboard.type(value)
        page.keyboard.press("Tab")
    expect(page.locator("#grid-totals .total")).to_have_text("37:30")
    expect(page.get_by_role("textbox", name=re.compile(r"Tuesday"))).to_have_value("7:30")
    assert sorted(TimeEntry.objects.filter(user=dora).values_list("duration", flat=True)) == [
        23400, 27000, 27000, 28800, 28800,
    ]

    # An invalid cell says why, keeps what was typed, and nothing is saved.
    saturday = page.get_by_role("textbox", name=re.compile(r"Saturday"))
    saturday.fill("2:75")
    saturday.press("Tab")
    expect(page.get_by_role("alert")).to_contain_text("up to 59")
    saturday = page.get_by_role("textbox", name=re.compile(r"Saturday"))
    expect(saturday).to_have_value("2:75")
    expect(saturday).to_have_attribute("aria-invalid", "true")
    assert TimeEntry.objects.filter(user=dora).count() == 5

    # Fixing it saves it.
    saturday.fill("2:15")
    saturday.press("Tab")
    expect(page.locator("#grid-totals .total")).to_have_text("39:45")
    expect(page.get_by_role("alert")).to_have_count(0)

    # A reload shows what was saved.
    page.reload()
    expect(page.get_by_role("textbox", name=re.compile(r"Saturday"))).to_have_value("2:15")
    expect(page.locator("#grid-totals .total")).to_have_text("39:45")


def zone_away_from_midnight():
    """A time zone where the last half hour did not cross midnight, so a timer started then stops into
    one entry whenever the test runs (the organisation splits timers at midnight)."""
    now = dt.datetime.now(dt.UTC)
    for name in ("UTC", "Asia/Tokyo", "America/New_York"):
        local = now.astimezone(zoneinfo.ZoneInfo(name))
        if local.hour >= 1:
            return name
    raise AssertionError("unreachable: the zones are more than an hour apart")


def test_the_timer_survives_a_reload_and_stops_into_an_entry(page):
    dora = make_user("dora@example.org", "Dora Example", time_zone=zone_away_from_midnight())
    org = make_org("alpha", "Alpha Ltd", dora)
    make_project(org, "Website")
    log_in(page, "dora@example.org")
    page.goto("/o/alpha/timer/")
    page.get_by_label("Project").select_option(label="Website (no task)")
    page.get_by_label("Description").fill("Support call")
    page.get_by_role("button", name="Start").click()
    expect(page.locator(".topbar-timer")).to_contain_text("Website")
    assert Timer.objects.filter(user=dora).exists()

    # Started a while ago, as far as the server knows; the page survives a reload.
    Timer.objects.filter(user=dora).update(started_at=Timer.objects.get(user=dora).started_at - dt.timedelta(minutes=30))
    page.reload()
    expect(page.locator(".topbar-timer [data-timer-started]")).to_have_text(re.compile(r"^0:3\d:\d\d$"))
    page.goto("/o/alpha/")
    expect(page.locator(".topbar-timer")).to_contain_text("Website")

    page.locator(".topbar-timer").get_by_role("button", name="Stop").click()
    expect(page.get_by_text(re.compile(r"Logged 0:3\d on Website"))).to_be_visible()
    expect(page.locator(".topbar-timer .dot")).to_have_count(0)
    entry = TimeEntry.objects.get(user=dora)
    assert 30 * 60 <= entry.duration < 32 * 60
    assert entry.description == "Support call"
