"""Seed the demo organisations `acme` and `globex`. Safe to run again: it
creates only what is missing and never changes passwords people have set.

Each app seeds its own rows (its demo.py); this command only puts them in order."""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from timelive.approvals.demo import seed_approvals
from timelive.expenses.demo import seed_expenses
from timelive.integrations.demo import seed_integrations
from timelive.orgs.demo import DEMO_PASSWORD, OPERATOR, PEOPLE, seed_operator, seed_org
from timelive.orgs.models import Membership
from timelive.privacy.demo import seed_subprocessors
from timelive.tracking.demo import seed_tracking


class Command(BaseCommand):
    help = "Create the demo organisations acme and globex with their people (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--entries", type=int, default=None,
                            help="Top acme up to this many time entries (default: six weeks of workdays, once).")

    def handle(self, *args, entries=None, **options):
        if entries is not None and entries < 0:
            raise CommandError("--entries must be zero or more.")
        with transaction.atomic():
            for slug, spec in PEOPLE.items():
                org = seed_org(slug, spec)
                self.seed_work(org, entries=entries if slug == "acme" else None)
            seed_operator()
            seed_subprocessors()
        self.stdout.write(self.style.SUCCESS(f"Demo data ready. Log in with any of these (password: {DEMO_PASSWORD}):"))
        for slug, spec in PEOPLE.items():
            for email, _name, role, _ in spec["people"]:
                self.stdout.write(f"  {slug:7} {role:9} {email}")
        self.stdout.write(f"  operator console (/operator/): {OPERATOR[0]}")

    def seed_work(self, org, *, entries):
        slug = org.slug
        memberships = list(Membership.objects.filter(org=org, is_active=True).select_related("user"))
        if created := seed_tracking(org, memberships, entries=entries):
            self.stdout.write(f"  {slug}: {created} time entries added.")
        if submitted := seed_approvals(org):
            self.stdout.write(f"  {slug}: {submitted} timesheets submitted for approval.")
        if spent := seed_expenses(org):
            self.stdout.write(f"  {slug}: {spent} expenses added.")
        if slug == "acme":
            seed_integrations(org)
