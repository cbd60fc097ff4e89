"""The shared test base: alice owns organisation A, bob is a member of A,
charlie owns organisation B. Every view test can ask what an outsider gets."""

from django.test import TestCase

from timelive.accounts.models import User
from timelive.orgs.models import Membership, Organization, Plan, Role

PASSWORD = "correct horse battery"


def make_user(email, name, **extra):
    from django.utils import timezone

    extra.setdefault("email_verified_at", timezone.now())
    return User.objects.create_user(email, PASSWORD, full_name=name, **extra)


def make_org(slug, name, owner, **extra):
    extra.setdefault("plan", Plan.SUBSCRIBED)
    org = Organization.objects.create(slug=slug, name=name, **extra)
    Membership.objects.create(org=org, user=owner, role=Role.OWNER)
    return org


class BaseTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.alice = make_user("alice@example.org", "Alice Example")
        cls.bob = make_user("bob@example.org", "Bob Example")
        cls.charlie = make_user("charlie@example.net", "Charlie Other")
        cls.org = make_org("alpha", "Alpha Ltd", cls.alice)
        cls.other_org = make_org("bravo", "Bravo Inc", cls.charlie)
        cls.bob_membership = Membership.objects.create(org=cls.org, user=cls.bob, role=Role.MEMBER)
        cls.alice_membership = Membership.objects.get(org=cls.org, user=cls.alice)

    def login(self, user):
        self.client.force_login(user, backend="timelive.accounts.backends.EmailBackend")

    def add_member(self, email, name, role=Role.MEMBER, org=None):
        user = make_user(email, name)
        membership = Membership.objects.create(org=org or self.org, user=user, role=role)
        return user, membership
