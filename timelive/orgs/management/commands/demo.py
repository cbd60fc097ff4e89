"""Seed the demo organisations `acme` and `globex`. Safe to run again: it
creates only what is missing and never changes passwords people have set."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from timelive.accounts.models import User
from timelive.orgs import actions
from timelive.orgs.models import Membership, Organization, Plan, Role

DEMO_PASSWORD = "timelive-demo"

PEOPLE = {
    "acme": {
        "name": "Acme Consulting",
        "time_zone": "Europe/London",
        "currency": "GBP",
        "people": [
            ("olivia@acme.example", "Olivia Owens", Role.OWNER, "Managing director"),
            ("adam@acme.example", "Adam Adams", Role.ADMIN, "Office manager"),
            ("maria@acme.example", "Maria Moreno", Role.MANAGER, "Project manager"),
            ("sam@acme.example", "Sam Singh", Role.MEMBER, "Consultant"),
            ("lena@acme.example", "Lena Larsen", Role.MEMBER, "Consultant"),
            ("kofi@acme.example", "Kofi Mensah", Role.MEMBER, "Analyst"),
            ("erin@client.example", "Erin External", Role.EXTERNAL, "Client approver"),
        ],
        "invite": ("newhire@acme.example", Role.MEMBER),
    },
    "globex": {
        "name": "Globex Corporation",
        "time_zone": "America/New_York",
        "currency": "USD",
        "people": [
            ("grace@globex.example", "Grace Green", Role.OWNER, "CEO"),
            ("hank@globex.example", "Hank Hill", Role.MANAGER, "Engineering lead"),
            ("ivy@globex.example", "Ivy Ito", Role.MEMBER, "Engineer"),
        ],
        "invite": ("contractor@globex.example", Role.EXTERNAL),
    },
}
OPERATOR = ("operator@timelive.example", "Olga Operator")


class Command(BaseCommand):
    help = "Create the demo organisations acme and globex with their people (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--entries", type=int, default=None,
                            help="Top acme up to this many time entries (default: six weeks of workdays, once).")

    def handle(self, *args, entries=None, **options):
        if entries is not None and entries < 0:
            raise CommandError("--entries must be zero or more.")
        self.entries = entries
        with transaction.atomic():
            for slug, spec in PEOPLE.items():
                self.seed_org(slug, spec)
            self.seed_operator()
        self.stdout.write(self.style.SUCCESS(f"Demo data ready. Log in with any of these (password: {DEMO_PASSWORD}):"))
        for slug, spec in PEOPLE.items():
            for email, _name, role, _ in spec["people"]:
                self.stdout.write(f"  {slug:7} {role:9} {email}")
        self.stdout.write(f"  operator console (/operator/): {OPERATOR[0]}")

    def person(self, email, name, **extra):
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(email, DEMO_PASSWORD, full_name=name,
                                            email_verified_at=timezone.now(), **extra)
        return user

    def seed_org(self, slug, spec):
        org = Organization.objects.filter(slug=slug).first()
        people = [(self.person(email, name, job_title=title), role) for email, name, role, title in spec["people"]]
        owner = people[0][0]
        if org is None:
            org = actions.do_create_organization(spec["name"], owner, time_zone=spec["time_zone"],
                                                 currency=spec["currency"])
            # The demo organisations keep their well-known slugs.
            Organization.objects.filter(pk=org.pk).update(slug=slug)
            org.refresh_from_db()
            if slug == "globex" and settings.TIMELIVE_EDITION == "cloud":
                actions.do_change_org_plan(org, Plan.SUBSCRIBED, acting_user=owner)
        for user, role in people:
            if not Membership.objects.filter(org=org, user=user).exists():
                membership = Membership.objects.create(org=org, user=user, role=role)
                actions.audit(org, owner, actions.AuditEvent.MEMBER_JOINED, membership, role=role)
            if user.last_org_id is None:
                user.last_org = org
                user.save(update_fields=["last_org"])
        email, role = spec["invite"]
        if not org.invitations.filter(email=email).exists():
            actions.do_invite_member(org, email, role, acting_user=owner)
        from timelive.tracking.demo import seed_tracking

        memberships = list(Membership.objects.filter(org=org, is_active=True).select_related("user"))
        created = seed_tracking(org, memberships, entries=self.entries if slug == "acme" else None)
        if created:
            self.stdout.write(f"  {slug}: {created} time entries added.")
        from timelive.approvals.demo import seed_approvals

        if submitted := seed_approvals(org):
            self.stdout.write(f"  {slug}: {submitted} timesheets submitted for approval.")
        from timelive.expenses.demo import seed_expenses

        if spent := seed_expenses(org):
            self.stdout.write(f"  {slug}: {spent} expenses added.")

    def seed_operator(self):
        email, name = OPERATOR
        if not User.objects.filter(email=email).exists():
            User.objects.create_superuser(email, DEMO_PASSWORD, full_name=name)
        self.seed_subprocessors()

    def seed_subprocessors(self):
        """An example for the subprocessors pages (a real install starts with an empty list)."""
        from timelive.integrations.models import InstalledIntegration
        from timelive.privacy.models import Subprocessor

        if not Subprocessor.objects.exists():
            Subprocessor.objects.create(name="Example Mail Relay (demo)", purpose="Delivers the emails TimeLive sends",
                                        data_categories="Names and email addresses of recipients",
                                        location="European Union")
        acme = Organization.objects.filter(slug="acme").first()
        if acme is not None and not acme.integrations.exists():
            InstalledIntegration.objects.create(
                org=acme, name="Example Payroll (demo)", purpose="Pays people from approved hours",
                data_categories="Names, email addresses, approved hours", location="United Kingdom",
                installed_by=acme.memberships.filter(role=Role.OWNER).first().user,
            )
