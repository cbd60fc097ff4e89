import datetime as dt

import time_machine
from django.utils import timezone

from timelive.integrations.actions import do_install_integration, do_remove_integration
from timelive.integrations.models import InstalledIntegration
from timelive.orgs.actions import ActionError
from timelive.orgs.models import AuditEvent, AuditLog, Plan, Role
from timelive.test import BaseTestCase

PAGE = "/o/alpha/integrations/"
# Session, person, membership, the page frame (organisations menu, timer, policy notice) and the
# integrations with who recorded them: the same however many there are.
QUERIES = 7
NOW = dt.datetime(2025, 6, 1, 9, 0, tzinfo=dt.UTC)
FORM = {"name": "Payroll Cloud", "purpose": "Pays people from approved hours",
        "data_categories": "Names, email addresses, approved hours", "location": "Germany",
        "website": "https://payroll.example/privacy"}


def remove_path(integration):
    return f"/o/alpha/integrations/{integration.code}/remove/"


class InstallActionsTestCase(BaseTestCase):
    def test_installing_is_recorded_and_audited(self):
        integration = do_install_integration(self.org, acting_user=self.alice, **FORM)
        self.assertEqual((integration.org, integration.installed_by, integration.removed_at), (self.org, self.alice, None))
        log = AuditLog.objects.get(event=AuditEvent.INTEGRATION_INSTALLED)
        self.assertEqual((log.org, log.actor, log.target_id), (self.org, self.alice, integration.code))
        self.assertEqual(log.details["data_categories"], FORM["data_categories"])

    def test_removing_keeps_the_row_with_the_date_and_is_audited_once(self):
        integration = do_install_integration(self.org, acting_user=self.alice, **FORM)
        with time_machine.travel(NOW.timestamp(), tick=False):
            do_remove_integration(integration, acting_user=self.alice)
        integration.refresh_from_db()
        self.assertEqual(integration.removed_at, NOW)
        with self.assertRaisesMessage(ActionError, "Payroll Cloud was already removed on 1 June 2025."):
            do_remove_integration(integration, acting_user=self.alice)
        self.assertEqual(AuditLog.objects.filter(event=AuditEvent.INTEGRATION_REMOVED).count(), 1)


