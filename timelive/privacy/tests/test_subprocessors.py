import datetime as dt

from django.test import Client
from django.utils import timezone

from timelive.integrations.models import InstalledIntegration
from timelive.orgs.models import AuditEvent, AuditLog, Role
from timelive.privacy.models import Subprocessor
from timelive.test import BaseTestCase, make_user

PUBLIC = "/subprocessors/"
ORG_PAGE = "/o/alpha/subprocessors/"
# The session and person, the membership, the page frame (organisations menu, timer, notices),
# the subprocessors and the integrations: the same however many rows there are.
QUERIES = 8


def subprocessor(name, **fields):
    fields.setdefault("purpose", "Hosting")
    fields.setdefault("data_categories", "Everything stored in TimeLive")
    fields.setdefault("location", "European Union")
    return Subprocessor.objects.create(name=name, **fields)


def integration(org, name, **fields):
    fields.setdefault("purpose", "Payroll")
    fields.setdefault("data_categories", "Names and approved hours")
    return InstalledIntegration.objects.create(org=org, name=name, **fields)


class PublicSubprocessorsTestCase(BaseTestCase):
    def test_anyone_sees_the_listed_subprocessors(self):
        subprocessor("Cloud Host", website="https://host.example/privacy", position=2)
        subprocessor("Mail Relay", purpose="Sends email", data_categories="Names and email addresses",
                     location="United States", position=1)
        subprocessor("Old Backup Co", is_active=False)
        r = self.client.get(PUBLIC)
        self.assertEqual(r.status_code, 200)
        self.assertContains(r, "Sends email")
        self.assertContains(r, "Names and email addresses")
        self.assertContains(r, "United States")
        self.assertContains(r, '<a href="https://host.example/privacy" rel="noopener noreferrer nofollow">Cloud Host</a>',
                            html=True)
        self.assertNotContains(r, "Old Backup Co")
        # In the operator's order.
        self.assertLess(r.content.index(b"Mail Relay"), r.content.index(b"Cloud Host"))

    def test_an_empty_list_says_so(self):
        r = self.client.get(PUBLIC)
        self.assertContains(r, "has not listed any subprocessors yet")

    def test_it_is_linked_from_the_privacy_policy_and_the_footer(self):
        r = self.client.get("/privacy/")
        self.assertContains(r, f'href="{PUBLIC}"', count=2)
        r = self.client.get("/terms/")
        self.assertContains(r, f'href="{PUBLIC}"', count=1)

    def test_it_reads_the_list_in_one_query(self):
        for n in range(5):
            subprocessor(f"Provider {n}")
        # The policy notice and the list.
        with self.assertNumQueries(2):
            r = self.client.get(PUBLIC)
        self.assertContains(r, "Provider 4")

    def test_it_only_answers_reads(self):
        self.assertEqual(self.client.post(PUBLIC).status_code, 405)


