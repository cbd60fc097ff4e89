from io import StringIO

from django.core.management import call_command
from django.test import TestCase

from timelive.accounts.models import User
from timelive.notifications.models import OutboxEmail
from timelive.orgs.models import AuditLog, Invitation, Membership, Organization, Plan, Role


def counts():
    return {model.__name__: model.objects.count()
            for model in (User, Organization, Membership, Invitation, AuditLog, OutboxEmail)}


class DemoCommandTestCase(TestCase):
    def run_demo(self):
        out = StringIO()
        with self.captureOnCommitCallbacks(execute=True):
            call_command("demo", stdout=out)
        return out.getvalue()

    def test_it_creates_acme_and_globex_with_their_people(self):
        output = self.run_demo()
        acme = Organization.objects.get(slug="acme")
        globex = Organization.objects.get(slug="globex")
        roles = set(acme.memberships.values_list("role", flat=True))
        self.assertTrue({Role.OWNER, Role.ADMIN, Role.MANAGER, Role.MEMBER} <= roles)
        self.assertGreaterEqual(acme.memberships.filter(role=Role.MEMBER).count(), 2)
        self.assertEqual(globex.memberships.filter(role=Role.OWNER).count(), 1)
        # Nobody is in both: isolation can be seen.
        acme_people = set(acme.memberships.values_list("user", flat=True))
        self.assertFalse(acme_people & set(globex.memberships.values_list("user", flat=True)))
        self.assertEqual(globex.plan, Plan.SUBSCRIBED)
        olivia = User.objects.get(email="olivia@acme.example")
        self.assertTrue(olivia.check_password("timelive-demo"))
        self.assertTrue(olivia.is_email_verified)
        self.assertEqual(olivia.last_org, acme)
        self.assertTrue(User.objects.get(email="operator@timelive.example").is_staff)
        self.assertIn("olivia@acme.example", output)
        self.assertIn("timelive-demo", output)

    def test_it_is_idempotent(self):
        self.run_demo()
        first = counts()
        self.run_demo()
        self.assertEqual(counts(), first)

    def test_it_keeps_passwords_people_changed(self):
        self.run_demo()
        olivia = User.objects.get(email="olivia@acme.example")
        olivia.set_password("my own secret phrase")
        olivia.save()
        self.run_demo()
        olivia.refresh_from_db()
        self.assertTrue(olivia.check_password("my own secret phrase"))

    def test_the_demo_owner_can_log_in_and_see_acme(self):
        self.run_demo()
        r = self.client.post("/account/login/", {"email": "olivia@acme.example", "password": "timelive-demo"}, follow=True)
        self.assertEqual(r.redirect_chain[-1][0], "/o/acme/")
        self.assertEqual(self.client.get("/o/globex/").status_code, 404)


class DemoTrackingTestCase(TestCase):
    def run_demo(self, *args):
        with self.captureOnCommitCallbacks(execute=True):
            call_command("demo", *args, stdout=StringIO())

    def test_it_seeds_projects_and_entries_once_and_tops_up_on_request(self):
        from timelive.tracking.models import Project, TimeEntry

        self.run_demo()
        acme = Organization.objects.get(slug="acme")
        globex = Organization.objects.get(slug="globex")
        self.assertEqual(Project.objects.filter(org=acme).count(), 3)
        first = TimeEntry.objects.filter(org=acme).count()
        self.assertGreater(first, 100)
        self.assertGreater(TimeEntry.objects.filter(org=globex).count(), 0)
        # Each organisation's entries use its own projects and people only.
        self.assertFalse(TimeEntry.objects.filter(org=acme).exclude(project__org=acme).exists())
        self.assertFalse(TimeEntry.objects.filter(org=acme, user__memberships__org=globex).exists())
        # Valued at the organisation's rate when they were made.
        self.assertFalse(TimeEntry.objects.filter(org=acme, bill_rate=None).exists())
        self.run_demo()
        self.assertEqual(TimeEntry.objects.filter(org=acme).count(), first)
        self.run_demo("--entries", str(first + 250))
        self.assertEqual(TimeEntry.objects.filter(org=acme).count(), first + 250)

    def test_it_refuses_a_negative_count(self):
        from django.core.management.base import CommandError

        with self.assertRaises(CommandError):
            call_command("demo", "--entries", "-1", stdout=StringIO())
