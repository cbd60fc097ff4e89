"""Signs that something waits: the count on the sidebar's Approvals link, and the notice of a
rejected timesheet or expense sheet on Home."""

from timelive.orgs.models import Membership, Role

from ..actions import do_approve, do_reject, do_submit_timesheet
from ..models import Submission
from .helpers import MONDAY, SUNDAY, ApprovalTestCase

HOME = "/o/alpha/"


class ApprovalsCountTestCase(ApprovalTestCase):
    def submit_bob(self):
        self.log(self.bob)
        return do_submit_timesheet(self.org, self.bob, MONDAY, SUNDAY, acting_user=self.bob)

    def test_the_sidebar_counts_what_waits_for_me(self):
        submission = self.submit_bob()
        self.login(self.tina)
        r = self.client.get(HOME)
        self.assertContains(r, '<span class="nav-count">1<span class="visually-hidden"> waiting for you</span></span>',
                            html=True)
        # Erin's step comes later; bob submitted it and waits for nobody.
        for user in (self.erin, self.bob, self.alice):
            self.login(user)
            self.assertNotContains(self.client.get(HOME), "waiting for you")
        do_approve(submission, acting_user=self.tina)
        self.login(self.tina)
        self.assertNotContains(self.client.get(HOME), "waiting for you")
        self.login(self.erin)
        self.assertContains(self.client.get(HOME), "waiting for you")

    def test_it_counts_only_the_organisation_of_the_page(self):
        self.submit_bob()
        # Tina also belongs to bravo, where nothing waits for her.
        Membership.objects.create(org=self.other_org, user=self.tina, role=Role.MEMBER)
        self.login(self.tina)
        self.assertNotContains(self.client.get("/o/bravo/"), "waiting for you")
        self.assertContains(self.client.get(HOME), "waiting for you")
        # Pages outside an organisation show the sidebar of the last one visited.
        self.assertContains(self.client.get("/account/profile/"), "waiting for you")

    def test_the_count_costs_no_query_of_its_own(self):
        self.login(self.tina)
        self.client.get(HOME)
        with self.assertNumQueries(7):
            self.client.get(HOME)
        for _ in range(2):
            self.submit_bob()
            do_reject(Submission.objects.get(person=self.bob), acting_user=self.tina, comment="Again")
        self.submit_bob()
        with self.assertNumQueries(7):
            r = self.client.get(HOME)
        self.assertContains(r, '<span class="nav-count">1')


class RejectedNoticeTestCase(ApprovalTestCase):
    def rejected_week(self):
        self.log(self.bob)
        submission = do_submit_timesheet(self.org, self.bob, MONDAY, SUNDAY, acting_user=self.bob)
        return do_reject(submission, acting_user=self.tina, comment="Monday is missing the client meeting.")

    def test_home_tells_me_my_timesheet_was_rejected_and_links_to_it(self):
        submission = self.rejected_week()
        self.login(self.bob)
        r = self.client.get(HOME)
        self.assertContains(r, "Your timesheet for 2 Mar – 8 Mar 2026 was rejected")
        self.assertContains(r, "Monday is missing the client meeting.")
        self.assertContains(r, f'href="/o/alpha/approvals/timesheets/{submission.uid}/"')
        # Nobody else is told on their Home.
        self.login(self.tina)
        self.assertNotContains(self.client.get(HOME), "was rejected")

    def test_the_notice_goes_once_submitted_again(self):
        self.rejected_week()
        do_submit_timesheet(self.org, self.bob, MONDAY, SUNDAY, acting_user=self.bob)
        self.login(self.bob)
        self.assertNotContains(self.client.get(HOME), "was rejected")

    def test_home_pins_its_queries_with_the_count_and_the_notice(self):
        self.login(self.bob)
        self.client.get(HOME)
        # Session, user, membership, switcher (with the Approvals count), timer, policy notices, the rejection.
        with self.assertNumQueries(7):
            self.client.get(HOME)
        self.rejected_week()
        with self.assertNumQueries(7):
            r = self.client.get(HOME)
        self.assertContains(r, "was rejected")
