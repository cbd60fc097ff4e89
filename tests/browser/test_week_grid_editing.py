"""The week grid under quick hands: two tabs on one week, corrections typed while
a save is under way, locked weeks, adding rows and moving through it by keyboard."""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from timelive.approvals.actions import do_submit_timesheet
from timelive.approvals.models import ApprovalSettings
from timelive.test import make_org, make_user
from timelive.tracking.models import TimeEntry
from timelive.tracking.periods import week_start
from timelive.tracking.tests.helpers import make_project, make_task

from .test_week_grid import log_in

pytestmark = pytest.mark.browser


def setup_week(*, entry_days=(1,)):
    """Dora in Alpha with Website · Design, one hour on the given days of this week."""
    dora = make_user("dora@example.org", "Dora Example")
    org = make_org("alpha", "Alpha Ltd", dora)
    project = make_project(org, "Website")
    task = make_task(project, "Design")
    monday = week_start(dt.date.today(), org.week_start)
    for offset in entry_days:
        TimeEntry.objects.create(org=org, user=dora, project=project, task=task,
                                 date=monday + dt.timedelta(days=offset), duration=3600)
    return dora, org, project, task, monday


def cell(page, day_name, row="Website · Design"):
    return page.get_by_role("textbox", name=re.compile(rf"^{re.escape(row)}, {day_name}"))


def test_a_lost_update_shows_the_stored_time_and_the_refused_one(page, context):
    dora, org, project, task, monday = setup_week()
    log_in(page, "dora@example.org")
    other = context.new_page()
    page.goto(f"/o/alpha/timesheet/{monday}/")
    other.goto(f"/o/alpha/timesheet/{monday}/")

    cell(page, "Monday").fill("2:00")
    cell(page, "Monday").press("Tab")
    expect(page.locator("#grid-totals .total")).to_have_text("3:00")

    # The other tab still shows an empty Monday; its 3:00 is refused.
    cell(other, "Monday").fill("3:00")
    cell(other, "Monday").press("Tab")
    expect(other.get_by_role("alert")).to_contain_text("you typed 3:00")
    expect(cell(other, "Monday")).to_have_value("2:00")
    expect(other.locator("#grid-totals .total")).to_have_text("3:00")
    assert TimeEntry.objects.get(date=monday).duration == 7200

    # Typing it again saves it.
    cell(other, "Monday").fill("3:00")
    cell(other, "Monday").press("Tab")
    expect(other.locator("#grid-totals .total")).to_have_text("4:00")
    expect(other.get_by_role("alert")).to_have_count(0)
    assert TimeEntry.objects.get(date=monday).duration == 10800


def test_a_quick_correction_is_kept_while_a_save_is_under_way(page):
    dora, org, project, task, monday = setup_week()
    log_in(page, "dora@example.org")
    page.goto(f"/o/alpha/timesheet/{monday}/")
    # The first save is held back until the correction is typed.
    held = []
    page.route("**/timesheet/cell/", lambda route: held.append(route) if not held else route.continue_())

    cell(page, "Monday").click()
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.type("8")
    page.keyboard.press("Tab")
    expect(cell(page, "Tuesday")).to_be_focused()
    page.keyboard.press("Shift+Tab")
    expect(cell(page, "Monday")).to_be_focused()
    page.keyboard.type("5")
    assert len(held) == 1
    held[0].continue_()
    expect(page.locator("#grid-totals .total")).to_have_text("9:00")

    # The answer to the first save left the field, its text and the focus alone.
    expect(cell(page, "Monday")).to_be_focused()
    expect(cell(page, "Monday")).to_have_value("5")
    page.keyboard.type(":30")
    page.keyboard.press("Tab")
    expect(page.locator("#grid-totals .total")).to_have_text("6:30")
    expect(page.get_by_role("alert")).to_have_count(0)
    assert TimeEntry.objects.get(date=monday).duration == 5 * 3600 + 1800
    assert page.url.endswith(f"/timesheet/{monday}/")


def test_locked_time_is_shown_read_only_with_the_reason(page):
    dora, org, project, task, monday = setup_week(entry_days=(1,))
    do_submit_timesheet(org, dora, monday, monday + dt.timedelta(days=6), acting_user=dora)
    log_in(page, "dora@example.org")
    page.goto(f"/o/alpha/timesheet/{monday}/")
    expect(page.locator(".locked-reason")).to_contain_text("This week is read-only")
    expect(page.locator(".locked-reason")).to_contain_text("approved")
    expect(page.locator("#week-grid")).to_contain_text("1:00")
    expect(page.get_by_role("textbox")).to_have_count(0)
    expect(page.get_by_role("button", name="Add row")).to_have_count(0)
    expect(page.get_by_role("link", name="Copy last week’s rows")).to_have_count(0)
    expect(page.get_by_text("saved at once")).to_have_count(0)

    # The day view offers no edit or delete, and says why.
    page.get_by_role("link", name=(monday + dt.timedelta(days=1)).strftime("%a %-d")).click()
    expect(page.locator(".locked-reason")).to_contain_text("approved")
    expect(page.get_by_role("link", name="Edit")).to_have_count(0)
    expect(page.get_by_role("link", name="Delete")).to_have_count(0)
    expect(page.get_by_role("button", name="Add entry")).to_have_count(0)
    # The delete page, reached by its address, says why instead of offering the button.
    entry = TimeEntry.objects.get(user=dora)
    page.goto(f"/o/alpha/entries/{entry.uid}/delete/")
    expect(page.get_by_role("main")).to_contain_text("cannot be deleted")
    expect(page.get_by_role("button", name="Delete")).to_have_count(0)


