import datetime as dt

from timelive.orgs.models import Membership
from timelive.test import make_user

from ..actions import do_approve, do_submit_timesheet
from ..models import Submission, SubmissionStatus
from .helpers import MONDAY, ApprovalTestCase

INBOX = "/o/alpha/approvals/"
BULK = "/o/alpha/approvals/approve/"


class InboxTestCase(ApprovalTestCase):
    def weeks(self, n, person=None):
        """n submitted weeks of `person` (bob), from MONDAY on, each with 1:30 logged."""
        person = person or self.bob
        done = []
        for i in range(n):
            monday = MONDAY + dt.timedelta(days=7 * i)
            self.log(person, monday, 5400)
            done.append(do_submit_timesheet(self.org, person, monday, monday + dt.timedelta(days=6), acting_user=person))
        return done

    def test_it_lists_what_waits_on_me_with_totals(self):
        self.weeks(2)
        self.login(self.tina)
        r = self.client.get(INBOX)
        self.assertEqual(len(r.context["page"].object_list), 2)
        self.assertContains(r, "1:30", count=2)
        self.assertContains(r, "step 1 of 2", count=2)
        # Erin's turn comes after tina's.
        self.login(self.erin)
        self.assertEqual(len(self.client.get(INBOX).context["page"].object_list), 0)

    def test_its_query_count_does_not_grow(self):
        self.weeks(2)
        self.login(self.tina)
        self.client.get(INBOX)
        with self.assertNumQueries(9):
            self.client.get(INBOX)
        for i in range(5):
            person = make_user(f"p{i}@example.org", f"Person {i}")
            Membership.objects.create(org=self.org, user=person)
            self.weeks(1, person)
        with self.assertNumQueries(9):
            r = self.client.get(INBOX)
        self.assertEqual(len(r.context["page"].object_list), 7)

    def test_it_paginates(self):
        self.weeks(52)
        self.login(self.tina)
        r = self.client.get(INBOX)
        self.assertEqual(len(r.context["page"].object_list), 50)
        self.assertContains(r, "Page 1 of 2")
        self.assertEqual(len(self.client.get(INBOX, {"page": 2}).context["page"].object_list), 2)

    def test_bulk_approval_is_one_post(self):
        first, second, third = self.weeks(3)
        self.login(self.tina)
        r = self.client.post(BULK, {"pick": [f"{first.uid}:1", f"{second.uid}:1"]}, follow=True)
        self.assertContains(r, "Approved 2 timesheets.")
        self.assertEqual(list(Submission.objects.order_by("start").values_list("current_tier", flat=True)), [2, 2, 1])

    def test_bulk_approval_reports_what_moved_on_meanwhile(self):
        first, second = self.weeks(2)
        do_approve(first, acting_user=self.tina, expected_tier=1)
        self.login(self.tina)
        r = self.client.post(BULK, {"pick": [f"{first.uid}:1", f"{second.uid}:1", "nonsense"]}, follow=True)
        self.assertContains(r, "Approved 1 timesheet.")
        self.assertContains(r, "no longer waits for you")
        first.refresh_from_db()
        self.assertEqual((first.status, first.current_tier), (SubmissionStatus.SUBMITTED, 2))
        r = self.client.post(BULK, {}, follow=True)
        self.assertContains(r, "Tick what to approve first.")

    def test_bulk_approval_approves_only_what_is_mine(self):
        (week,) = self.weeks(1)
        for person in (self.erin, self.maria, self.bob, self.alice):
            self.login(person)
            self.client.post(BULK, {"pick": [f"{week.uid}:1"]})
        week.refresh_from_db()
        self.assertEqual(week.current_tier, 1)
        self.assertEqual(week.events.count(), 1)

    def test_outsiders_get_404(self):
        (week,) = self.weeks(1)
        self.login(self.charlie)
        self.assertEqual(self.client.get(INBOX).status_code, 404)
        self.assertEqual(self.client.post(BULK, {"pick": [f"{week.uid}:1"]}).status_code, 404)
        week.refresh_from_db()
        self.assertEqual(week.current_tier, 1)

    def test_an_external_approver_has_an_inbox_but_no_timesheets(self):
        self.login(self.erin)
        r = self.client.get(INBOX)
        self.assertContains(r, "Waiting for you")
        self.assertNotContains(r, "Your timesheets")
        self.assertEqual(self.client.get("/o/alpha/approvals/submit/").status_code, 403)

    def test_administrators_may_list_everything_waiting(self):
        self.weeks(2)
        self.login(self.alice)
        self.assertEqual(len(self.client.get(INBOX).context["page"].object_list), 0)
        r = self.client.get(INBOX, {"all": "1"})
        self.assertEqual(len(r.context["page"].object_list), 2)
        self.assertNotContains(r, 'name="pick"')
        # Not for the others: they see what waits on them.
        self.login(self.erin)
        self.assertEqual(len(self.client.get(INBOX, {"all": "1"}).context["page"].object_list), 0)
