import datetime as dt

from django.urls import reverse

from timelive.approvals.models import Submission, SubmissionApprover, SubmissionStatus

from .helpers import DAY, ReportTestCase

MONDAY = dt.date(2026, 3, 2)


class TimesheetStatusPageTests(ReportTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        waiting = Submission.objects.create(org=cls.org, person=cls.bob, start=MONDAY,
                                            end=MONDAY + dt.timedelta(days=6), tier_count=1, current_tier=1)
        SubmissionApprover.objects.create(submission=waiting, tier=1, user=cls.maria)
        Submission.objects.create(org=cls.org, person=cls.dave, start=MONDAY, end=MONDAY + dt.timedelta(days=6),
                                  status=SubmissionStatus.REJECTED, tier_count=1, current_tier=1)

    def get(self, who, **params):
        self.login(who)
        return self.client.get(reverse("reports:timesheet_status", args=["alpha"]),
                               {"day": DAY.isoformat(), **params})

    def states(self, response):
        return {line.membership.user_id: (line.state, line.waiting_on, line.seconds)
                for line in response.context["report"].lines}

    def test_outsider_gets_404(self):
        self.assertEqual(self.get(self.charlie).status_code, 404)

    def test_admin_sees_who_has_not_submitted_who_waits_on_whom_and_who_was_rejected(self):
        states = self.states(self.get(self.alice))
        self.assertEqual(states[self.bob.pk], ("waiting", ["Maria Manager"], 5400 + 1800))
        self.assertEqual(states[self.dave.pk][0], "rejected")
        self.assertEqual(states[self.alice.pk][0], "not_submitted")
        self.assertNotIn(self.erin.pk, states)

    def test_member_sees_only_themselves(self):
        self.assertEqual(set(self.states(self.get(self.bob))), {self.bob.pk})

    def test_manager_sees_their_direct_reports_and_themselves(self):
        self.assertEqual(set(self.states(self.get(self.maria))), {self.maria.pk, self.dave.pk})

    def test_a_bad_day_says_so(self):
        self.assertContains(self.get(self.alice, day="later"), "That is not a day")

    def test_query_count_is_pinned(self):
        self.get(self.alice)
        with self.assertNumQueries(10):
            self.client.get(reverse("reports:timesheet_status", args=["alpha"]), {"day": DAY.isoformat()})
