import datetime as dt
from decimal import Decimal

from django.utils import timezone

from timelive.orgs.models import Plan, Role
from timelive.test import BaseTestCase
from timelive.tracking.models import Milestone, ProjectMember, Task, TaskStatus

from .helpers import make_project, make_task


class TaskTestBase(BaseTestCase):
    def setUp(self):
        self.manager, _ = self.add_member("mia@example.org", "Mia Manager", role=Role.MANAGER)
        self.external, _ = self.add_member("ext@client.example", "Erin External", role=Role.EXTERNAL)
        self.project = make_project(self.org, "Website", code="WEB")
        self.milestone = Milestone.objects.create(project=self.project, name="Beta")
        self.design = make_task(self.project, "Design", priority="high")
        self.build = make_task(self.project, "Build", status=TaskStatus.IN_PROGRESS, milestone=self.milestone)
        self.build.assignees.add(self.bob)

    def tasks_url(self, suffix=""):
        return f"/o/alpha/projects/{self.project.uid}/tasks/{suffix}"

    def board_url(self):
        return f"/o/alpha/projects/{self.project.uid}/board/"


class TaskListTestCase(TaskTestBase):
    def names(self, **query):
        return [t.name for t in self.client.get(self.tasks_url(), query).context["page"]]

    def test_it_lists_and_filters_tasks(self):
        make_task(self.project, "Old", status=TaskStatus.ARCHIVED)
        make_task(make_project(self.org, "Other"), "Elsewhere")
        self.login(self.bob)
        self.assertEqual(self.names(), ["Build", "Design"])
        self.assertEqual(self.names(status="archived"), ["Old"])
        self.assertEqual(self.names(status="in_progress"), ["Build"])
        self.assertEqual(self.names(priority="high"), ["Design"])
        self.assertEqual(self.names(assignee="me"), ["Build"])
        self.assertEqual(self.names(assignee=self.bob.code), ["Build"])
        self.assertEqual(self.names(assignee="none"), ["Design"])
        self.assertEqual(self.names(milestone=self.milestone.uid), ["Build"])
        self.assertEqual(self.names(milestone="none"), ["Design"])
        self.assertEqual(self.names(q="desi"), ["Design"])
        self.assertEqual(self.names(status="junk", priority="junk"), ["Build", "Design"])
        self.assertContains(self.client.get(self.tasks_url(), {"q": "zzz"}), "No task matches these filters.")

    def test_it_shows_an_empty_state(self):
        Task.objects.all().delete()
        self.login(self.alice)
        self.assertContains(self.client.get(self.tasks_url()), "Add the first task")

    def test_it_keeps_the_query_count_flat(self):
        self.login(self.bob)
        self.client.get(self.tasks_url())
        with self.assertNumQueries(12):
            self.client.get(self.tasks_url())
        for i in range(10):
            task = make_task(self.project, f"T{i}", parent=self.design, milestone=self.milestone)
            task.assignees.add(self.bob, self.alice)
        with self.assertNumQueries(12):
            self.client.get(self.tasks_url())

    def test_it_hides_tasks_of_projects_one_cannot_see(self):
        private = make_project(self.org, "Secret", is_public=False)
        task = make_task(private, "Hidden")
        self.login(self.bob)
        self.assertEqual(self.client.get(f"/o/alpha/projects/{private.uid}/tasks/").status_code, 404)
        self.assertEqual(self.client.get(f"/o/alpha/tasks/{task.uid}/").status_code, 404)
        ProjectMember.objects.create(project=private, user=self.bob)
        self.assertEqual(self.client.get(f"/o/alpha/tasks/{task.uid}/").status_code, 200)

    def test_externals_and_outsiders(self):
        self.login(self.external)
        self.assertEqual(self.client.get(self.tasks_url()).status_code, 403)
        self.assertEqual(self.client.get(self.board_url()).status_code, 403)
        self.assertEqual(self.client.get(f"/o/alpha/tasks/{self.design.uid}/").status_code, 403)
        self.login(self.charlie)
        self.assertEqual(self.client.get(self.tasks_url()).status_code, 404)
        self.assertEqual(self.client.get(f"/o/bravo/projects/{self.project.uid}/tasks/").status_code, 404)
        self.assertEqual(self.client.get(f"/o/bravo/tasks/{self.design.uid}/").status_code, 404)


