"""The demo organisations `acme` and `globex`, their people and an operator (manage.py demo).
Safe to run again: creates only what is missing and never changes passwords people have set."""

from django.conf import settings
from django.utils import timezone

from timelive.accounts.models import User

from . import actions
from .models import Membership, Organization, Plan, Role

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


def person(email, name, **extra):
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email, DEMO_PASSWORD, full_name=name, email_verified_at=timezone.now(), **extra)
    return user


def seed_org(slug, spec) -> Organization:
    """The organisation `slug` with its people and a pending invitation."""
    org = Organization.objects.filter(slug=slug).first()
    people = [(person(email, name, job_title=title), role) for email, name, role, title in spec["people"]]
    owner = people[0][0]
    if org is None:
        org = actions.do_create_organization(spec["name"], owner, time_zone=spec["time_zone"], currency=spec["currency"])
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
    return org


def seed_operator():
    email, name = OPERATOR
    if not User.objects.filter(email=email).exists():
        User.objects.create_superuser(email, DEMO_PASSWORD, full_name=name)
