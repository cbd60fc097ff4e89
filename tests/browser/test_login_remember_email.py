import re
import time

import pytest
from django.test import RequestFactory
from playwright.sync_api import expect

from timelive.accounts.views import REMEMBER_SALT
from timelive.test import PASSWORD, make_user

pytestmark = pytest.mark.browser

COOKIE = "timelive_email"


def remember_cookie(context):
    return next((c for c in context.cookies() if c["name"] == COOKIE), None)


def email_field(page):
    return page.get_by_role("textbox", name="Email")


def log_in(page, email, *, remember):
    page.goto("/account/login/")
    email_field(page).fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Remember my email on this device").set_checked(remember)
    page.get_by_role("button", name="Log in").click()


def log_out(page, *, forget):
    page.get_by_label("Your account").click()
    page.get_by_label("Forget my email on this device").set_checked(forget)
    page.get_by_role("button", name="Log out").click()
    expect(page).to_have_url(re.compile(r"/account/login/$"))


def test_it_remembers_the_email_until_told_to_forget_it(page, context):
    make_user("mulder@example.org", "Fox Mulder")

    log_in(page, "mulder@example.org", remember=True)
    expect(page.get_by_label("Your account")).to_have_text("Fox")

    cookie = remember_cookie(context)
    assert cookie is not None
    assert cookie["httpOnly"] is True
    assert cookie["sameSite"] == "Lax"
    assert cookie["path"] == "/"
    year = 365 * 86400
    assert abs(cookie["expires"] - (time.time() + year)) < 120
    # Only the email, signed by Django ("email:timestamp:signature"), quoted because of the "@".
    value = cookie["value"].strip('"')
    email, timestamp, signature = value.rsplit(":", 2)
    assert email == "mulder@example.org"
    assert re.fullmatch(r"[0-9A-Za-z]+", timestamp) and re.fullmatch(r"[\w-]{20,}", signature)
    request = RequestFactory().get("/", HTTP_COOKIE=f"{COOKIE}={cookie['value']}")
    assert request.get_signed_cookie(COOKIE, salt=REMEMBER_SALT) == "mulder@example.org"

    # Logging out keeps it: the form is filled in next time.
    log_out(page, forget=False)
    expect(email_field(page)).to_have_value("mulder@example.org")
    expect(page.get_by_label("Remember my email on this device")).to_be_checked()
    expect(page.get_by_label("Password")).to_have_value("")
    assert remember_cookie(context) is not None

    # Logging in again from the pre-filled form, then out with "forget".
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_label("Your account")).to_have_text("Fox")
    log_out(page, forget=True)

    assert remember_cookie(context) is None
    expect(email_field(page)).to_have_value("")
    expect(page.get_by_label("Remember my email on this device")).not_to_be_checked()
    page.reload()
    expect(email_field(page)).to_have_value("")


def test_it_sets_no_cookie_unless_asked(page, context):
    make_user("skinner@example.org", "Walter Skinner")

    log_in(page, "skinner@example.org", remember=False)
    expect(page.get_by_label("Your account")).to_have_text("Walter")
    assert remember_cookie(context) is None

    log_out(page, forget=False)
    expect(email_field(page)).to_have_value("")
