import datetime as dt

from django.utils import timezone

from timelive.orgs.models import AuditLog, Membership, Plan, Role
from timelive.test import BaseTestCase
from timelive.tracking.models import MAX_CUSTOM_FIELDS, CustomField, CustomFieldTarget, CustomFieldType

URL = "/o/alpha/settings/custom-fields/"


def make_field(org, key, target=CustomFieldTarget.TIME_ENTRY, **extra):
    extra.setdefault("label", key.title())
    return CustomField.objects.create(org=org, target=target, key=key, **extra)


class CustomFieldsTestCase(BaseTestCase):
    def data(self, **extra):
        data = {"target": "time_entry", "key": "ticket", "label": "Ticket", "field_type": "text", "position": "0"}
        data.update(extra)
        return data

    def test_it_lists_fields_by_target(self):
        make_field(self.org, "ticket")
        make_field(self.org, "po", CustomFieldTarget.PROJECT, label="PO number")
        make_field(self.other_org, "secret", label="Their secret")
        self.login(self.alice)
        r = self.client.get(URL)
        groups = {target: [f.key for f in fields] for target, _, fields in r.context["groups"]}
        self.assertEqual(groups, {"time_entry": ["ticket"], "project": ["po"], "member": []})
        self.assertContains(r, "PO number")
        self.assertNotContains(r, "Their secret")
        self.assertContains(r, "No custom fields on members.")

    def test_it_adds_a_choice_field(self):
        self.login(self.alice)
        r = self.client.post(URL, self.data(key="phase", label="Phase", field_type="choice", required="on",
                                            choices_text="Discovery\n  Build \n\nDiscovery\nRun", position="3"))
        self.assertRedirects(r, URL + "#time_entry")
        field = CustomField.objects.get(key="phase")
        self.assertEqual(field.choices, ["Discovery", "Build", "Run"])
        self.assertTrue(field.required)
        self.assertEqual(field.position, 3)
        log = AuditLog.objects.get()
        # The whole definition, as the API's audit row records it.
        self.assertEqual(log.details["custom_field"]["new"], {
            "target": "time_entry", "key": "phase", "label": "Phase", "type": "choice",
            "choices": ["Discovery", "Build", "Run"], "required": True, "position": 3})

    def test_it_validates(self):
        make_field(self.org, "ticket")
        self.login(self.alice)
        r = self.client.post(URL, self.data(label="Again"))
        self.assertContains(r, "Another field on time entries uses the key ticket.", status_code=400)
        self.assertContains(r, 'value="Again"', status_code=400)
        r = self.client.post(URL, self.data(key="Not a slug!"))
        self.assertIn("key", r.context["form"].errors)
        r = self.client.post(URL, self.data(key="phase", field_type="choice", choices_text=""))
        self.assertContains(r, "List the choices, one a line.", status_code=400)
        r = self.client.post(URL, self.data(key="x", target="nowhere"))
        self.assertIn("target", r.context["form"].errors)
        # The same key on another target is fine.
        r = self.client.post(URL, self.data(target="project"))
        self.assertEqual(r.status_code, 302)

    def test_the_sixteenth_field_is_refused(self):
        for i in range(MAX_CUSTOM_FIELDS):
            make_field(self.org, f"f{i}")
        self.login(self.alice)
        r = self.client.post(URL, self.data(key="one_more"))
        self.assertContains(r, "Time entries already have 15 custom fields, the most there can be. Remove one first.",
                            status_code=400)
        self.assertEqual(CustomField.objects.count(), MAX_CUSTOM_FIELDS)
        # Another target still has room.
        self.assertEqual(self.client.post(URL, self.data(target="member", key="one_more")).status_code, 302)

    def test_it_edits_a_field_but_not_its_key(self):
        field = make_field(self.org, "ticket")
        self.login(self.alice)
        url = f"{URL}{field.uid}/"
        r = self.client.post(url, self.data(key="renamed", label="Ticket number", field_type="number"))
        self.assertRedirects(r, URL + "#time_entry")
        field.refresh_from_db()
        self.assertEqual((field.key, field.label, field.field_type), ("ticket", "Ticket number", "number"))
        log = AuditLog.objects.get()
        self.assertEqual(log.details["custom_field"]["old"]["label"], "Ticket")
        self.assertEqual(log.details["custom_field"]["new"]["label"], "Ticket number")
        # Editing one of fifteen is not adding a sixteenth.
        for i in range(MAX_CUSTOM_FIELDS - 1):
            make_field(self.org, f"f{i}")
        self.assertEqual(self.client.post(url, self.data(label="Ticket")).status_code, 302)

    def test_it_removes_a_field_after_asking(self):
        field = make_field(self.org, "ticket")
        self.login(self.alice)
        self.assertContains(self.client.get(f"{URL}{field.uid}/delete/"), "Remove the custom field Ticket?")
        self.assertRedirects(self.client.post(f"{URL}{field.uid}/delete/"), URL)
        self.assertFalse(CustomField.objects.exists())
        self.assertEqual(AuditLog.objects.get().details["custom_field"]["new"], None)

    def test_it_is_for_admins_of_the_organisation(self):
        field = make_field(self.org, "ticket")
        manager, _ = self.add_member("mia@example.org", "Mia", role=Role.MANAGER)
        for user in (self.bob, manager):
            self.login(user)
            self.assertEqual(self.client.get(URL).status_code, 403)
            self.assertEqual(self.client.post(URL, self.data(key="new")).status_code, 403)
            self.assertEqual(self.client.post(f"{URL}{field.uid}/delete/").status_code, 403)
        self.login(self.charlie)
        self.assertEqual(self.client.get(URL).status_code, 404)
        self.assertEqual(self.client.post(f"/o/bravo/settings/custom-fields/{field.uid}/delete/").status_code, 404)
        self.assertEqual(CustomField.objects.count(), 1)

    def test_a_read_only_organisation_refuses_changes(self):
        self.org.plan = Plan.TRIAL
        self.org.trial_ends_at = timezone.now() - dt.timedelta(days=1)
        self.org.save()
        self.login(self.alice)
        self.assertEqual(self.client.post(URL, self.data()).status_code, 403)
        self.assertFalse(CustomField.objects.exists())

    def test_it_keeps_the_query_count_flat(self):
        self.login(self.alice)
        self.client.get(URL)
        with self.assertNumQueries(7):
            self.client.get(URL)
        for i in range(10):
            make_field(self.org, f"f{i}", CustomFieldTarget.PROJECT)
        with self.assertNumQueries(7):
            self.client.get(URL)


