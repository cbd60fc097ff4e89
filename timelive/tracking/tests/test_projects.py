import datetime as dt
from decimal import Decimal
from unittest import mock

from django.utils import timezone

from timelive.orgs.models import Plan, Role
from timelive.test import BaseTestCase
from timelive.tracking.models import (
    CustomField,
    CustomFieldTarget,
    CustomFieldType,
    Milestone,
    Project,
    ProjectMember,
    ProjectStatus,
    TimeEntry,
)

from .helpers import make_client, make_project, make_task

DAY = dt.date(2026, 11, 23)


class ProjectTestBase(BaseTestCase):
    def setUp(self):
        self.manager, _ = self.add_member("mia@example.org", "Mia Manager", role=Role.MANAGER)
        self.external, _ = self.add_member("ext@client.example", "Erin External", role=Role.EXTERNAL)
        self.initech = make_client(self.org, "Initech")
        self.project = make_project(self.org, "Website", code="WEB-1", client=self.initech)

    def expire_trial(self):
        self.org.plan = Plan.TRIAL
        self.org.trial_ends_at = timezone.now() - dt.timedelta(days=1)
        self.org.save()

    def data(self, **extra):
        data = {"name": "Intranet", "code": "INT-1", "billing_type": "hourly", "is_public": "on"}
        data.update(extra)
        return data


class ProjectListTestCase(ProjectTestBase):
    def test_it_lists_projects_with_their_details(self):
        self.project.project_manager = self.alice
        self.project.save()
        make_project(self.other_org, "Not ours")
        self.login(self.bob)
        r = self.client.get("/o/alpha/projects/")
        for text in ("WEB-1", "Website", "Initech", "Hourly", "Active", "Alice Example"):
            self.assertContains(r, text)
        self.assertNotContains(r, "Not ours")
        self.assertNotContains(r, "New project")

    def test_members_see_only_projects_they_may_log_on(self):
        private = make_project(self.org, "Secret", is_public=False)
        mine = make_project(self.org, "Mine", is_public=False)
        ProjectMember.objects.create(project=mine, user=self.bob)
        self.login(self.bob)
        names = [p.name for p in self.client.get("/o/alpha/projects/").context["page"]]
        self.assertEqual(names, ["Mine", "Website"])
        self.assertEqual(self.client.get(f"/o/alpha/projects/{private.uid}/").status_code, 404)
        self.login(self.alice)
        names = [p.name for p in self.client.get("/o/alpha/projects/").context["page"]]
        self.assertEqual(names, ["Mine", "Secret", "Website"])

    def test_managers_see_the_private_projects_they_manage(self):
        led = make_project(self.org, "Led", is_public=False, team_lead=self.manager)
        self.login(self.manager)
        names = [p.name for p in self.client.get("/o/alpha/projects/").context["page"]]
        self.assertEqual(names, ["Led", "Website"])
        self.assertContains(self.client.get(f"/o/alpha/projects/{led.uid}/"), "Led")

    def test_it_filters(self):
        make_project(self.org, "Old", status=ProjectStatus.ARCHIVED)
        make_project(self.org, "Paused", status=ProjectStatus.ON_HOLD, code="PAU")
        self.login(self.alice)
        get = lambda **q: [p.name for p in self.client.get("/o/alpha/projects/", q).context["page"]]  # noqa: E731
        self.assertEqual(get(), ["Paused", "Website"])
        self.assertEqual(get(status="archived"), ["Old"])
        self.assertEqual(get(status="on_hold"), ["Paused"])
        self.assertEqual(get(client=self.initech.uid), ["Website"])
        self.assertEqual(get(q="pau"), ["Paused"])
        self.assertEqual(get(status="junk"), ["Paused", "Website"])
        self.assertContains(self.client.get("/o/alpha/projects/", {"q": "zzz"}), "No project matches these filters.")

    def test_it_shows_empty_states(self):
        Project.objects.all().delete()
        self.login(self.alice)
        self.assertContains(self.client.get("/o/alpha/projects/"), "No projects yet.")
        self.login(self.bob)
        self.assertContains(self.client.get("/o/alpha/projects/"), "Ask a project manager to add you.")

    def test_it_paginates(self):
        for i in range(3):
            make_project(self.org, f"Zed {i}")
        self.login(self.alice)
        with mock.patch("timelive.tracking.views.projects.PAGE_SIZE", 2):
            r = self.client.get("/o/alpha/projects/", {"q": "zed"})
        self.assertContains(r, "Page 1 of 2")

    def test_it_keeps_the_query_count_flat(self):
        self.login(self.bob)
        self.client.get("/o/alpha/projects/")
        with self.assertNumQueries(9):
            self.client.get("/o/alpha/projects/")
        for i in range(10):
            make_project(self.org, f"P{i}", client=make_client(self.org, f"C{i}"), project_manager=self.alice)
        with self.assertNumQueries(9):
            self.client.get("/o/alpha/projects/")

    def test_the_sidebar_offers_projects_clients_and_settings_by_role(self):
        links = ('href="/o/alpha/projects/"', 'href="/o/alpha/clients/"', 'href="/o/alpha/settings/tracking/"')
        for user, expected in ((self.alice, (True, True, True)), (self.manager, (True, True, False)),
                               (self.bob, (True, False, False)), (self.external, (False, False, False))):
            self.login(user)
            page = self.client.get("/o/alpha/").content.decode()
            self.assertEqual(tuple(link in page for link in links), expected, user)

    def test_it_forbids_externals_and_hides_from_outsiders(self):
        self.login(self.external)
        self.assertEqual(self.client.get("/o/alpha/projects/").status_code, 403)
        self.assertEqual(self.client.get(f"/o/alpha/projects/{self.project.uid}/").status_code, 403)
        self.login(self.charlie)
        self.assertEqual(self.client.get("/o/alpha/projects/").status_code, 404)
        self.assertEqual(self.client.get(f"/o/bravo/projects/{self.project.uid}/").status_code, 404)


