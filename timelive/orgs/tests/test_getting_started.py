"""The getting-started checklist on an owner's or administrator's Home."""

from timelive.approvals.models import PathKind
from timelive.approvals.tests.helpers import builtin, set_default_path
from timelive.orgs.actions import do_invite_member
from timelive.orgs.models import Organization, Role
from timelive.test import BaseTestCase
from timelive.tracking.models import RateKind
from timelive.tracking.tests.helpers import make_client, make_project, make_rate

HOME = "/o/alpha/"
DISMISS = "/o/alpha/getting-started/dismiss/"
LINKS = {
    "project": "/o/alpha/clients/new/",
    "invite": "/o/alpha/team/invite/",
    "approvals": "/o/alpha/settings/approvals/",
    "rates": "/o/alpha/settings/rates/",
}


class GettingStartedTestCase(BaseTestCase):
    def steps(self, response):
        return {step["key"]: step["done"] for step in response.context["getting_started"]}

    def test_a_new_organisation_sees_every_step_as_a_link_unticked(self):
        self.login(self.alice)
        r = self.client.get(HOME)
        self.assertContains(r, "Getting started")
        self.assertEqual(self.steps(r), {"project": False, "invite": True, "approvals": False, "rates": False})
        for url in LINKS.values():
            self.assertContains(r, f'href="{url}"')

    def test_each_step_is_ticked_from_the_data(self):
        self.bob_membership.delete()
        self.login(self.alice)
        self.assertEqual(set(self.steps(self.client.get(HOME)).values()), {False})
        make_client(self.org)
        self.assertFalse(self.steps(self.client.get(HOME))["project"])
        make_project(self.org)
        self.assertTrue(self.steps(self.client.get(HOME))["project"])
        do_invite_member(self.org, "new@example.org", Role.MEMBER, acting_user=self.alice)
        self.assertTrue(self.steps(self.client.get(HOME))["invite"])
        # Choosing "Approval not required" is what a new organisation has already.
        set_default_path(self.org, builtin(self.org, PathKind.NOT_REQUIRED))
        self.assertFalse(self.steps(self.client.get(HOME))["approvals"])
        set_default_path(self.org, builtin(self.org, PathKind.PROJECT_MANAGER))
        r = self.client.get(HOME)
        self.assertTrue(self.steps(r)["approvals"])
        self.assertContains(r, 'class="done"', count=3)

    def test_the_card_goes_for_good_once_everything_is_done(self):
        make_project(self.org, client=make_client(self.org))
        set_default_path(self.org, builtin(self.org, PathKind.PROJECT_MANAGER))
        make_rate(self.org, RateKind.BILLING, "100")
        self.login(self.alice)
        r = self.client.get(HOME)
        self.assertNotContains(r, "Getting started")
        self.org.refresh_from_db()
        self.assertIsNotNone(self.org.getting_started_closed_at)
        # No query for it afterwards (one fewer than while it shows), and it does not come back.
        with self.assertNumQueries(9):
            self.client.get(HOME)

    def test_it_costs_one_query(self):
        self.login(self.alice)
        self.client.get(HOME)
        with self.assertNumQueries(10):
            self.client.get(HOME)

    def test_members_do_not_see_it(self):
        self.login(self.bob)
        r = self.client.get(HOME)
        self.assertNotContains(r, "Getting started")
        self.assertNotIn("getting_started", r.context)

    def test_an_administrator_sees_it(self):
        admin, _ = self.add_member("adam@example.org", "Adam Admin", role=Role.ADMIN)
        self.login(admin)
        self.assertContains(self.client.get(HOME), "Getting started")

    def test_it_can_be_dismissed(self):
        self.login(self.alice)
        r = self.client.post(DISMISS)
        self.assertRedirects(r, HOME, fetch_redirect_response=False)
        self.assertNotContains(self.client.get(HOME), "Getting started")
        self.assertIsNotNone(Organization.objects.get(pk=self.org.pk).getting_started_closed_at)

    def test_dismissing_is_for_administrators(self):
        self.login(self.bob)
        self.assertEqual(self.client.post(DISMISS).status_code, 403)
        self.login(self.charlie)
        self.assertEqual(self.client.post(DISMISS).status_code, 404)
        self.login(self.alice)
        self.assertEqual(self.client.get(DISMISS).status_code, 405)
        self.assertIsNone(Organization.objects.get(pk=self.org.pk).getting_started_closed_at)
