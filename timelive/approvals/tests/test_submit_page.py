import datetime as dt

from timelive.orgs.models import TimesheetPeriod

from ..models import EventAction, PathKind, Submission, SubmissionStatus
from .helpers import MONDAY, SUNDAY, ApprovalTestCase, builtin, set_default_path

URL = "/o/alpha/approvals/submit/"


class SubmitPageTestCase(ApprovalTestCase):
    def test_it_shows_the_period_and_where_it_goes(self):
        self.log(self.bob, MONDAY + dt.timedelta(days=1), 5400)
        self.login(self.bob)
        r = self.client.get(URL, {"day": MONDAY + dt.timedelta(days=3)})
        self.assertEqual(r.context["period"], (MONDAY, SUNDAY))
        self.assertContains(r, "1:30 logged")
        self.assertContains(r, "Lead then client")
        set_default_path(self.org, builtin(self.org, PathKind.NOT_REQUIRED))
        self.assertContains(self.client.get(URL, {"day": MONDAY}), "No approval is needed")

    def test_a_monthly_period_is_submitted_whole_or_in_part(self):
        self.org.timesheet_period = TimesheetPeriod.MONTHLY
        self.org.save()
        self.login(self.bob)
        r = self.client.get(URL, {"day": "2026-03-18"})
        self.assertEqual(r.context["period"], (dt.date(2026, 3, 1), dt.date(2026, 3, 31)))
        r = self.client.post(URL, {"day": "2026-03-18", "start": "2026-03-01", "end": "2026-03-15"})
        self.assertEqual(r.status_code, 302)
        submission = Submission.objects.get()
        self.assertEqual((submission.start, submission.end), (dt.date(2026, 3, 1), dt.date(2026, 3, 15)))

    def test_bad_input_re_renders_with_what_was_typed(self):
        self.login(self.bob)
        r = self.client.post(URL, {"day": MONDAY, "start": SUNDAY, "end": MONDAY, "comment": "Keep me"})
        self.assertContains(r, "must not be before the first", status_code=400)
        self.assertContains(r, "Keep me", status_code=400)
        r = self.client.post(URL, {"day": MONDAY, "start": MONDAY, "end": SUNDAY + dt.timedelta(days=1)})
        self.assertContains(r, "within this period", status_code=400)
        r = self.client.post(URL, {"day": MONDAY, "start": "not a date", "end": SUNDAY})
        self.assertEqual(r.status_code, 400)
        self.assertEqual(self.client.get(URL, {"day": "nonsense"}).status_code, 404)
        self.assertFalse(Submission.objects.exists())

    def test_submitting_twice_is_refused_clearly(self):
        self.login(self.bob)
        self.client.post(URL, {"day": MONDAY, "start": MONDAY, "end": SUNDAY})
        r = self.client.post(URL, {"day": MONDAY, "start": MONDAY, "end": SUNDAY})
        self.assertContains(r, "already waiting for approval", status_code=400)
        self.assertEqual(Submission.objects.get().events.count(), 1)

    def test_an_administrator_submits_for_someone_as_an_override(self):
        self.log(self.bob)
        self.login(self.alice)
        r = self.client.get(URL, {"day": MONDAY, "member": self.bob_membership.code})
        self.assertContains(r, "Submit Bob Example")
        r = self.client.post(URL, {"day": MONDAY, "member": self.bob_membership.code, "start": MONDAY, "end": SUNDAY,
                                   "comment": "Bob is on leave."})
        submission = Submission.objects.get()
        self.assertRedirects(r, f"/o/alpha/approvals/timesheets/{submission.uid}/")
        self.assertEqual((submission.person, submission.status), (self.bob, SubmissionStatus.SUBMITTED))
        event = submission.events.get()
        self.assertEqual((event.action, event.actor, event.is_override), (EventAction.SUBMITTED, self.alice, True))

    def test_only_administrators_submit_for_someone_else(self):
        self.login(self.tina)
        self.assertEqual(self.client.get(URL, {"member": self.bob_membership.code}).status_code, 403)
        r = self.client.post(URL, {"member": self.bob_membership.code, "day": MONDAY, "start": MONDAY, "end": SUNDAY})
        self.assertEqual(r.status_code, 403)
        self.assertFalse(Submission.objects.exists())

    def test_outsiders_get_404(self):
        self.login(self.charlie)
        self.assertEqual(self.client.get(URL).status_code, 404)
        self.assertEqual(self.client.post(URL, {"day": MONDAY, "start": MONDAY, "end": SUNDAY}).status_code, 404)
        self.assertFalse(Submission.objects.exists())

    def test_the_week_page_costs_one_query_more(self):
        self.login(self.bob)
        url = f"/o/alpha/timesheet/{MONDAY}/"
        self.client.get(url)
        # The week grid's own queries (timelive/tracking/tests/test_week.py, with its locks) plus the period's submissions.
        with self.assertNumQueries(11):
            self.client.get(url)

    def test_an_external_members_timesheet_cannot_be_submitted(self):
        self.login(self.alice)
        r = self.client.post(URL, {"member": self.erin_membership.code, "day": MONDAY, "start": MONDAY, "end": SUNDAY})
        self.assertEqual(r.status_code, 403)
        self.assertFalse(Submission.objects.exists())