class TaskBoardTestCase(TaskTestBase):
    def test_it_shows_columns_by_status(self):
        make_task(self.project, "Shipped", status=TaskStatus.DONE)
        make_task(self.project, "Old", status=TaskStatus.ARCHIVED)
        self.login(self.bob)
        r = self.client.get(self.board_url())
        columns = {status: [t.name for t in tasks] for status, _, tasks in r.context["columns"]}
        self.assertEqual(columns, {"todo": ["Design"], "in_progress": ["Build"], "done": ["Shipped"]})
        # Bob may move his own task only.
        movable = {t.name: t.movable for _, _, tasks in r.context["columns"] for t in tasks}
        self.assertEqual(movable, {"Design": False, "Build": True, "Shipped": False})
        self.assertContains(r, f'action="/o/alpha/tasks/{self.build.uid}/move/"')
        self.assertNotContains(r, f'action="/o/alpha/tasks/{self.design.uid}/move/"')

    def test_it_orders_cards_by_priority(self):
        make_task(self.project, "Urgent one", priority="urgent")
        make_task(self.project, "Low one", priority="low")
        self.login(self.alice)
        r = self.client.get(self.board_url())
        todo = [t.name for t in r.context["columns"][0][2]]
        self.assertEqual(todo, ["Urgent one", "Design", "Low one"])

    def test_it_keeps_the_query_count_flat(self):
        self.login(self.alice)
        self.client.get(self.board_url())
        with self.assertNumQueries(11):
            self.client.get(self.board_url())
        for i in range(10):
            make_task(self.project, f"T{i}", status=TaskStatus.DONE).assignees.add(self.bob)
        with self.assertNumQueries(11):
            self.client.get(self.board_url())

    def test_it_moves_a_card(self):
        self.login(self.alice)
        r = self.client.post(f"/o/alpha/tasks/{self.design.uid}/move/", {"status": "done"})
        self.assertRedirects(r, self.board_url())
        self.design.refresh_from_db()
        self.assertEqual(self.design.status, TaskStatus.DONE)
        r = self.client.post(f"/o/alpha/tasks/{self.design.uid}/move/", {"status": "nowhere"}, follow=True)
        self.assertContains(r, "Choose one of the statuses offered.")

    def test_assignees_move_their_own_cards_only(self):
        self.login(self.bob)
        self.client.post(f"/o/alpha/tasks/{self.build.uid}/move/", {"status": "done"})
        self.build.refresh_from_db()
        self.assertEqual(self.build.status, TaskStatus.DONE)
        r = self.client.post(f"/o/alpha/tasks/{self.design.uid}/move/", {"status": "done"})
        self.assertEqual(r.status_code, 403)
        self.login(self.charlie)
        self.assertEqual(self.client.post(f"/o/bravo/tasks/{self.design.uid}/move/", {"status": "done"}).status_code, 404)
        self.design.refresh_from_db()
        self.assertEqual(self.design.status, TaskStatus.TODO)

    def test_moving_needs_post(self):
        self.login(self.alice)
        self.assertEqual(self.client.get(f"/o/alpha/tasks/{self.design.uid}/move/").status_code, 405)