class ProjectFormTestCase(ProjectTestBase):
    def test_it_creates_a_project_with_every_field(self):
        department = self.initech.departments.create(name="Sales")
        self.login(self.alice)
        r = self.client.post("/o/alpha/projects/new/", self.data(
            client=self.initech.uid, department=department.uid, billing_type="fixed_fee",
            project_manager=self.manager.code, team_lead=self.bob.code, members=[self.bob.code, self.manager.code],
            estimated_hours="120.5", estimated_cost="9000", fixed_cost="12000.00", start_date="2026-01-05",
            deadline="2026-03-31", description="The new intranet", is_public="", is_template="on"))
        project = Project.objects.get(name="Intranet")
        self.assertRedirects(r, f"/o/alpha/projects/{project.uid}/")
        self.assertEqual(project.org, self.org)
        self.assertEqual((project.code, project.client, project.department), ("INT-1", self.initech, department))
        self.assertEqual((project.project_manager, project.team_lead), (self.manager, self.bob))
        self.assertEqual(set(project.members.all()), {self.bob, self.manager})
        self.assertEqual(project.estimated_hours, Decimal("120.5"))
        self.assertEqual(project.fixed_cost, Decimal("12000"))
        self.assertEqual(project.deadline, dt.date(2026, 3, 31))
        self.assertFalse(project.is_public)
        self.assertTrue(project.is_template)
        self.assertEqual(project.status, ProjectStatus.ACTIVE)

    def test_it_refuses_a_duplicate_code_whatever_the_case(self):
        self.login(self.alice)
        r = self.client.post("/o/alpha/projects/new/", self.data(code="web-1"))
        self.assertContains(r, "The code web-1 is already used by Website.", status_code=400)
        self.assertContains(r, 'value="Intranet"', status_code=400)
        # Empty codes never clash.
        self.client.post("/o/alpha/projects/new/", self.data(code="", name="A"))
        self.client.post("/o/alpha/projects/new/", self.data(code="", name="B"))
        self.assertEqual(Project.objects.filter(code="").count(), 2)

    def test_it_validates_dates_department_and_people(self):
        other_client = make_client(self.org, "Globex")
        department = other_client.departments.create(name="Sales")
        self.login(self.alice)
        r = self.client.post("/o/alpha/projects/new/", self.data(
            start_date="2026-02-01", deadline="2026-01-01", client=self.initech.uid, department=department.uid,
            project_manager=self.charlie.code, team_lead=self.external.code, estimated_hours="-1"))
        self.assertEqual(r.status_code, 400)
        self.assertContains(r, "The deadline cannot be before the start date.", status_code=400)
        self.assertContains(r, "Sales is not a department of Initech.", status_code=400)
        self.assertContains(r, "Ensure this value is greater than or equal to 0.", status_code=400)
        errors = r.context["form"].errors
        self.assertIn("project_manager", errors)  # not a member of this organisation
        self.assertIn("team_lead", errors)  # externals do not lead projects
        self.assertFalse(Project.objects.filter(name="Intranet").exists())

    def test_it_does_not_offer_another_organisations_client(self):
        bravo_client = make_client(self.other_org, "Umbrella")
        self.login(self.alice)
        r = self.client.post("/o/alpha/projects/new/", self.data(client=bravo_client.uid))
        self.assertIn("client", r.context["form"].errors)

    def test_it_handles_project_custom_fields(self):
        CustomField.objects.create(org=self.org, target=CustomFieldTarget.PROJECT, key="po", label="PO number",
                                   required=True)
        CustomField.objects.create(org=self.org, target=CustomFieldTarget.PROJECT, key="budget", label="Budget",
                                   field_type=CustomFieldType.NUMBER)
        CustomField.objects.create(org=self.org, target=CustomFieldTarget.TIME_ENTRY, key="ticket", label="Ticket")
        self.login(self.alice)
        r = self.client.get("/o/alpha/projects/new/")
        self.assertContains(r, "PO number")
        self.assertNotContains(r, "Ticket")
        r = self.client.post("/o/alpha/projects/new/", self.data(cf_budget="lots"))
        self.assertContains(r, "PO number is required.", status_code=400)
        self.assertContains(r, "Budget must be a number.", status_code=400)
        r = self.client.post("/o/alpha/projects/new/", self.data(cf_po="PO-7", cf_budget="1500.50"))
        project = Project.objects.get(name="Intranet")
        self.assertEqual(project.custom_fields, {"po": "PO-7", "budget": "1500.50"})
        self.assertContains(self.client.get(f"/o/alpha/projects/{project.uid}/"), "PO-7")

    def test_managers_create_projects_they_can_manage(self):
        self.login(self.manager)
        r = self.client.post("/o/alpha/projects/new/", self.data())
        project = Project.objects.get(name="Intranet")
        self.assertRedirects(r, f"/o/alpha/projects/{project.uid}/")
        self.assertEqual(project.project_manager, self.manager)
        r = self.client.post("/o/alpha/projects/new/", self.data(name="Other", code="", project_manager=self.alice.code,
                                                                  team_lead=self.bob.code))
        self.assertContains(r, "Make yourself the project manager or the team lead", status_code=400)

    def test_members_and_externals_cannot_create_projects(self):
        for user in (self.bob, self.external):
            self.login(user)
            self.assertEqual(self.client.get("/o/alpha/projects/new/").status_code, 403)
            self.assertEqual(self.client.post("/o/alpha/projects/new/", self.data()).status_code, 403)
        self.assertFalse(Project.objects.filter(name="Intranet").exists())

    def test_it_edits_a_project(self):
        ProjectMember.objects.create(project=self.project, user=self.bob)
        self.login(self.alice)
        r = self.client.get(f"/o/alpha/projects/{self.project.uid}/edit/")
        self.assertContains(r, 'value="WEB-1"')
        r = self.client.post(f"/o/alpha/projects/{self.project.uid}/edit/", self.data(
            name="Website v2", code="WEB-1", members=[self.manager.code]))
        self.assertRedirects(r, f"/o/alpha/projects/{self.project.uid}/")
        self.project.refresh_from_db()
        self.assertEqual(self.project.name, "Website v2")
        self.assertEqual(list(self.project.members.all()), [self.manager])

    def test_who_may_edit(self):
        self.login(self.manager)
        self.assertEqual(self.client.get(f"/o/alpha/projects/{self.project.uid}/edit/").status_code, 403)
        self.project.team_lead = self.manager
        self.project.save()
        self.assertEqual(self.client.get(f"/o/alpha/projects/{self.project.uid}/edit/").status_code, 200)
        self.login(self.bob)
        r = self.client.post(f"/o/alpha/projects/{self.project.uid}/edit/", self.data())
        self.assertEqual(r.status_code, 403)
        self.login(self.charlie)
        self.assertEqual(self.client.get(f"/o/alpha/projects/{self.project.uid}/edit/").status_code, 404)

    def test_a_read_only_organisation_refuses_changes(self):
        self.expire_trial()
        self.login(self.alice)
        self.assertEqual(self.client.post("/o/alpha/projects/new/", self.data()).status_code, 403)
        self.assertEqual(self.client.post(f"/o/alpha/projects/{self.project.uid}/edit/", self.data()).status_code, 403)
        self.assertEqual(self.client.post(f"/o/alpha/projects/{self.project.uid}/archive/").status_code, 403)
        self.assertEqual(self.client.get(f"/o/alpha/projects/{self.project.uid}/").status_code, 200)


