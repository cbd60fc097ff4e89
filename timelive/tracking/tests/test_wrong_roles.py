"""Wrong-role checks for the catalogue and settings pages that had only outsider tests:
a member (and, where a page is for administrators, a manager) gets 403 and changes nothing."""

from timelive.orgs.models import Membership, Role
from timelive.test import BaseTestCase, make_user
from timelive.tracking.models import (
    ClientContact,
    ClientDepartment,
    CustomField,
    CustomFieldTarget,
    Milestone,
    ProjectMember,
    RateKind,
    Tag,
    TaskComment,
)

from .helpers import make_client, make_project, make_rate, make_task


class WrongRoleTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.manager = make_user("mia@example.org", "Mia Manager")
        Membership.objects.create(org=cls.org, user=cls.manager, role=Role.MANAGER)
        cls.acme = make_client(cls.org, "Initech")
        cls.contact = ClientContact.objects.create(client=cls.acme, name="Peter Gibbons")
        cls.department = ClientDepartment.objects.create(client=cls.acme, name="Accounts")
        # Mia manages no project: she may not change this one.
        cls.project = make_project(cls.org, "Website", client=cls.acme, project_manager=cls.alice)
        ProjectMember.objects.create(project=cls.project, user=cls.bob)
        ProjectMember.objects.create(project=cls.project, user=cls.manager)
        cls.task = make_task(cls.project, "Design")
        cls.milestone = Milestone.objects.create(project=cls.project, name="Launch")
        cls.comment = TaskComment.objects.create(task=cls.task, author=cls.alice, body="Alice wrote this")
        cls.tag = Tag.objects.create(org=cls.org, name="urgent")
        cls.field = CustomField.objects.create(org=cls.org, target=CustomFieldTarget.TIME_ENTRY, key="ticket",
                                               label="Ticket")
        cls.rate = make_rate(cls.org, RateKind.BILLING, "100.00")

    def assert_refused(self, users, method, url, data=None):
        for user in users:
            with self.subTest(user=user.email, method=method, url=url):
                self.login(user)
                r = self.client.post(url, data or {}) if method == "post" else self.client.get(url)
                self.assertEqual(r.status_code, 403)

    def test_it_refuses_client_changes_to_members(self):
        c = self.acme.uid
        for method in ("get", "post"):
            self.assert_refused([self.bob], method, f"/o/alpha/clients/{c}/edit/", {"name": "Renamed"})
            self.assert_refused([self.bob], method, f"/o/alpha/clients/{c}/archive/")
        self.assert_refused([self.bob], "post", f"/o/alpha/clients/{c}/unarchive/")
        self.acme.refresh_from_db()
        self.assertEqual((self.acme.name, self.acme.is_archived), ("Initech", False))

    def test_it_refuses_contact_and_department_changes_to_members(self):
        c = self.acme.uid
        for method in ("get", "post"):
            self.assert_refused([self.bob], method, f"/o/alpha/clients/{c}/contacts/new/", {"contact-name": "X"})
            self.assert_refused([self.bob], method, f"/o/alpha/clients/{c}/departments/new/",
                                {"department-name": "X"})
            self.assert_refused([self.bob], method, f"/o/alpha/contacts/{self.contact.uid}/edit/", {"name": "X"})
            self.assert_refused([self.bob], method, f"/o/alpha/departments/{self.department.uid}/edit/",
                                {"name": "X"})
        self.assert_refused([self.bob], "post", f"/o/alpha/departments/{self.department.uid}/delete/")
        self.assertEqual(ClientContact.objects.get().name, "Peter Gibbons")
        self.assertEqual(list(ClientDepartment.objects.values_list("name", flat=True)), ["Accounts"])

    def test_it_refuses_project_member_removal_to_people_who_do_not_manage_it(self):
        url = f"/o/alpha/projects/{self.project.uid}/members/{self.bob.code}/remove/"
        self.assert_refused([self.bob, self.manager], "post", url)
        self.assertTrue(ProjectMember.objects.filter(project=self.project, user=self.bob).exists())
        # Its manager may.
        self.login(self.alice)
        self.assertEqual(self.client.post(url).status_code, 302)
        self.assertFalse(ProjectMember.objects.filter(project=self.project, user=self.bob).exists())

    def test_it_refuses_milestone_changes_to_people_who_do_not_manage_the_project(self):
        who = [self.bob, self.manager]
        m = self.milestone.uid
        for method in ("get", "post"):
            self.assert_refused(who, method, f"/o/alpha/projects/{self.project.uid}/milestones/new/",
                                {"milestone-name": "Beta"})
            self.assert_refused(who, method, f"/o/alpha/milestones/{m}/edit/", {"milestone-name": "Renamed"})
            self.assert_refused(who, method, f"/o/alpha/milestones/{m}/delete/")
        self.assert_refused(who, "post", f"/o/alpha/milestones/{m}/done/")
        self.assertEqual(list(Milestone.objects.values_list("name", "is_done")), [("Launch", False)])

    def test_it_lets_only_the_author_edit_a_comment(self):
        url = f"/o/alpha/comments/{self.comment.uid}/edit/"
        for method in ("get", "post"):
            self.assert_refused([self.bob, self.manager], method, url, {"body": "Not Alice"})
        self.assertEqual(TaskComment.objects.get().body, "Alice wrote this")

    def test_it_refuses_tag_changes_to_members_and_managers(self):
        who = [self.bob, self.manager]
        for method in ("get", "post"):
            self.assert_refused(who, method, "/o/alpha/settings/tracking/tags/rename/?tag=urgent",
                                {"tag": "urgent", "name": "calm"})
            self.assert_refused(who, method, "/o/alpha/settings/tracking/tags/delete/?tag=urgent", {"tag": "urgent"})
        self.assertEqual(list(Tag.objects.values_list("name", flat=True)), ["urgent"])

    def test_it_refuses_custom_field_edits_to_members_and_managers(self):
        url = f"/o/alpha/settings/custom-fields/{self.field.uid}/"
        for method in ("get", "post"):
            self.assert_refused([self.bob, self.manager], method, url, {"label": "Changed", "key": "ticket",
                                                                         "target": "time_entry",
                                                                         "field_type": "text"})
        self.assertEqual(CustomField.objects.get().label, "Ticket")

    def test_it_refuses_rate_edits_to_members_and_managers(self):
        url = f"/o/alpha/settings/rates/{self.rate.uid}/"
        for method in ("get", "post"):
            self.assert_refused([self.bob, self.manager], method, url, {"kind": "billing", "amount": "1.00",
                                                                         "currency": "USD"})
        self.rate.refresh_from_db()
        self.assertEqual(str(self.rate.amount), "100.00")

    def test_it_refuses_expense_settings_to_members_and_managers(self):
        from timelive.expenses.models import ExpenseCode

        code = ExpenseCode.objects.create(org=self.org, title="Travel")
        who = [self.bob, self.manager]
        self.assert_refused(who, "get", "/o/alpha/settings/expenses/")
        for method in ("get", "post"):
            self.assert_refused(who, method, "/o/alpha/settings/expenses/codes/", {"title": "Meals"})
            self.assert_refused(who, method, f"/o/alpha/settings/expenses/codes/{code.uid}/", {"title": "Renamed"})
        self.assert_refused(who, "post", f"/o/alpha/settings/expenses/codes/{code.uid}/active/", {"active": "0"})
        self.assertEqual(list(ExpenseCode.objects.filter(org=self.org).values_list("title", "is_active")),
                         [("Travel", True)])