def test_closed_days_are_read_only_and_the_others_editable(page):
    dora, org, project, task, monday = setup_week(entry_days=(0, 3))
    ApprovalSettings.objects.filter(org=org).update(locked_before=monday + dt.timedelta(days=2))
    log_in(page, "dora@example.org")
    page.goto(f"/o/alpha/timesheet/{monday}/")
    expect(page.locator(".locked-reason")).to_contain_text("is closed")
    expect(cell(page, "Monday")).to_have_count(0)
    expect(cell(page, "Tuesday")).to_have_count(0)
    expect(cell(page, "Thursday")).to_have_value("1:00")
    cell(page, "Thursday").fill("2:00")
    cell(page, "Thursday").press("Tab")
    expect(page.locator("#grid-totals .total")).to_have_text("3:00")


def test_added_rows_appear_once_and_stay_until_removed(page):
    dora, org, project, task, monday = setup_week(entry_days=())
    make_project(org, "Intranet")
    log_in(page, "dora@example.org")
    page.goto(f"/o/alpha/timesheet/{monday}/")
    rows = page.locator("#grid-body tr[id^=row-]")
    select = page.get_by_label("Add a row")

    select.select_option(label="Website · Design")
    page.get_by_role("button", name="Add row").click()
    expect(rows).to_have_count(1)
    # The select no longer offers a row the grid shows; the new row's first cell has the focus.
    expect(select.locator("option", has_text="Website · Design")).to_have_count(0)
    expect(cell(page, "Monday")).to_be_focused()
    select.select_option(label="Intranet (no task)")
    page.get_by_role("button", name="Add row").click()
    expect(rows).to_have_count(2)
    expect(page.get_by_text("No time this week yet")).to_have_count(0)

    # The rows are in the address: a reload keeps them, time or not.
    page.reload()
    expect(rows).to_have_count(2)
    cell(page, "Monday").fill("1:00")
    cell(page, "Monday").press("Tab")
    expect(page.locator("#grid-totals .total")).to_have_text("1:00")
    expect(page.get_by_role("alert")).to_have_count(0)

    # A row without time can be removed, for good.
    page.get_by_role("button", name="Remove the row Intranet").click()
    expect(rows).to_have_count(1)
    expect(select.locator("option", has_text="Intranet (no task)")).to_have_count(1)
    page.reload()
    expect(rows).to_have_count(1)
    expect(cell(page, "Monday")).to_have_value("1:00")
    assert TimeEntry.objects.get(user=dora).duration == 3600


def test_the_grid_is_quick_to_reach_and_move_through_by_keyboard(page):
    dora = make_user("dora@example.org", "Dora Example")
    org = make_org("alpha", "Alpha Ltd", dora)
    make_task(make_project(org, "Website", code="ZZ7"), "Design")
    make_project(org, "Intranet", code="AA1")
    monday = week_start(dt.date.today(), org.week_start)
    log_in(page, "dora@example.org")
    page.goto(f"/o/alpha/timesheet/{monday}/")
    select = page.get_by_label("Add a row")

    # From the page's start: the skip link, then a few Tabs to "Add a row".
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to content")).to_be_focused()
    page.keyboard.press("Enter")
    presses = 0
    while presses < 8 and not select.evaluate("el => el === document.activeElement"):
        page.keyboard.press("Tab")
        presses += 1
    expect(select).to_be_focused()
    assert presses <= 6, f"{presses} Tabs from the content to Add a row"

    # Type-ahead finds what the labels say: they start with the project's name.
    page.keyboard.type("Website")
    expect(select.locator("option:checked")).to_have_text("Website (no task) — ZZ7")
    page.keyboard.press("ArrowDown")
    expect(select.locator("option:checked")).to_have_text("Website · Design — ZZ7")
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Add row")).to_be_focused()
    page.keyboard.press("Enter")

    # The new row's first cell has the focus; Tab runs through the days, then the row's timer button.
    expect(cell(page, "Monday", row="Website · Design — ZZ7")).to_be_focused()
    for day in ["Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]:
        page.keyboard.press("Tab")
        expect(cell(page, day, row="Website · Design — ZZ7")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Start the timer on Website · Design — ZZ7")).to_be_focused()