class ProjectDetailTestCase(ProjectTestBase):
    def test_it_shows_tasks_and_logged_totals(self):
        design = make_task(self.project, "Design")
        make_task(self.project, "Build")
        TimeEntry.objects.create(org=self.org, user=self.bob, project=self.project, task=design, date=DAY, duration=5400)
        TimeEntry.objects.create(org=self.org, user=self.bob, project=self.project, date=DAY, duration=1800,
                                 billable=False)
        self.login(self.bob)
        r = self.client.get(f"/o/alpha/projects/{self.project.uid}/")
        self.assertEqual(r.context["total"], {"seconds": 7200, "billable": 5400})
        self.assertEqual({t.name: t.logged for t in r.context["tasks"]}, {"Design": 5400, "Build": 0})
        self.assertContains(r, "2:00")
        self.assertContains(r, "Logged without a task")
        self.assertNotContains(r, "Change status")
        self.assertFalse(r.context["can_manage"])

    def test_it_keeps_the_query_count_flat(self):
        self.login(self.alice)
        url = f"/o/alpha/projects/{self.project.uid}/"
        make_task(self.project, "First").assignees.add(self.bob)
        self.client.get(url)
        # session, user, membership, project, totals, tasks, assignees, custom fields, milestones,
        # members, the people who may be added, and the layout's two
        with self.assertNumQueries(14):
            self.client.get(url)
        for i in range(5):
            task = make_task(self.project, f"T{i}")
            task.assignees.add(self.bob)
            TimeEntry.objects.create(org=self.org, user=self.bob, project=self.project, task=task, date=DAY, duration=60)
            Milestone.objects.create(project=self.project, name=f"M{i}")
            ProjectMember.objects.create(project=self.project, user=self.add_member(f"p{i}@example.org", f"P{i}")[0])
        with self.assertNumQueries(14):
            self.client.get(url)


