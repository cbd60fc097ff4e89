import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_the_browser_fills_in_its_time_zone_at_sign_up(page, live_server):
    page.goto("/account/signup/")
    zone = page.evaluate("Intl.DateTimeFormat().resolvedOptions().timeZone")
    assert zone
    expect(page.locator("input[name=time_zone]")).to_have_value(zone)