class OrgSubprocessorsTestCase(BaseTestCase):
    def test_members_see_the_operator_list_and_their_organisations_integrations(self):
        subprocessor("Cloud Host")
        integration(self.org, "Payroll Cloud", location="Germany", website="https://payroll.example")
        integration(self.other_org, "Bravo's CRM")
        self.login(self.bob)
        r = self.client.get(ORG_PAGE)
        self.assertEqual(r.status_code, 200)
        self.assertContains(r, "Cloud Host")
        self.assertContains(r, "Payroll Cloud")
        self.assertContains(r, "Germany")
        self.assertNotContains(r, "Bravo&#x27;s CRM")
        self.assertNotContains(r, "Bravo's CRM")
        # Members see, but the way to change the list is for administrators.
        self.assertNotContains(r, "/o/alpha/integrations/")

    def test_removed_integrations_show_as_removed_with_the_date(self):
        integration(self.org, "Old Timeclock", installed_at=timezone.now() - dt.timedelta(days=400),
                    removed_at=dt.datetime(2025, 3, 14, 12, tzinfo=dt.UTC))
        self.login(self.bob)
        r = self.client.get(ORG_PAGE)
        self.assertContains(r, "No longer used")
        self.assertContains(r, "Old Timeclock")
        self.assertContains(r, "removed 14 Mar 2025")
        self.assertContains(r, "has not installed any integrations")

    def test_empty_states(self):
        self.login(self.bob)
        r = self.client.get(ORG_PAGE)
        self.assertContains(r, "Alpha Ltd has not installed any integrations.")
        self.assertContains(r, "has not listed any subprocessors yet")
        self.assertNotContains(r, "No longer used")

    def test_administrators_are_shown_where_to_record_integrations(self):
        self.login(self.alice)
        r = self.client.get(ORG_PAGE)
        self.assertContains(r, 'href="/o/alpha/integrations/"')

    def test_external_members_see_it_too(self):
        external, _ = self.add_member("ext@example.org", "Ext", role=Role.EXTERNAL)
        integration(self.org, "Payroll Cloud")
        self.login(external)
        self.assertContains(self.client.get(ORG_PAGE), "Payroll Cloud")

    def test_the_footer_links_to_the_organisations_page(self):
        self.login(self.bob)
        r = self.client.get("/o/alpha/")
        self.assertContains(r, f'href="{ORG_PAGE}"')

    def test_outsiders_get_404(self):
        integration(self.org, "Payroll Cloud")
        self.login(self.charlie)
        self.assertEqual(self.client.get(ORG_PAGE).status_code, 404)
        # A removed member is an outsider too.
        self.bob_membership.is_active = False
        self.bob_membership.save()
        self.login(self.bob)
        self.assertEqual(self.client.get(ORG_PAGE).status_code, 404)

    def test_anonymous_visitors_are_sent_to_log_in(self):
        r = self.client.get(ORG_PAGE)
        self.assertRedirects(r, f"/account/login/?next={ORG_PAGE}", fetch_redirect_response=False)

    def test_query_count(self):
        for n in range(4):
            subprocessor(f"Provider {n}")
            integration(self.org, f"Integration {n}")
            integration(self.org, f"Removed {n}", removed_at=timezone.now())
        self.login(self.bob)
        self.client.get(ORG_PAGE)
        with self.assertNumQueries(QUERIES):
            r = self.client.get(ORG_PAGE)
        self.assertContains(r, "Integration 3")
        self.assertContains(r, "Removed 3")
        self.assertContains(r, "Provider 3")


class SubprocessorAdminTestCase(BaseTestCase):
    def setUp(self):
        self.operator = make_user("op@timelive.example", "Olga Operator", is_staff=True, is_superuser=True)
        self.login(self.operator)

    def test_the_operator_adds_changes_and_unlists_a_subprocessor_audited(self):
        r = self.client.post("/operator/privacy/subprocessor/add/", {
            "name": "Mail Relay", "purpose": "Sends email", "data_categories": "Names and email addresses",
            "location": "European Union", "website": "https://mail.example", "position": "1", "is_active": "on",
        })
        self.assertEqual(r.status_code, 302)
        row = Subprocessor.objects.get()
        # (Asked anonymously: the operator's own page would also show the console's "changed" message.)
        self.assertContains(Client().get(PUBLIC), "Mail Relay")
        r = self.client.post(f"/operator/privacy/subprocessor/{row.pk}/change/", {
            "name": "Mail Relay", "purpose": "Sends email", "data_categories": "Names and email addresses",
            "location": "European Union", "website": "https://mail.example", "position": "1",
        })
        self.assertEqual(r.status_code, 302)
        self.assertNotContains(Client().get(PUBLIC), "Mail Relay")
        added, changed = AuditLog.objects.filter(event=AuditEvent.OPERATOR_CHANGE).order_by("id")
        self.assertEqual((added.details["action"], added.details["model"]), ("add", "privacy.Subprocessor"))
        self.assertEqual(changed.details["changes"], {"is_active": {"old": True, "new": False}})
        self.assertEqual(changed.actor, self.operator)

    def test_required_fields_are_asked_for(self):
        r = self.client.post("/operator/privacy/subprocessor/add/", {"name": "Nameless", "position": "0"})
        self.assertEqual(r.status_code, 200)
        self.assertContains(r, "This field is required.")
        self.assertFalse(Subprocessor.objects.exists())
        self.assertFalse(AuditLog.objects.exists())

    def test_a_deletion_is_audited(self):
        row = subprocessor("Cloud Host")
        r = self.client.post(f"/operator/privacy/subprocessor/{row.pk}/delete/", {"post": "yes"})
        self.assertEqual(r.status_code, 302)
        self.assertFalse(Subprocessor.objects.exists())
        log = AuditLog.objects.get(event=AuditEvent.OPERATOR_CHANGE)
        self.assertEqual((log.details["action"], log.target_label), ("delete", "Cloud Host"))