class ProjectStatusTestCase(ProjectTestBase):
    def test_it_changes_the_status(self):
        self.login(self.alice)
        r = self.client.post(f"/o/alpha/projects/{self.project.uid}/status/", {"status": "on_hold"})
        self.assertRedirects(r, f"/o/alpha/projects/{self.project.uid}/")
        self.project.refresh_from_db()
        self.assertEqual(self.project.status, ProjectStatus.ON_HOLD)

    def test_archiving_asks_first(self):
        self.login(self.alice)
        r = self.client.post(f"/o/alpha/projects/{self.project.uid}/status/", {"status": "archived"})
        self.assertRedirects(r, f"/o/alpha/projects/{self.project.uid}/archive/")
        self.project.refresh_from_db()
        self.assertEqual(self.project.status, ProjectStatus.ACTIVE)
        self.assertContains(self.client.get(f"/o/alpha/projects/{self.project.uid}/archive/"), "Archive WEB-1 Website?")
        self.client.post(f"/o/alpha/projects/{self.project.uid}/archive/")
        self.project.refresh_from_db()
        self.assertEqual(self.project.status, ProjectStatus.ARCHIVED)

    def test_it_refuses_an_unknown_status(self):
        self.login(self.alice)
        r = self.client.post(f"/o/alpha/projects/{self.project.uid}/status/", {"status": "gone"}, follow=True)
        self.assertContains(r, "Choose one of the statuses offered.")

    def test_members_cannot_change_the_status(self):
        self.login(self.bob)
        self.assertEqual(self.client.post(f"/o/alpha/projects/{self.project.uid}/status/", {"status": "completed"}).status_code,
                         403)
        self.assertEqual(self.client.post(f"/o/alpha/projects/{self.project.uid}/archive/").status_code, 403)
        self.project.refresh_from_db()
        self.assertEqual(self.project.status, ProjectStatus.ACTIVE)


