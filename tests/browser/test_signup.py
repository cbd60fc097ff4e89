import re

import pytest
from django.core import mail as django_mail
from playwright.sync_api import expect

from timelive.accounts.models import User
from timelive.notifications.models import OutboxEmail
from timelive.orgs.models import Organization

pytestmark = pytest.mark.browser


def test_it_signs_up_by_keyboard_and_confirms_the_email(page, live_server, settings):
    # The mail's link points at the server under test.
    settings.SITE_URL = live_server.url
    page.goto("/account/signup/")

    # Focus starts in the first field; Tab walks the form in order; Enter submits.
    for label, text in [
        ("Your name", "Dana Scully"),
        ("Work email", "Dana@Example.org"),
        ("Password", "trust no one, ever"),
        ("Organisation name", "X Files Unit"),
    ]:
        expect(page.get_by_label(label)).to_be_focused()
        page.keyboard.type(text)
        if label != "Organisation name":
            page.keyboard.press("Tab")
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(r"/o/[\w-]+/$"))
    org = Organization.objects.get(name="X Files Unit")
    assert page.url.endswith(f"/o/{org.slug}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("X Files Unit")
    expect(page.get_by_role("status").filter(has_text="days left")).to_have_text(
        f"Trial: {settings.TIMELIVE_TRIAL_DAYS} days left."
    )
    expect(page.get_by_text("We sent a link to dana@example.org")).to_be_visible()
    expect(page.get_by_role("button", name="Send the link again")).to_be_visible()

    # The mail is written to the outbox and sent by its task (run at once in tests).
    mail = OutboxEmail.objects.get(to="dana@example.org")
    assert mail.subject == "Confirm your email address for TimeLive"
    assert mail.sent_at is not None
    assert [m.to for m in django_mail.outbox] == [["dana@example.org"]]
    link = re.search(rf"{re.escape(live_server.url)}/account/verify/\S+", mail.body_text)
    assert link, mail.body_text

    page.goto(link.group(0))
    expect(page.get_by_role("heading", name="Confirm your email")).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("Confirm that dana@example.org is your address.")
    page.get_by_role("button", name="Confirm my email").click()

    expect(page.get_by_text("Thank you, your email address is confirmed.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("X Files Unit")
    expect(page.get_by_role("button", name="Send the link again")).to_have_count(0)
    assert User.objects.get(email="dana@example.org").email_verified_at is not None
