from decimal import Decimal

from timelive.orgs.models import Membership
from timelive.tracking.entries import EntryRules
from timelive.tracking.models import Client, Project, Rate, Task


def make_project(org, name="Website", **extra):
    return Project.objects.create(org=org, name=name, **extra)


def make_task(project, name="Design", **extra):
    return Task.objects.create(org=project.org, project=project, name=name, **extra)


def make_client(org, name="Initech", **extra):
    return Client.objects.create(org=org, name=name, **extra)


def make_rate(org, kind, amount, currency="USD", **extra):
    return Rate.objects.create(org=org, kind=kind, amount=Decimal(amount), currency=currency, **extra)


def rules_for(user, org) -> EntryRules:
    org.refresh_from_db()
    return EntryRules(org, Membership.objects.get(org=org, user=user))