class ProjectMembersTestCase(ProjectTestBase):
    def test_it_adds_and_removes_members(self):
        self.login(self.alice)
        self.client.post(f"/o/alpha/projects/{self.project.uid}/members/add/", {"person": self.bob.code})
        self.assertEqual(list(self.project.members.all()), [self.bob])
        r = self.client.post(f"/o/alpha/projects/{self.project.uid}/members/add/", {"person": self.bob.code}, follow=True)
        self.assertContains(r, "Choose a colleague who is not a member yet.")
        r = self.client.post(f"/o/alpha/projects/{self.project.uid}/members/add/", {"person": self.charlie.code},
                             follow=True)
        self.assertContains(r, "Choose a colleague who is not a member yet.")
        self.client.post(f"/o/alpha/projects/{self.project.uid}/members/{self.bob.code}/remove/")
        self.assertFalse(self.project.members.exists())
        r = self.client.post(f"/o/alpha/projects/{self.project.uid}/members/{self.bob.code}/remove/")
        self.assertEqual(r.status_code, 404)

    def test_members_cannot_change_members(self):
        self.login(self.bob)
        r = self.client.post(f"/o/alpha/projects/{self.project.uid}/members/add/", {"person": self.bob.code})
        self.assertEqual(r.status_code, 403)
        self.assertFalse(self.project.members.exists())


class MilestonesTestCase(ProjectTestBase):
    def test_it_adds_edits_completes_and_removes_milestones(self):
        self.login(self.alice)
        r = self.client.post(f"/o/alpha/projects/{self.project.uid}/milestones/new/",
                             {"milestone-name": "Beta", "milestone-due_date": "2026-06-01"})
        self.assertRedirects(r, f"/o/alpha/projects/{self.project.uid}/")
        milestone = Milestone.objects.get(project=self.project)
        self.assertEqual(milestone.due_date, dt.date(2026, 6, 1))
        r = self.client.post(f"/o/alpha/milestones/{milestone.uid}/edit/",
                             {"milestone-name": "", "milestone-due_date": "soon"})
        self.assertEqual(r.status_code, 400)
        self.assertContains(r, "Enter a valid date.", status_code=400)
        self.client.post(f"/o/alpha/milestones/{milestone.uid}/edit/", {"milestone-name": "Beta 1"})
        self.client.post(f"/o/alpha/milestones/{milestone.uid}/done/", {"done": "1"})
        milestone.refresh_from_db()
        self.assertEqual((milestone.name, milestone.is_done), ("Beta 1", True))
        self.assertContains(self.client.get(f"/o/alpha/milestones/{milestone.uid}/delete/"), "Remove the milestone")
        self.client.post(f"/o/alpha/milestones/{milestone.uid}/delete/")
        self.assertFalse(Milestone.objects.exists())

    def test_members_and_outsiders_cannot_touch_milestones(self):
        milestone = Milestone.objects.create(project=self.project, name="Beta")
        self.login(self.bob)
        self.assertEqual(self.client.post(f"/o/alpha/milestones/{milestone.uid}/done/").status_code, 403)
        self.login(self.charlie)
        self.assertEqual(self.client.post(f"/o/bravo/milestones/{milestone.uid}/delete/").status_code, 404)
        self.assertTrue(Milestone.objects.filter(pk=milestone.pk, is_done=False).exists())


