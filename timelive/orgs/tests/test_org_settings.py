from timelive.orgs.models import AuditEvent, AuditLog, Role
from timelive.test import BaseTestCase

URL = "/o/alpha/settings/"
VALID = {"name": "Alpha Group", "time_zone": "Europe/Paris", "currency": "EUR", "week_start": "6"}


class OrgSettingsTestCase(BaseTestCase):
    def test_it_shows_the_form_to_admins(self):
        _, admin = self.add_member("admin@example.org", "Ada Admin", role=Role.ADMIN)
        self.login(admin.user)
        r = self.client.get(URL)
        self.assertContains(r, "Organisation settings")
        self.assertContains(r, 'value="Alpha Ltd"')

    def test_it_saves_and_audits_old_and_new_values(self):
        self.login(self.alice)
        r = self.client.post(URL, VALID)
        self.assertRedirects(r, URL, fetch_redirect_response=False)
        self.org.refresh_from_db()
        self.assertEqual((self.org.name, self.org.time_zone, self.org.currency, self.org.week_start),
                         ("Alpha Group", "Europe/Paris", "EUR", 6))
        log = AuditLog.objects.get(event=AuditEvent.ORG_SETTINGS_CHANGED)
        self.assertEqual(log.actor, self.alice)
        self.assertEqual(log.details["changes"], {
            "name": {"old": "Alpha Ltd", "new": "Alpha Group"},
            "time_zone": {"old": "UTC", "new": "Europe/Paris"},
            "currency": {"old": "USD", "new": "EUR"},
            "week_start": {"old": 0, "new": 6},
        })

    def test_it_records_only_what_changed(self):
        self.login(self.alice)
        self.client.post(URL, {"name": "Alpha Ltd", "time_zone": "UTC", "currency": "GBP", "week_start": "0"})
        log = AuditLog.objects.get(event=AuditEvent.ORG_SETTINGS_CHANGED)
        self.assertEqual(log.details["changes"], {"currency": {"old": "USD", "new": "GBP"}})

    def test_saving_without_changes_writes_no_audit_row(self):
        self.login(self.alice)
        self.client.post(URL, {"name": "Alpha Ltd", "time_zone": "UTC", "currency": "USD", "week_start": "0"})
        self.assertFalse(AuditLog.objects.exists())

    def test_it_keeps_the_input_when_invalid(self):
        self.login(self.alice)
        r = self.client.post(URL, {**VALID, "name": "", "time_zone": "Mars/Olympus"})
        self.assertEqual(r.status_code, 400)
        self.assertContains(r, "This field is required.", status_code=400)
        self.assertContains(r, "Select a valid choice.", status_code=400)
        # What was typed stays in the form.
        self.assertContains(r, '<option value="EUR" selected>', status_code=400)
        self.org.refresh_from_db()
        self.assertEqual(self.org.name, "Alpha Ltd")
        # The page header still names the stored organisation, not the half-typed one.
        self.assertContains(r, '<summary aria-label="Switch organisation">Alpha Ltd</summary>', status_code=400)
        self.assertFalse(AuditLog.objects.exists())

    def test_it_refuses_a_name_that_is_too_long(self):
        self.login(self.alice)
        r = self.client.post(URL, {**VALID, "name": "x" * 121})
        self.assertEqual(r.status_code, 400)

    def test_members_get_403(self):
        self.login(self.bob)
        self.assertEqual(self.client.get(URL).status_code, 403)
        self.assertEqual(self.client.post(URL, VALID).status_code, 403)
        self.org.refresh_from_db()
        self.assertEqual(self.org.name, "Alpha Ltd")

    def test_managers_get_403(self):
        manager, _ = self.add_member("m@example.org", "Man Ager", role=Role.MANAGER)
        self.login(manager)
        self.assertEqual(self.client.get(URL).status_code, 403)

    def test_outsiders_get_404(self):
        self.login(self.charlie)
        self.assertEqual(self.client.get(URL).status_code, 404)
        self.assertEqual(self.client.post(URL, VALID).status_code, 404)
        self.org.refresh_from_db()
        self.assertEqual(self.org.name, "Alpha Ltd")


class OrgSettingsActionTestCase(BaseTestCase):
    def test_it_audits_dates_as_text(self):
        import datetime as dt

        from timelive.orgs.actions import do_change_org_settings
        from timelive.orgs.models import AuditEvent, AuditLog

        do_change_org_settings(self.org, {"period_anchor": dt.date(2026, 1, 5)}, acting_user=self.alice)
        log = AuditLog.objects.get(event=AuditEvent.ORG_SETTINGS_CHANGED)
        self.assertEqual(log.details["changes"]["period_anchor"], {"old": None, "new": "2026-01-05"})
