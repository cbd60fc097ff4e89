"""The project · task options: labelled and sorted alike, so type-ahead finds what it reads."""

from timelive.orgs.models import Membership
from timelive.test import BaseTestCase
from timelive.tracking.forms import project_task_choices

from .helpers import make_client, make_project, make_task


class RowChoicesTestCase(BaseTestCase):
    def test_options_start_with_the_project_name_and_are_sorted_by_their_label(self):
        beta = make_project(self.org, "beta", code="AA1")
        alpha = make_project(self.org, "Alpha", code="ZZ9", client=make_client(self.org, "Initech"))
        make_task(beta, "zeta")
        make_task(beta, "Delta")
        make_task(alpha, "build")
        groups = project_task_choices(self.org, Membership.objects.get(org=self.org, user=self.bob))
        labels = [label for _, options in groups for _, label in options]
        self.assertEqual(labels, [
            "Alpha (no task) — ZZ9", "Alpha · build — ZZ9",
            "beta (no task) — AA1", "beta · Delta — AA1", "beta · zeta — AA1",
        ])
        self.assertEqual(labels, sorted(labels, key=str.casefold))
        self.assertEqual([g for g, _ in groups], ["Alpha — Initech", "beta"])
