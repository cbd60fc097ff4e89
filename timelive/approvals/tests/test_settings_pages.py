import datetime as dt

from timelive.orgs.models import AuditEvent, AuditLog
from timelive.tracking.tests.helpers import make_project

from ..models import ApprovalPath, MemberApproval, PathKind, ProjectApproval
from .helpers import ApprovalTestCase, builtin, make_path

SETTINGS = "/o/alpha/settings/approvals/"
PATHS = "/o/alpha/settings/approvals/paths/"
NEW_PATH = "/o/alpha/settings/approvals/paths/new/"
ASSIGNMENTS = "/o/alpha/settings/approvals/assignments/"


def tiers_of(path):
    return [(t.position, t.project_manager, t.team_lead, t.employee_manager, sorted(m.user.email for m in t.people.all()))
            for t in path.tiers.prefetch_related("people__user")]


class SettingsPagesTestCase(ApprovalTestCase):
    def test_only_administrators_get_in(self):
        path = self.path
        pages = [SETTINGS, PATHS, NEW_PATH, ASSIGNMENTS, f"{PATHS}{path.uid}/", f"{PATHS}{path.uid}/delete/"]
        posts = [ASSIGNMENTS + "project/", ASSIGNMENTS + "member/"]
        for person in (self.bob, self.maria, self.erin):
            self.login(person)
            for url in pages:
                self.assertEqual(self.client.get(url).status_code, 403, (person, url))
            for url in pages + posts:
                self.assertEqual(self.client.post(url, {"title": "X", "tier1_team_lead": "on"}).status_code, 403, url)
        self.login(self.charlie)
        for url in pages:
            self.assertEqual(self.client.get(url).status_code, 404, url)
        for url in pages + posts:
            self.assertEqual(self.client.post(url).status_code, 404, url)
        self.assertTrue(ApprovalPath.objects.filter(pk=path.pk).exists())
        self.assertFalse(AuditLog.objects.exists())

    def test_the_default_path_and_the_locks_are_audited(self):
        self.login(self.alice)
        self.assertContains(self.client.get(SETTINGS), "Lock all time before")
        manager_path = builtin(self.org, PathKind.PROJECT_MANAGER)
        r = self.client.post(SETTINGS, {"default_path": manager_path.uid, "lock_submitted": "on",
                                        "locked_before": "2026-03-01"})
        self.assertRedirects(r, SETTINGS)
        settings = self.approval_settings()
        self.assertEqual((settings.default_path, settings.lock_submitted, settings.lock_approved, settings.locked_before),
                         (manager_path, True, False, dt.date(2026, 3, 1)))
        log = AuditLog.objects.get()
        self.assertEqual(log.event, AuditEvent.ORG_SETTINGS_CHANGED)
        self.assertEqual(log.details["approvals"]["settings"]["default_path"],
                         {"old": "Lead then client", "new": "Project manager"})
        self.assertEqual(log.details["approvals"]["settings"]["locked_before"], {"old": None, "new": "2026-03-01"})
        r = self.client.post(SETTINGS, {"default_path": "nonsense", "locked_before": "soon"})
        self.assertEqual(r.status_code, 400)
        self.assertContains(r, "soon", status_code=400)
        self.assertEqual(AuditLog.objects.count(), 1)

    def test_it_lists_the_built_in_and_custom_paths(self):
        self.login(self.alice)
        r = self.client.get(PATHS)
        titles = [p.title for p in r.context["paths"]]
        self.assertEqual(sorted(titles), sorted(["Approval not required", "Employee's manager", "Lead then client",
                                                 "Project manager", "Team lead then project manager"]))
        self.assertContains(r, "Erin Client")

    def test_the_paths_page_query_count_does_not_grow(self):
        self.login(self.alice)
        self.client.get(PATHS)
        with self.assertNumQueries(10):
            self.client.get(PATHS)
        for i in range(5):
            make_path(self.org, f"Path {i}", {"people": [self.tina_membership]}, {"project_manager": True})
        with self.assertNumQueries(10):
            self.client.get(PATHS)

    def test_a_path_with_up_to_five_tiers(self):
        self.login(self.alice)
        data = {"title": "Five steps", "tier1_team_lead": "on", "tier2_project_manager": "on",
                "tier3_employee_manager": "on", "tier4_people": [self.erin_membership.code],
                "tier5_people": [self.alice_membership.code, self.maria_membership.code], "tier5_team_lead": "on"}
        r = self.client.post(NEW_PATH, data)
        self.assertRedirects(r, PATHS)
        path = ApprovalPath.objects.get(title="Five steps")
        self.assertEqual(tiers_of(path), [
            (1, False, True, False, []), (2, True, False, False, []), (3, False, False, True, []),
            (4, False, False, False, ["erin@client.example"]),
            (5, False, True, False, ["alice@example.org", "maria@example.org"]),
        ])
        self.assertEqual(AuditLog.objects.get().details["approvals"]["path"]["created"], "Five steps")

    def test_a_path_form_re_renders_with_its_errors(self):
        self.login(self.alice)
        r = self.client.post(NEW_PATH, {"title": "Gappy", "tier1_team_lead": "on", "tier3_project_manager": "on"})
        self.assertContains(r, "Tier 2 is empty but tier 3 is not", status_code=400)
        self.assertContains(r, 'value="Gappy"', status_code=400)
        r = self.client.post(NEW_PATH, {"title": "Empty"})
        self.assertContains(r, "at least one tier", status_code=400)
        r = self.client.post(NEW_PATH, {"title": "lead THEN client", "tier1_team_lead": "on"})
        self.assertContains(r, "There is already a path called", status_code=400)
        r = self.client.post(NEW_PATH, {"title": "Outsider", "tier1_people": [self.other_org.memberships.get().code]})
        self.assertEqual(r.status_code, 400)
        self.assertEqual(ApprovalPath.objects.filter(kind=PathKind.CUSTOM).count(), 1)

    def test_a_custom_path_is_edited_and_a_built_in_one_is_not(self):
        self.login(self.alice)
        url = f"{PATHS}{self.path.uid}/"
        self.assertContains(self.client.get(url), 'value="Lead then client"')
        r = self.client.post(url, {"title": "Client only", "tier1_people": [self.erin_membership.code]})
        self.assertRedirects(r, PATHS)
        self.path.refresh_from_db()
        self.assertEqual((self.path.title, tiers_of(self.path)), ("Client only", [(1, False, False, False,
                                                                                   ["erin@client.example"])]))
        built_in = builtin(self.org, PathKind.PROJECT_MANAGER)
        self.assertContains(self.client.get(f"{PATHS}{built_in.uid}/"), "cannot be changed")
        r = self.client.post(f"{PATHS}{built_in.uid}/", {"title": "Hijacked", "tier1_team_lead": "on"})
        self.assertEqual(r.status_code, 403)
        self.assertEqual(self.client.get(f"{PATHS}{built_in.uid}/delete/").status_code, 403)
        built_in.refresh_from_db()
        self.assertEqual(built_in.title, "Project manager")

    def test_deleting_a_path_asks_first_and_spares_the_default(self):
        self.login(self.alice)
        url = f"{PATHS}{self.path.uid}/delete/"
        r = self.client.post(url, follow=True)
        self.assertContains(r, "Lead then client is the organisation")
        spare = ApprovalPath.objects.create(org=self.org, title="Spare")
        ProjectApproval.objects.create(org=self.org, project=self.project, path=spare)
        r = self.client.get(f"{PATHS}{spare.uid}/delete/")
        self.assertContains(r, "1 project and 0 members follow it")
        self.assertTrue(ApprovalPath.objects.filter(pk=spare.pk).exists())
        self.assertRedirects(self.client.post(f"{PATHS}{spare.uid}/delete/"), PATHS)
        self.assertFalse(ApprovalPath.objects.filter(pk=spare.pk).exists())
        self.assertFalse(ProjectApproval.objects.exists())

    def test_assignments_per_project_and_per_member(self):
        self.login(self.alice)
        other = make_project(self.org, "Intranet")
        manager_path = builtin(self.org, PathKind.PROJECT_MANAGER)
        r = self.client.post(ASSIGNMENTS + "project/", {"project": other.uid, "path": manager_path.uid})
        self.assertRedirects(r, ASSIGNMENTS)
        self.assertEqual(ProjectApproval.objects.get().path, manager_path)
        r = self.client.post(ASSIGNMENTS + "member/", {"member": self.bob_membership.code,
                                                       "manager": self.maria_membership.code})
        self.assertRedirects(r, ASSIGNMENTS)
        assignment = MemberApproval.objects.get()
        self.assertEqual((assignment.path, assignment.manager), (None, self.maria_membership))
        page = self.client.get(ASSIGNMENTS)
        self.assertContains(page, "Intranet")
        self.assertContains(page, "Maria Manager")
        # Back to the default, and nothing of bob's own.
        self.client.post(ASSIGNMENTS + "project/", {"project": other.uid, "path": ""})
        self.client.post(ASSIGNMENTS + "member/", {"member": self.bob_membership.code})
        self.assertFalse(ProjectApproval.objects.exists())
        self.assertFalse(MemberApproval.objects.exists())
        self.assertEqual(AuditLog.objects.filter(event=AuditEvent.ORG_SETTINGS_CHANGED).count(), 4)

    def test_assignment_forms_re_render_with_their_errors(self):
        self.login(self.alice)
        r = self.client.post(ASSIGNMENTS + "member/", {"member": self.bob_membership.code,
                                                       "manager": self.bob_membership.code})
        self.assertContains(r, "Nobody approves their own time", status_code=400)
        r = self.client.post(ASSIGNMENTS + "project/", {"project": "nonsense"})
        self.assertEqual(r.status_code, 400)
        foreign = make_project(self.other_org, "Theirs")
        r = self.client.post(ASSIGNMENTS + "project/", {"project": foreign.uid, "path": self.path.uid})
        self.assertEqual(r.status_code, 400)
        self.assertFalse(ProjectApproval.objects.exists())
        self.assertFalse(MemberApproval.objects.exists())