class TaskFormTestCase(TaskTestBase):
    def test_it_creates_a_task(self):
        self.login(self.alice)
        r = self.client.post(self.tasks_url("new/"), {
            "name": "Test", "description": "All of it", "parent": self.design.uid, "milestone": self.milestone.uid,
            "assignees": [self.bob.code, self.manager.code], "status": "todo", "priority": "urgent",
            "estimated_hours": "7.5", "due_date": "2026-12-01",
        })
        task = Task.objects.get(name="Test")
        self.assertRedirects(r, f"/o/alpha/tasks/{task.uid}/")
        self.assertEqual((task.org, task.project, task.parent, task.milestone), (self.org, self.project, self.design,
                                                                                  self.milestone))
        self.assertEqual(set(task.assignees.all()), {self.bob, self.manager})
        self.assertEqual((task.priority, task.estimated_hours), ("urgent", Decimal("7.5")))
        self.assertEqual(task.due_date, dt.date(2026, 12, 1))

    def test_it_offers_to_add_another(self):
        self.login(self.alice)
        r = self.client.post(self.tasks_url("new/"), {"name": "One", "status": "todo", "priority": "normal",
                                                      "another": "1"})
        self.assertRedirects(r, self.tasks_url("new/"))

    def test_it_refuses_parents_and_milestones_of_other_projects_and_strangers(self):
        other = make_project(self.org, "Other")
        foreign_task = make_task(other, "Foreign")
        foreign_milestone = Milestone.objects.create(project=other, name="Foreign")
        self.login(self.alice)
        r = self.client.post(self.tasks_url("new/"), {
            "name": "Test", "parent": foreign_task.uid, "milestone": foreign_milestone.uid,
            "assignees": [self.charlie.code, self.external.code], "status": "todo", "priority": "normal",
            "estimated_hours": "-2",
        })
        self.assertEqual(r.status_code, 400)
        self.assertEqual(set(r.context["form"].errors), {"parent", "milestone", "assignees", "estimated_hours"})
        self.assertContains(r, 'value="Test"', status_code=400)
        self.assertFalse(Task.objects.filter(name="Test").exists())

    def test_it_refuses_cycles(self):
        child = make_task(self.project, "Child", parent=self.design)
        grandchild = make_task(self.project, "Grandchild", parent=child)
        self.login(self.alice)
        data = {"name": "Design", "status": "todo", "priority": "normal"}
        r = self.client.post(f"/o/alpha/tasks/{self.design.uid}/edit/", {**data, "parent": grandchild.uid})
        self.assertContains(r, "Grandchild is a subtask of this task, so it cannot be its parent.", status_code=400)
        r = self.client.post(f"/o/alpha/tasks/{self.design.uid}/edit/", {**data, "parent": self.design.uid})
        self.assertIn("parent", r.context["form"].errors)
        r = self.client.post(f"/o/alpha/tasks/{grandchild.uid}/edit/", {**data, "name": "GC", "parent": self.build.uid})
        self.assertEqual(r.status_code, 302)
        grandchild.refresh_from_db()
        self.assertEqual(grandchild.parent, self.build)

    def test_it_edits_a_task(self):
        self.login(self.alice)
        r = self.client.get(f"/o/alpha/tasks/{self.build.uid}/edit/")
        self.assertContains(r, 'value="Build"')
        self.client.post(f"/o/alpha/tasks/{self.build.uid}/edit/", {"name": "Build it", "status": "done",
                                                                     "priority": "low"})
        self.build.refresh_from_db()
        self.assertEqual((self.build.name, self.build.status), ("Build it", "done"))
        self.assertFalse(self.build.assignees.exists())

    def test_who_may_create_and_edit(self):
        for user in (self.bob, self.manager):
            self.login(user)
            self.assertEqual(self.client.get(self.tasks_url("new/")).status_code, 403)
            self.assertEqual(self.client.post(f"/o/alpha/tasks/{self.build.uid}/edit/", {"name": "X"}).status_code, 403)
        self.project.project_manager = self.manager
        self.project.save()
        self.assertEqual(self.client.get(self.tasks_url("new/")).status_code, 200)
        self.login(self.charlie)
        self.assertEqual(self.client.get(f"/o/bravo/projects/{self.project.uid}/tasks/new/").status_code, 404)

    def test_it_archives_after_asking(self):
        self.login(self.alice)
        self.assertContains(self.client.get(f"/o/alpha/tasks/{self.design.uid}/archive/"), "Archive Design?")
        r = self.client.post(f"/o/alpha/tasks/{self.design.uid}/archive/")
        self.assertRedirects(r, self.tasks_url())
        self.design.refresh_from_db()
        self.assertEqual(self.design.status, TaskStatus.ARCHIVED)
        self.login(self.bob)
        self.assertEqual(self.client.post(f"/o/alpha/tasks/{self.build.uid}/archive/").status_code, 403)

    def test_a_read_only_organisation_refuses_changes(self):
        self.org.plan = Plan.TRIAL
        self.org.trial_ends_at = timezone.now() - dt.timedelta(days=1)
        self.org.save()
        self.login(self.alice)
        self.assertEqual(self.client.post(self.tasks_url("new/"), {"name": "X", "status": "todo",
                                                                   "priority": "normal"}).status_code, 403)
        self.assertEqual(self.client.post(f"/o/alpha/tasks/{self.design.uid}/move/", {"status": "done"}).status_code, 403)
        self.assertEqual(self.client.get(self.board_url()).status_code, 200)
        self.assertFalse(Task.objects.filter(name="X").exists())

    def test_the_detail_page_shows_subtasks_and_assignees(self):
        make_task(self.project, "Sub", parent=self.build)
        self.login(self.bob)
        r = self.client.get(f"/o/alpha/tasks/{self.build.uid}/")
        self.assertContains(r, "Sub")
        self.assertContains(r, "Bob Example")
        self.assertContains(r, "Beta")
        self.assertNotContains(r, "Add a subtask")