class InstalledIntegrationsPageTestCase(BaseTestCase):
    def test_administrators_see_the_form_and_every_integration(self):
        InstalledIntegration.objects.create(org=self.org, name="Calendar Sync", purpose="Calendars",
                                            data_categories="Time off", installed_by=self.bob)
        InstalledIntegration.objects.create(org=self.org, name="Old Timeclock", purpose="Clocking",
                                            data_categories="Hours", removed_at=NOW)
        InstalledIntegration.objects.create(org=self.other_org, name="Bravo CRM", purpose="Sales", data_categories="Names")
        self.login(self.alice)
        r = self.client.get(PAGE)
        self.assertEqual(r.status_code, 200)
        self.assertContains(r, "Record an integration")
        self.assertContains(r, "Calendar Sync")
        self.assertContains(r, "by Bob Example")
        self.assertContains(r, "Removed 1 Jun 2025")
        self.assertNotContains(r, "Bravo CRM")
        # Current first, then the removed one.
        self.assertLess(r.content.index(b"Calendar Sync"), r.content.index(b"Old Timeclock"))
        # Only the current one can be removed.
        self.assertContains(r, "/remove/", count=1)

    def test_an_empty_list_says_what_to_do(self):
        self.login(self.alice)
        self.assertContains(self.client.get(PAGE), "No integrations recorded. Add the first one above")

    def test_recording_an_integration(self):
        self.login(self.alice)
        r = self.client.post(PAGE, FORM)
        self.assertRedirects(r, PAGE, fetch_redirect_response=False)
        integration = InstalledIntegration.objects.get()
        self.assertEqual((integration.org, integration.name, integration.location, integration.installed_by),
                         (self.org, "Payroll Cloud", "Germany", self.alice))
        self.assertTrue(AuditLog.objects.filter(event=AuditEvent.INTEGRATION_INSTALLED, org=self.org).exists())
        r = self.client.get(PAGE)
        self.assertContains(r, "Payroll Cloud is now listed for the members of Alpha Ltd.")
        # Members see it on the organisation's subprocessors page.
        self.login(self.bob)
        self.assertContains(self.client.get("/o/alpha/subprocessors/"), "Pays people from approved hours")

    def test_location_and_website_are_optional(self):
        self.login(self.alice)
        r = self.client.post(PAGE, {**FORM, "location": "", "website": ""})
        self.assertEqual(r.status_code, 302)
        self.assertEqual(InstalledIntegration.objects.get().website, "")

    def test_bad_input_is_explained_and_kept(self):
        self.login(self.alice)
        for data, message in [
            ({**FORM, "purpose": ""}, "This field is required."),
            ({**FORM, "data_categories": "  "}, "This field is required."),
            ({**FORM, "website": "javascript:alert(1)"}, "Enter a valid URL."),
            ({**FORM, "website": "ftp://files.example/"}, "Enter a valid URL."),
            ({**FORM, "name": "x" * 121}, "Ensure this value has at most 120 characters"),
        ]:
            r = self.client.post(PAGE, data)
            self.assertEqual(r.status_code, 400, data)
            self.assertContains(r, message, status_code=400)
            self.assertContains(r, "Names, email addresses, approved hours" if data["data_categories"].strip() else
                                "Pays people from approved hours", status_code=400)
        self.assertFalse(InstalledIntegration.objects.exists())
        self.assertFalse(AuditLog.objects.exists())

    def test_the_same_service_is_not_listed_twice(self):
        self.login(self.alice)
        self.client.post(PAGE, FORM)
        r = self.client.post(PAGE, {**FORM, "name": "payroll cloud "})
        self.assertContains(r, "payroll cloud is already listed. Remove it first to record it again.", status_code=400)
        self.assertEqual(InstalledIntegration.objects.count(), 1)
        # Once removed, it can be recorded again (installed anew).
        do_remove_integration(InstalledIntegration.objects.get(), acting_user=self.alice)
        self.assertEqual(self.client.post(PAGE, FORM).status_code, 302)
        self.assertEqual(InstalledIntegration.objects.filter(removed_at=None).count(), 1)

    def test_another_organisations_integration_of_the_same_name_does_not_count(self):
        InstalledIntegration.objects.create(org=self.other_org, name="Payroll Cloud", purpose="x", data_categories="y")
        self.login(self.alice)
        self.assertEqual(self.client.post(PAGE, FORM).status_code, 302)

    def test_members_and_managers_cannot_change_the_list(self):
        manager, _ = self.add_member("manager@example.org", "Mona Manager", role=Role.MANAGER)
        integration = InstalledIntegration.objects.create(org=self.org, name="Calendar Sync", purpose="Calendars",
                                                          data_categories="Time off")
        for person in (self.bob, manager):
            self.login(person)
            self.assertEqual(self.client.get(PAGE).status_code, 403)
            self.assertEqual(self.client.post(PAGE, FORM).status_code, 403)
            self.assertEqual(self.client.get(remove_path(integration)).status_code, 403)
            self.assertEqual(self.client.post(remove_path(integration)).status_code, 403)
        self.assertEqual(InstalledIntegration.objects.filter(removed_at=None).count(), 1)
        self.assertFalse(AuditLog.objects.exists())

    def test_outsiders_get_404(self):
        integration = InstalledIntegration.objects.create(org=self.org, name="Calendar Sync", purpose="Calendars",
                                                          data_categories="Time off")
        self.login(self.charlie)
        self.assertEqual(self.client.get(PAGE).status_code, 404)
        self.assertEqual(self.client.post(PAGE, FORM).status_code, 404)
        self.assertEqual(self.client.post(remove_path(integration)).status_code, 404)
        # Nor can charlie reach it through his own organisation.
        self.assertEqual(self.client.post(f"/o/bravo/integrations/{integration.code}/remove/").status_code, 404)
        self.assertIsNone(InstalledIntegration.objects.get().removed_at)

    def test_anonymous_visitors_are_sent_to_log_in(self):
        r = self.client.get(PAGE)
        self.assertRedirects(r, f"/account/login/?next={PAGE}", fetch_redirect_response=False)

    def test_a_read_only_organisation_cannot_change_it(self):
        self.org.plan = Plan.TRIAL
        self.org.trial_ends_at = timezone.now() - dt.timedelta(days=1)
        self.org.save()
        self.login(self.alice)
        self.assertEqual(self.client.get(PAGE).status_code, 200)
        self.assertEqual(self.client.post(PAGE, FORM).status_code, 403)
        self.assertFalse(InstalledIntegration.objects.exists())

    def test_query_count(self):
        for n in range(5):
            InstalledIntegration.objects.create(org=self.org, name=f"Service {n}", purpose="p", data_categories="d",
                                                installed_by=self.bob, removed_at=NOW if n % 2 else None)
        self.login(self.alice)
        self.client.get(PAGE)
        with self.assertNumQueries(QUERIES):
            r = self.client.get(PAGE)
        self.assertContains(r, "Service 4")



class RemoveIntegrationTestCase(BaseTestCase):
    def setUp(self):
        self.integration = InstalledIntegration.objects.create(org=self.org, name="Calendar Sync", purpose="Calendars",
                                                               data_categories="Time off")
        self.login(self.alice)

    def test_removal_asks_first(self):
        r = self.client.get(remove_path(self.integration))
        self.assertContains(r, "Remove Calendar Sync?")
        self.assertContains(r, 'method="post"')
        self.assertContains(r, f'href="{PAGE}"')
        self.assertIsNone(InstalledIntegration.objects.get().removed_at)

    def test_removing(self):
        r = self.client.post(remove_path(self.integration))
        self.assertRedirects(r, PAGE, fetch_redirect_response=False)
        self.assertIsNotNone(InstalledIntegration.objects.get().removed_at)
        log = AuditLog.objects.get(event=AuditEvent.INTEGRATION_REMOVED)
        self.assertEqual((log.org, log.actor, log.target_id), (self.org, self.alice, self.integration.code))
        self.assertContains(self.client.get(PAGE), "Calendar Sync is removed.")

    def test_removing_twice_says_so_and_changes_nothing(self):
        self.client.post(remove_path(self.integration))
        removed_at = InstalledIntegration.objects.get().removed_at
        r = self.client.post(remove_path(self.integration), follow=True)
        self.assertContains(r, "Calendar Sync was already removed on")
        r = self.client.get(remove_path(self.integration), follow=True)
        self.assertContains(r, "Calendar Sync was already removed on")
        self.assertEqual(InstalledIntegration.objects.get().removed_at, removed_at)
        self.assertEqual(AuditLog.objects.filter(event=AuditEvent.INTEGRATION_REMOVED).count(), 1)

    def test_an_unknown_code_is_404(self):
        self.assertEqual(self.client.post("/o/alpha/integrations/nope/remove/").status_code, 404)
