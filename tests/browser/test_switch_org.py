import re

import pytest
from playwright.sync_api import expect

from timelive.accounts.models import User
from timelive.orgs.models import Membership, Role
from timelive.test import PASSWORD, make_org, make_user

pytestmark = pytest.mark.browser


def test_it_switches_organisation_and_comes_back_to_the_last_one(page):
    alice = make_user("alice@example.org", "Alice Example")
    alpha = make_org("alpha", "Alpha Ltd", alice)
    charlie = make_user("charlie@example.net", "Charlie Other")
    bravo = make_org("bravo", "Bravo Inc", charlie)
    Membership.objects.create(org=bravo, user=alice, role=Role.MEMBER)
    alice.last_org = alpha
    alice.save(update_fields=["last_org"])

    page.goto("/account/login/")
    page.get_by_role("textbox", name="Email").fill("alice@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/o/alpha/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Alpha Ltd")

    switcher = page.get_by_label("Switch organisation")
    expect(switcher).to_have_text("Alpha Ltd")
    switcher.click()
    menu = page.locator("details.org-switcher")
    expect(menu.get_by_role("link", name=re.compile(r"^Alpha Ltd"))).to_have_attribute("aria-current", "true")
    menu.get_by_role("link", name=re.compile(r"^Bravo Inc")).click()

    expect(page).to_have_url(re.compile(r"/o/bravo/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Bravo Inc")
    expect(page.get_by_label("Switch organisation")).to_have_text("Bravo Inc")
    expect(page.get_by_text("You are member here.")).to_be_visible()

    # Home sends people to the organisation they used last.
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/o/bravo/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Bravo Inc")
    assert User.objects.get(pk=alice.pk).last_org_id == bravo.id
