"""A project's first tasks (one per line) and team, on the form that creates it."""

from timelive.tracking.models import Project, ProjectMember, Task

from .test_projects import ProjectTestBase

NEW = "/o/alpha/projects/new/"


class ProjectFirstTasksTestCase(ProjectTestBase):
    def test_it_creates_the_tasks_and_the_team_with_the_project(self):
        self.login(self.alice)
        r = self.client.post(NEW, self.data(tasks="Design\r\n  Build   it \n\nTest\ndesign\n",
                                            members=[self.bob.code, self.manager.code], is_public=""))
        project = Project.objects.get(code="INT-1")
        self.assertRedirects(r, f"/o/alpha/projects/{project.uid}/", fetch_redirect_response=False)
        tasks = Task.objects.filter(project=project).order_by("id")
        # Blank lines and repeats (in any case) are left out; spaces are tidied.
        self.assertEqual([t.name for t in tasks], ["Design", "Build it", "Test"])
        self.assertEqual({t.org_id for t in tasks}, {self.org.pk})
        self.assertEqual(set(ProjectMember.objects.filter(project=project).values_list("user", flat=True)),
                         {self.bob.pk, self.manager.pk})
        self.assertContains(self.client.get(f"/o/alpha/projects/{project.uid}/"), "Build it")

    def test_the_form_offers_tasks_and_members(self):
        self.login(self.alice)
        r = self.client.get(NEW)
        self.assertContains(r, 'name="tasks"')
        self.assertContains(r, "One task per line")
        self.assertContains(r, 'name="members"')
        self.assertContains(r, "Bob Example")

    def test_editing_does_not_offer_tasks(self):
        self.login(self.alice)
        r = self.client.get(f"/o/alpha/projects/{self.project.uid}/edit/")
        self.assertEqual(r.status_code, 200)
        self.assertNotContains(r, 'name="tasks"')

    def test_a_bad_list_re_renders_with_what_was_typed(self):
        self.login(self.alice)
        long_name = "x" * 201
        r = self.client.post(NEW, self.data(tasks=f"Design\n{long_name}"))
        self.assertContains(r, "at most 200 characters", status_code=400)
        self.assertContains(r, long_name, status_code=400)
        r = self.client.post(NEW, self.data(tasks="\n".join(f"Task {i}" for i in range(101))))
        self.assertContains(r, "at most 100 tasks", status_code=400)
        self.assertFalse(Project.objects.filter(code="INT-1").exists())

    def test_no_tasks_is_fine(self):
        self.login(self.alice)
        self.client.post(NEW, self.data())
        self.assertFalse(Task.objects.filter(project__code="INT-1").exists())

    def test_members_may_not_create_projects(self):
        self.login(self.bob)
        self.assertEqual(self.client.post(NEW, self.data(tasks="Design")).status_code, 403)
        self.login(self.charlie)
        self.assertEqual(self.client.post(NEW, self.data(tasks="Design")).status_code, 404)
        self.assertFalse(Task.objects.filter(name="Design").exists())
