"""Reading the approvals pages and API writes nothing: the built-in setup exists from the
organisation's creation on (even a read-only trial organisation's)."""

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from timelive.api.test import ApiTestCase
from timelive.orgs.models import Organization, Plan

from ..models import ApprovalPath, ApprovalSettings, PathKind

WRITES = ("INSERT", "UPDATE", "DELETE")


class ReadsWriteNothingTestCase(ApiTestCase):
    def writes_of(self, get, path, **kwargs):
        with CaptureQueriesContext(connection) as queries:
            response = get(path, **kwargs)
        self.assertEqual(response.status_code, 200, (path, response.content[:300]))
        # The approvals' own tables (a token's last use and the session are the door's bookkeeping).
        return [q["sql"] for q in queries.captured_queries if q["sql"].lstrip().upper().startswith(WRITES)
                and '"approvals_' in q["sql"]]

    def test_a_new_organisation_has_its_built_in_setup(self):
        settings = ApprovalSettings.objects.select_related("default_path").get(org=self.org)
        self.assertEqual(settings.default_path.kind, PathKind.NOT_REQUIRED)
        self.assertEqual(ApprovalPath.objects.filter(org=self.org).count(), 4)

    def test_approvals_pages_do_not_write(self):
        self.login(self.alice)
        for path in ("/o/alpha/approvals/", "/o/alpha/settings/approvals/", "/o/alpha/settings/approvals/paths/",
                     "/o/alpha/settings/approvals/paths/new/", "/o/alpha/settings/approvals/assignments/"):
            with self.subTest(path):
                self.assertEqual(self.writes_of(self.client.get, path), [])

    def test_the_approval_paths_api_does_not_write(self):
        _, secret = self.make_token(self.alice)
        self.assertEqual(self.writes_of(self.api_get, "/api/v1/orgs/alpha/approval-paths", secret=secret), [])

    def test_a_read_only_trial_organisation_can_read_its_paths(self):
        Organization.objects.filter(pk=self.org.pk).update(plan=Plan.TRIAL,
                                                           trial_ends_at=timezone.now() - dt.timedelta(days=1))
        self.login(self.alice)
        self.assertEqual(self.writes_of(self.client.get, "/o/alpha/settings/approvals/paths/"), [])
