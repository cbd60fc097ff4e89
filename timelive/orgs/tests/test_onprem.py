from django.core import mail
from django.test import Client, TestCase, override_settings

from timelive.accounts.models import User
from timelive.orgs.actions import do_invite_member
from timelive.orgs.models import AuditEvent, AuditLog, Membership, Organization, Plan, Role

SETUP = {"name": "Intranet Co", "time_zone": "Europe/Vienna", "currency": "EUR", "full_name": "Ida IT",
         "email": "Ida@Intranet.example", "password": "a long enough passphrase"}


@override_settings(TIMELIVE_EDITION="onprem")
class OnPremTestCase(TestCase):
    def setup_install(self):
        with self.captureOnCommitCallbacks(execute=True):
            return self.client.post("/setup/", SETUP)

    def test_an_empty_install_sends_every_page_to_setup(self):
        for path in ["/", "/account/login/", "/account/signup/", "/o/anything/", "/account/profile/", "/no/such/page/"]:
            r = self.client.get(path)
            self.assertRedirects(r, "/setup/", fetch_redirect_response=False, msg_prefix=path)
        self.assertContains(self.client.get("/setup/"), "Set up TimeLive")

    def test_the_api_is_not_redirected(self):
        r = self.client.get("/api/v1/me")
        self.assertEqual(r.status_code, 401)

    def test_setup_creates_the_organisation_and_its_owner(self):
        r = self.setup_install()
        org = Organization.objects.get()
        self.assertRedirects(r, f"/o/{org.slug}/", fetch_redirect_response=False)
        self.assertEqual((org.name, org.plan, org.trial_ends_at, org.time_zone, org.currency),
                         ("Intranet Co", Plan.ONPREM, None, "Europe/Vienna", "EUR"))
        ida = User.objects.get()
        self.assertEqual((ida.email, ida.full_name, ida.time_zone), ("ida@intranet.example", "Ida IT", "Europe/Vienna"))
        self.assertEqual(Membership.objects.get().role, Role.OWNER)
        self.assertEqual(AuditLog.objects.get(event=AuditEvent.ORG_CREATED).details, {"plan": "onprem", "edition": "onprem"})
        # The owner is logged in and can invite at once, even before mail is set up.
        self.assertEqual(self.client.get(f"/o/{org.slug}/").status_code, 200)
        self.assertTrue(ida.is_email_verified)
        self.assertEqual(mail.outbox, [])
        # No trial on-premises.
        self.assertNotContains(self.client.get(f"/o/{org.slug}/"), "Trial")

    def test_setup_keeps_the_input_when_invalid(self):
        r = self.client.post("/setup/", {**SETUP, "password": "short"})
        self.assertContains(r, 'value="Intranet Co"')
        self.assertFalse(Organization.objects.exists())
        self.assertFalse(User.objects.exists())

    def test_afterwards_setup_and_signup_are_gone(self):
        self.setup_install()
        for client in (self.client, Client()):
            self.assertEqual(client.get("/setup/").status_code, 404)
            self.assertEqual(client.post("/setup/", {**SETUP, "email": "other@example.org"}).status_code, 404)
            self.assertEqual(client.get("/account/signup/").status_code, 404)
            self.assertEqual(client.post("/account/signup/", {}).status_code, 404)
            self.assertEqual(client.get("/orgs/new/").status_code, 302 if client is not self.client else 404)
        self.assertEqual(Organization.objects.count(), 1)
        self.assertEqual(User.objects.count(), 1)

    def test_a_fresh_process_sees_the_install_is_set_up(self):
        self.setup_install()
        # A new client has a new handler, with a new middleware instance.
        anonymous = Client()
        r = anonymous.get("/account/login/")
        self.assertEqual(r.status_code, 200)
        self.assertNotContains(r, "/account/signup/")

    def test_people_join_by_invitation(self):
        self.setup_install()
        org = Organization.objects.get()
        ida = User.objects.get()
        ida.email_verified_at = ida.date_joined
        ida.save()
        invitation, token = do_invite_member(org, "joe@intranet.example", Role.MEMBER, acting_user=ida)
        joe = Client()
        r = joe.post(f"/invitation/{token}/", {"full_name": "Joe Staff", "password": "another long passphrase"})
        self.assertRedirects(r, f"/o/{org.slug}/", fetch_redirect_response=False)
        self.assertTrue(Membership.objects.filter(org=org, user__email="joe@intranet.example").exists())

    def test_the_operator_console_stays_reachable_before_setup(self):
        r = self.client.get("/operator/")
        self.assertRedirects(r, "/operator/login/?next=/operator/", fetch_redirect_response=False)

    @override_settings(TIMELIVE_EDITION="cloud")
    def test_setup_is_404_in_the_cloud(self):
        self.assertEqual(self.client.get("/setup/").status_code, 404)
        self.assertContains(self.client.get("/account/login/"), "/account/signup/")