class CopyProjectTestCase(ProjectTestBase):
    def setUp(self):
        super().setUp()
        from timelive.tracking.models import Rate, RateKind

        self.template = make_project(self.org, "Audit template", is_template=True, start_date=dt.date(2026, 1, 1),
                                     deadline=dt.date(2026, 1, 31), billing_type="fixed_fee", fixed_cost=Decimal("500"),
                                     project_manager=self.alice, custom_fields={"po": "X"}, is_public=False)
        ProjectMember.objects.create(project=self.template, user=self.bob)
        self.beta = Milestone.objects.create(project=self.template, name="Beta", due_date=dt.date(2026, 1, 15))
        parent = make_task(self.template, "Plan", milestone=self.beta, due_date=dt.date(2026, 1, 10))
        child = make_task(self.template, "Plan details", parent=parent)
        make_task(child.project, "Grandchild", parent=child).assignees.add(self.bob)
        make_task(self.template, "Old", status="archived")
        TimeEntry.objects.create(org=self.org, user=self.bob, project=self.template, date=DAY, duration=60)
        Rate.objects.create(org=self.org, kind=RateKind.BILLING, amount=Decimal("90"), currency="USD",
                            project=self.template)
        Rate.objects.create(org=self.org, kind=RateKind.BILLING, amount=Decimal("95"), currency="USD",
                            project=self.template, task=child)

    def test_it_copies_tasks_milestones_members_and_settings(self):
        self.login(self.alice)
        r = self.client.get(f"/o/alpha/projects/{self.template.uid}/copy/")
        self.assertContains(r, 'value="Audit template"')
        r = self.client.post(f"/o/alpha/projects/{self.template.uid}/copy/",
                             {"name": "Audit 2027", "code": "AUD-27", "start_date": "2027-01-01"})
        copy = Project.objects.get(name="Audit 2027")
        self.assertRedirects(r, f"/o/alpha/projects/{copy.uid}/")
        self.assertEqual((copy.code, copy.billing_type, copy.fixed_cost), ("AUD-27", "fixed_fee", Decimal("500")))
        self.assertEqual((copy.start_date, copy.deadline), (dt.date(2027, 1, 1), dt.date(2027, 1, 31)))
        self.assertFalse(copy.is_template)
        self.assertFalse(copy.is_public)
        self.assertEqual(copy.status, ProjectStatus.ACTIVE)
        self.assertEqual(copy.custom_fields, {"po": "X"})
        self.assertEqual(copy.project_manager, self.alice)
        self.assertEqual(list(copy.members.all()), [self.bob])
        tasks = {t.name: t for t in copy.tasks.all()}
        self.assertEqual(set(tasks), {"Plan", "Plan details", "Grandchild"})
        self.assertEqual(tasks["Plan details"].parent, tasks["Plan"])
        self.assertEqual(tasks["Grandchild"].parent, tasks["Plan details"])
        self.assertEqual(list(tasks["Grandchild"].assignees.all()), [self.bob])
        self.assertEqual(tasks["Plan"].due_date, dt.date(2027, 1, 10))
        milestone = copy.milestones.get()
        self.assertEqual((milestone.name, milestone.due_date), ("Beta", dt.date(2027, 1, 15)))
        self.assertEqual(tasks["Plan"].milestone, milestone)
        self.assertFalse(copy.time_entries.exists())
        self.assertEqual(sorted(str(r.amount) for r in copy.rates.all()), ["90.00", "95.00"])
        self.assertEqual(copy.rates.get(amount=95).task, tasks["Plan details"])
        # The template is untouched.
        self.assertEqual(self.template.tasks.count(), 4)

    def test_it_refuses_a_used_code(self):
        self.login(self.alice)
        r = self.client.post(f"/o/alpha/projects/{self.template.uid}/copy/", {"name": "Again", "code": "web-1"})
        self.assertContains(r, "The code web-1 is already used by Website.", status_code=400)

    def test_a_manager_manages_the_copy_they_make(self):
        self.template.is_public = True
        self.template.save()
        self.login(self.manager)
        self.client.post(f"/o/alpha/projects/{self.template.uid}/copy/", {"name": "Mine"})
        copy = Project.objects.get(name="Mine")
        self.assertEqual(copy.project_manager, self.manager)

    def test_members_cannot_copy(self):
        self.template.is_public = True
        self.template.save()
        self.login(self.bob)
        self.assertEqual(self.client.post(f"/o/alpha/projects/{self.template.uid}/copy/", {"name": "X"}).status_code, 403)
        self.login(self.charlie)
        self.assertEqual(self.client.post(f"/o/bravo/projects/{self.template.uid}/copy/", {"name": "X"}).status_code, 404)
        self.assertFalse(Project.objects.filter(name="X").exists())