class MemberFieldsTestCase(BaseTestCase):
    def setUp(self):
        make_field(self.org, "employee_no", CustomFieldTarget.MEMBER, label="Employee number", required=True)
        make_field(self.org, "started", CustomFieldTarget.MEMBER, label="Started on", field_type=CustomFieldType.DATE)
        make_field(self.org, "grade", CustomFieldTarget.MEMBER, label="Grade", field_type=CustomFieldType.CHOICE,
                   choices=["Junior", "Senior"])
        self.url = f"/o/alpha/team/{self.bob_membership.code}/fields/"

    def test_admins_edit_a_members_values(self):
        self.login(self.alice)
        r = self.client.get(self.url)
        self.assertContains(r, "Employee number")
        r = self.client.post(self.url, {"cf_employee_no": "E-42", "cf_started": "2024-02-01", "cf_grade": "Senior"})
        self.assertRedirects(r, self.url)
        membership = Membership.objects.get(pk=self.bob_membership.pk)
        self.assertEqual(membership.custom_fields, {"employee_no": "E-42", "started": "2024-02-01", "grade": "Senior"})
        self.assertEqual(AuditLog.objects.get().details["member_fields"]["new"]["grade"], "Senior")
        self.assertContains(self.client.get(self.url), 'value="E-42"')

    def test_it_validates_values(self):
        self.login(self.alice)
        r = self.client.post(self.url, {"cf_started": "yesterday", "cf_grade": "Boss"})
        self.assertContains(r, "Employee number is required.", status_code=400)
        self.assertContains(r, "Started on must be a date like 2026-01-31.", status_code=400)
        self.assertIn("cf_grade", r.context["form"].errors)
        self.assertEqual(Membership.objects.get(pk=self.bob_membership.pk).custom_fields, {})

    def test_it_says_when_there_are_no_fields(self):
        CustomField.objects.all().delete()
        self.login(self.alice)
        self.assertContains(self.client.get(self.url), "There are no custom fields for members.")

    def test_it_is_for_admins_of_the_organisation(self):
        self.login(self.bob)
        self.assertEqual(self.client.get(self.url).status_code, 403)
        self.assertEqual(self.client.post(self.url, {"cf_employee_no": "x"}).status_code, 403)
        self.login(self.charlie)
        self.assertEqual(self.client.get(self.url).status_code, 404)
        self.assertEqual(self.client.get(f"/o/bravo/team/{self.bob_membership.code}/fields/").status_code, 404)
