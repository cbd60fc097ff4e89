"""Two approvers of one tier approving at the same moment make exactly one transition."""

import datetime as dt
import threading

from django.db import connection
from django.test import TransactionTestCase

from timelive.orgs.models import Membership, Role
from timelive.test import make_org, make_user
from timelive.tracking.models import EntryStatus, TimeEntry
from timelive.tracking.tests.helpers import make_project

from ..actions import ApprovalError, do_approve, do_submit_timesheet
from ..models import SubmissionStatus
from .helpers import make_path, set_default_path

MONDAY = dt.date(2026, 3, 2)


class ConcurrentApprovalTestCase(TransactionTestCase):
    def setUp(self):
        owner = make_user("owner@example.org", "Olga Owner")
        self.org = make_org("alpha", "Alpha Ltd", owner)
        self.bob = make_user("bob@example.org", "Bob Example")
        Membership.objects.create(org=self.org, user=self.bob)
        self.ann = make_user("ann@example.org", "Ann Approver")
        self.ben = make_user("ben@example.org", "Ben Approver")
        ann = Membership.objects.create(org=self.org, user=self.ann, role=Role.MANAGER)
        ben = Membership.objects.create(org=self.org, user=self.ben, role=Role.MANAGER)
        # Both approve tier 1 (either may), and both tier 2 too: a second transition would be possible.
        set_default_path(self.org, make_path(self.org, "Either of two", {"people": [ann, ben]}, {"people": [ann, ben]}))
        TimeEntry.objects.create(org=self.org, user=self.bob, project=make_project(self.org), date=MONDAY, duration=3600)
        self.submission = do_submit_timesheet(self.org, self.bob, MONDAY, MONDAY + dt.timedelta(days=6),
                                              acting_user=self.bob)

    def test_two_approvers_of_one_tier_at_once(self):
        start = threading.Barrier(2)
        outcomes = {}

        def approve(user):
            try:
                start.wait()
                do_approve(self.submission, acting_user=user, expected_tier=1)
                outcomes[user.email] = "approved"
            except ApprovalError as exc:
                outcomes[user.email] = str(exc)
            finally:
                connection.close()

        threads = [threading.Thread(target=approve, args=(user,)) for user in (self.ann, self.ben)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        self.assertEqual(sorted(outcomes), ["ann@example.org", "ben@example.org"])
        self.assertEqual(sorted(outcomes.values(), key=lambda o: o != "approved")[0], "approved")
        refused = [o for o in outcomes.values() if o != "approved"]
        self.assertEqual(len(refused), 1, outcomes)
        self.assertIn("already been decided by someone else", refused[0])
        self.submission.refresh_from_db()
        # One step further, not two; one approval in the history.
        self.assertEqual((self.submission.status, self.submission.current_tier), (SubmissionStatus.SUBMITTED, 2))
        self.assertEqual(self.submission.events.filter(action="approved").count(), 1)
        self.assertEqual(set(TimeEntry.objects.values_list("status", flat=True)), {EntryStatus.SUBMITTED})
