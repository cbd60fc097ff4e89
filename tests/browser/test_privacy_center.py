import json
import re
import zipfile

import pytest
from playwright.sync_api import expect

from timelive.accounts.models import User
from timelive.orgs.models import Membership, Role
from timelive.test import PASSWORD, make_org, make_user

pytestmark = pytest.mark.browser


def log_in(page, email):
    page.goto("/account/login/")
    page.get_by_role("textbox", name="Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/o/alpha/$"))


@pytest.fixture
def bob():
    alice = make_user("alice@example.org", "Alice Example")
    alpha = make_org("alpha", "Alpha Ltd", alice)
    bob = make_user("bob@example.org", "Bob <Example>")
    Membership.objects.create(org=alpha, user=bob, role=Role.MEMBER)
    return bob


def test_a_person_gets_a_copy_of_their_data(page, bob, tmp_path):
    log_in(page, "bob@example.org")
    page.get_by_label("Your account").click()
    page.get_by_role("link", name="Your privacy").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your privacy")
    expect(page.get_by_text("You have not asked for a copy yet.")).to_be_visible()

    page.get_by_role("button", name="Prepare a copy of my data").click()
    row = page.locator("#export-list tbody tr").first
    expect(row).to_contain_text("Ready to download")
    with page.expect_download() as download_info:
        row.get_by_role("link", name=re.compile("^Download")).click()
    path = tmp_path / "copy.zip"
    download_info.value.save_as(path)
    with zipfile.ZipFile(path) as archive:
        data = json.loads(archive.read("data.json"))
        assert data["version"] == 1
        assert data["tables"]["profile"][0]["email"] == "bob@example.org"
        assert "Bob &lt;Example&gt;" in archive.read("index.html").decode()


def test_a_person_asks_to_delete_their_account_and_changes_their_mind(page, bob):
    log_in(page, "bob@example.org")
    page.goto("/account/privacy/")
    page.get_by_role("link", name="Delete my account…").click()
    page.get_by_label("Your password").fill("not my password")
    page.get_by_role("button", name=re.compile("^Delete my account in 7 days")).click()
    expect(page.get_by_text("That is not your password.")).to_be_visible()
    expect(page.get_by_text("Tick the box to confirm")).to_be_visible()

    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_label(re.compile("^I understand")).check()
    page.get_by_role("button", name=re.compile("^Delete my account in 7 days")).click()
    expect(page).to_have_url(re.compile(r"/account/privacy/$"))
    expect(page.get_by_text(re.compile("Your account will be deleted on")).first).to_be_visible()
    assert User.objects.get(pk=bob.pk).deletion_due_at is not None

    page.get_by_role("button", name="Cancel the deletion").click()
    expect(page.get_by_text("Deletion cancelled.")).to_be_visible()
    assert User.objects.get(pk=bob.pk).deletion_due_at is None
