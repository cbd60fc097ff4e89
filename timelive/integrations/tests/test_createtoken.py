import datetime as dt
from io import StringIO

from django.core.management import CommandError, call_command
from django.utils import timezone

from timelive.integrations.models import ApiToken
from timelive.orgs.models import AuditEvent, AuditLog, Role
from timelive.test import BaseTestCase


class CreateTokenTestCase(BaseTestCase):
    def createtoken(self, *args):
        stdout, stderr = StringIO(), StringIO()
        call_command("createtoken", *args, stdout=stdout, stderr=stderr)
        return stdout.getvalue(), stderr.getvalue()

    def test_it_prints_only_a_usable_token(self):
        stdout, stderr = self.createtoken("bob@example.org", "--org", "alpha")
        secret = stdout.strip()
        self.assertEqual(stdout, secret + "\n")
        self.assertTrue(secret.startswith("tl_"))
        self.assertIn("bob@example.org", stderr)

        r = self.client.get("/api/v1/orgs/alpha/members", headers={"Authorization": f"Bearer {secret}"})
        self.assertEqual(r.status_code, 200)
        self.assertEqual(r.json()["count"], 2)

    def test_it_limits_the_token_to_the_organisation(self):
        secret = self.createtoken("bob@example.org", "--org", "alpha")[0].strip()
        token = ApiToken.objects.get(user=self.bob)
        self.assertEqual(token.org, self.org)
        self.assertEqual(token.name, "Command-line token")
        self.assertIsNone(token.expires_at)
        self.assertEqual(token.token_hash, ApiToken.authenticate(secret).token_hash)

    def test_it_takes_a_name_and_an_expiry(self):
        before = timezone.now()
        self.createtoken("Bob@Example.org", "--org", "alpha", "--name", "Payroll", "--expires-days", "7")
        token = ApiToken.objects.get(user=self.bob)
        self.assertEqual(token.name, "Payroll")
        self.assertAlmostEqual(token.expires_at, before + dt.timedelta(days=7), delta=dt.timedelta(minutes=1))

    def test_it_is_quiet_with_verbosity_0(self):
        stdout, stderr = self.createtoken("bob@example.org", "--org", "alpha", "--verbosity", "0")
        self.assertTrue(stdout.startswith("tl_"))
        self.assertEqual(stderr, "")

    def test_it_audits(self):
        self.createtoken("bob@example.org", "--org", "alpha", "--name", "Payroll")
        audit = AuditLog.objects.get(event=AuditEvent.TOKEN_CREATED)
        self.assertEqual(audit.org, self.org)
        self.assertEqual(audit.actor, self.bob)
        self.assertEqual(audit.details["name"], "Payroll")

    def assertFails(self, message, *args):
        with self.assertRaisesMessage(CommandError, message):
            self.createtoken(*args)
        self.assertFalse(ApiToken.objects.exists())
        self.assertFalse(AuditLog.objects.filter(event=AuditEvent.TOKEN_CREATED).exists())

    def test_it_rejects_an_unknown_email(self):
        self.assertFails("no person with the email address nobody@example.org", "nobody@example.org", "--org", "alpha")

    def test_it_rejects_an_unknown_organisation(self):
        self.assertFails("no organisation with the slug “nope”", "bob@example.org", "--org", "nope")

    def test_it_rejects_a_person_outside_the_organisation(self):
        self.assertFails("charlie@example.net is not an active member of alpha",
                         "charlie@example.net", "--org", "alpha")

    def test_it_rejects_a_former_member(self):
        self.bob_membership.is_active = False
        self.bob_membership.save()
        self.assertFails("not an active member", "bob@example.org", "--org", "alpha")

    def test_it_accepts_an_external_member(self):
        erin, _ = self.add_member("erin@client.example", "Erin External", role=Role.EXTERNAL)
        self.assertTrue(self.createtoken("erin@client.example", "--org", "alpha")[0].startswith("tl_"))

    def test_it_rejects_a_deactivated_person(self):
        self.bob.is_active = False
        self.bob.save()
        self.assertFails("deactivated", "bob@example.org", "--org", "alpha")

    def test_it_requires_the_organisation(self):
        self.assertFails("--org", "bob@example.org")

    def test_it_rejects_a_bad_expiry(self):
        for days in ["0", "-3", "soon"]:
            self.assertFails("--expires-days", "bob@example.org", "--org", "alpha", "--expires-days", days)

    def test_it_rejects_an_empty_name(self):
        self.assertFails("name", "bob@example.org", "--org", "alpha", "--name", " ")
