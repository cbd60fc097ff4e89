"""A two-tier approval set-up on top of the shared test base.

alice owns alpha and bob is a member (timelive.test.BaseTestCase); here tina
leads the Website project, maria manages it, and erin is an external approver
(a client). The custom path "Lead then client" has tier 1: the project's team
lead, tier 2: erin.
"""

import datetime as dt

from timelive.orgs.models import Membership, Role
from timelive.test import BaseTestCase, make_user
from timelive.tracking.models import TimeEntry
from timelive.tracking.tests.helpers import make_project

from ..models import ApprovalPath, ApprovalSettings, ApprovalTier, MemberApproval, PathKind
from ..paths import ensure_setup

# A Monday; alpha's periods are weeks starting on Monday.
MONDAY = dt.date(2026, 3, 2)
SUNDAY = MONDAY + dt.timedelta(days=6)


def make_path(org, title, *tiers) -> ApprovalPath:
    """A custom path; each tier is a dict of relations, plus "people": [memberships]."""
    path = ApprovalPath.objects.create(org=org, title=title, kind=PathKind.CUSTOM)
    for position, spec in enumerate(tiers, 1):
        spec = dict(spec)
        people = spec.pop("people", [])
        tier = ApprovalTier.objects.create(path=path, position=position, **spec)
        tier.people.set(people)
    return path


def member(org, email, name, role=Role.MEMBER):
    user = make_user(email, name)
    return user, Membership.objects.create(org=org, user=user, role=role)


def builtin(org, kind) -> ApprovalPath:
    ensure_setup(org)
    return ApprovalPath.objects.get(org=org, kind=kind)


def set_default_path(org, path):
    settings = ensure_setup(org)
    settings.default_path = path
    settings.save()
    return settings


def set_manager(member, manager=None, path=None):
    MemberApproval.objects.update_or_create(member=member, defaults={"org": member.org, "manager": manager, "path": path})


class ApprovalTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.maria, cls.maria_membership = member(cls.org, "maria@example.org", "Maria Manager", Role.MANAGER)
        cls.tina, cls.tina_membership = member(cls.org, "tina@example.org", "Tina Lead", Role.MEMBER)
        cls.erin, cls.erin_membership = member(cls.org, "erin@client.example", "Erin Client", Role.EXTERNAL)
        cls.project = make_project(cls.org, "Website", project_manager=cls.maria, team_lead=cls.tina)
        cls.path = make_path(cls.org, "Lead then client", {"team_lead": True}, {"people": [cls.erin_membership]})
        set_default_path(cls.org, cls.path)

    def log(self, user, day=MONDAY, seconds=3600, project=None, **extra):
        return TimeEntry.objects.create(org=self.org, user=user, project=project or self.project, date=day,
                                        duration=seconds, **extra)

    def approval_settings(self) -> ApprovalSettings:
        return ApprovalSettings.objects.get(org=self.org)
