"""A reports set-up on top of the shared test base (alice owns alpha, bob is a member,
charlie owns bravo).

maria manages the Website project and is dave's manager (dave is a member);
erin is an external member who approves the Portal project (a step of its
approval path names her). Entries use awkward rates (33.33 an hour) and
currencies with 0, 2 and 3 decimals.
"""

import datetime as dt
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from timelive.approvals.models import ApprovalPath, ApprovalTier, MemberApproval, PathKind, ProjectApproval
from timelive.lib.money import minor_units
from timelive.orgs.models import Role
from timelive.test import BaseTestCase
from timelive.tracking.models import Client, Project, Tag, Task, TimeEntry

# A Wednesday in March 2026.
DAY = dt.date(2026, 3, 4)


def entry(org, user, project, *, day=DAY, seconds=3600, task=None, billable=True, bill=None, cost=None,
          currency="EUR", cost_currency=None, tags=(), status="open"):
    e = TimeEntry.objects.create(
        org=org, user=user, project=project, task=task, date=day, duration=seconds, billable=billable,
        bill_rate=Decimal(bill) if bill is not None else None, bill_currency=currency if bill is not None else "",
        cost_rate=Decimal(cost) if cost is not None else None,
        cost_currency=(cost_currency or currency) if cost is not None else "", status=status,
    )
    if tags:
        e.tags.set(tags)
    return e


def value(seconds, rate, currency) -> Decimal:
    """An entry's amount computed independently: exact product, one rounding half up to the minor unit."""
    exact = Decimal(seconds) * Decimal(rate) / Decimal(3600)
    return exact.quantize(Decimal(1).scaleb(-minor_units(currency)), rounding=ROUND_HALF_UP)


def expected(entries) -> dict:
    """Totals of raw rows in Python: {"duration", "billable_duration", "bill": {cur: amt}, "cost": {cur: amt}}."""
    out = {"duration": 0, "billable_duration": 0, "bill": defaultdict(Decimal), "cost": defaultdict(Decimal)}
    for e in entries:
        out["duration"] += e.duration
        if e.billable:
            out["billable_duration"] += e.duration
            if e.bill_rate is not None:
                out["bill"][e.bill_currency] += value(e.duration, e.bill_rate, e.bill_currency)
        if e.cost_rate is not None:
            out["cost"][e.cost_currency] += value(e.duration, e.cost_rate, e.cost_currency)
    return out


class ReportTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.maria, cls.maria_membership = cls._member("maria@example.org", "Maria Manager", Role.MANAGER)
        cls.dave, cls.dave_membership = cls._member("dave@example.org", "Dave Report")
        cls.erin, cls.erin_membership = cls._member("erin@client.example", "Erin Client", Role.EXTERNAL)
        MemberApproval.objects.create(org=cls.org, member=cls.dave_membership, manager=cls.maria_membership)
        cls.acme = Client.objects.create(org=cls.org, name="Acme")
        cls.website = Project.objects.create(org=cls.org, name="Website", client=cls.acme, project_manager=cls.maria)
        cls.intranet = Project.objects.create(org=cls.org, name="Intranet")
        cls.portal = Project.objects.create(org=cls.org, name="Portal", client=cls.acme)
        path = ApprovalPath.objects.create(org=cls.org, title="Client signs", kind=PathKind.CUSTOM)
        tier = ApprovalTier.objects.create(path=path, position=1)
        tier.people.set([cls.erin_membership])
        ProjectApproval.objects.create(org=cls.org, project=cls.portal, path=path)
        cls.design = Task.objects.create(org=cls.org, project=cls.website, name="Design")
        cls.urgent = Tag.objects.create(org=cls.org, name="urgent")
        cls.meeting = Tag.objects.create(org=cls.org, name="meeting")
        org = cls.org
        cls.entries = [
            # bob: Website (maria's project), two tags, awkward rate.
            entry(org, cls.bob, cls.website, seconds=5400, bill="33.33", cost="20.00", task=cls.design,
                  tags=[cls.urgent, cls.meeting]),
            entry(org, cls.bob, cls.intranet, day=DAY + dt.timedelta(days=1), seconds=1800, billable=False,
                  cost="20.00"),
            # dave reports to maria: she sees his Intranet time too.
            entry(org, cls.dave, cls.intranet, seconds=4000, bill="33.33", tags=[cls.urgent]),
            # alice on the Portal, in yen and dinars.
            entry(org, cls.alice, cls.portal, seconds=3601, bill="1000", currency="JPY", status="approved"),
            entry(org, cls.alice, cls.portal, seconds=1234, bill="12.34", cost="3.33", currency="KWD"),
            entry(org, cls.alice, cls.intranet, day=DAY + dt.timedelta(days=6), seconds=600),
        ]
        # Another organisation's time must never show.
        other = Project.objects.create(org=cls.other_org, name="Secret")
        cls.foreign = entry(cls.other_org, cls.charlie, other, seconds=99999, bill="500")
        cls.foreign_project = other

    @classmethod
    def _member(cls, email, name, role=Role.MEMBER):
        from timelive.orgs.models import Membership
        from timelive.test import make_user

        user = make_user(email, name)
        return user, Membership.objects.create(org=cls.org, user=user, role=role)

    def march(self):
        return {"from": "2026-03-01", "to": "2026-03-31"}
