"""Who sees which numbers in reports: the one place that decides it.

Every report (pages, exports, the API) starts from `report_scope()`, built on
orgs.access.get_membership (404 for outsiders). The scope's `entries()` are
the time entries the person may see; everything a report shows is aggregated
from them, so no report can show someone else's numbers by mistake.

- members see their own time;
- managers their own, the time on projects they manage or lead, and their
  direct reports' (the people whose "employee's manager" they are);
- owners and administrators everything;
- external members only the projects they approve: those whose approval path
  (the project's own, or the organisation's default for projects without one)
  names them in a step.
"""

from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q

from timelive.approvals.models import ApprovalSettings, ApprovalTier, MemberApproval, ProjectApproval
from timelive.expenses.models import Expense
from timelive.orgs.access import get_membership
from timelive.orgs.models import Membership, Organization, Role
from timelive.tracking.models import Client, Project, ProjectMember, Tag, Task, TimeEntry


@dataclass
class Scope:
    """What one member may see in one organisation's reports."""

    org: Organization
    membership: Membership
    user: object
    # Filled lazily: the ids behind the role's rule.
    _report_ids: list | None = field(default=None, repr=False)
    _approved_project_ids: list | None = field(default=None, repr=False)

    @property
    def role(self) -> str:
        return self.membership.role

    @property
    def sees_everything(self) -> bool:
        return self.membership.is_admin

    @property
    def sees_others(self) -> bool:
        """Whether the report may show more than one person (the people filter and columns)."""
        return self.role in (Role.OWNER, Role.ADMIN, Role.MANAGER, Role.EXTERNAL)

    def direct_report_ids(self) -> list[int]:
        """User ids of the people whose manager (in approvals' member settings) is this manager."""
        if self._report_ids is None:
            self._report_ids = list(MemberApproval.objects.filter(
                org=self.org, manager=self.membership, member__is_active=True).values_list("member__user_id", flat=True))
        return self._report_ids

    def approved_project_ids(self):
        """For an external member: a subquery of the projects whose approval path names them in a step."""
        named = ApprovalTier.objects.filter(people=self.membership)
        own_paths = ProjectApproval.objects.filter(org=self.org, path__tiers__in=named).values("project_id")
        default_named = ApprovalSettings.objects.filter(org=self.org, default_path__tiers__in=named)
        without_path = ProjectApproval.objects.filter(project=OuterRef("pk"))
        return Project.objects.filter(org=self.org).filter(
            Q(id__in=own_paths) | (Q(Exists(default_named)) & ~Q(Exists(without_path)))
        ).values("id")

    def entry_rule(self) -> Q | None:
        """The condition on TimeEntry for this person; None when they see everything."""
        if self.sees_everything:
            return None
        if self.role == Role.EXTERNAL:
            return Q(project_id__in=self.approved_project_ids())
        mine = Q(user_id=self.user.pk)
        if self.role == Role.MANAGER:
            mine |= Q(project__project_manager_id=self.user.pk) | Q(project__team_lead_id=self.user.pk)
            reports = self.direct_report_ids()
            if reports:
                mine |= Q(user_id__in=reports)
        return mine

    def entries(self):
        """The time entries this person may see in reports (unordered)."""
        entries = TimeEntry.objects.filter(org=self.org).order_by()
        rule = self.entry_rule()
        return entries if rule is None else entries.filter(rule)

    def expense_rule(self) -> Q | None:
        """The same rule for expenses, which name a person and a project under the same field names."""
        return self.entry_rule()

    def expenses(self):
        expenses = Expense.objects.filter(org=self.org).order_by()
        rule = self.expense_rule()
        return expenses if rule is None else expenses.filter(rule)

    # What the filters may offer: only things whose numbers the person may see.

    def projects(self):
        projects = Project.objects.filter(org=self.org, is_template=False)
        if self.sees_everything:
            return projects
        if self.role == Role.EXTERNAL:
            return projects.filter(id__in=self.approved_project_ids())
        # Exists() rather than a join, so no project is offered twice.
        member = Exists(ProjectMember.objects.filter(project=OuterRef("pk"), user_id=self.user.pk))
        if self.role == Role.MANAGER:
            led = Q(project_manager_id=self.user.pk) | Q(team_lead_id=self.user.pk)
            return projects.filter(led | Q(is_public=True) | member)
        return projects.filter(Q(is_public=True) | member)

    def clients(self):
        clients = Client.objects.filter(org=self.org)
        if self.sees_everything:
            return clients
        return clients.filter(id__in=self.projects().values("client_id"))

    def tasks(self):
        return Task.objects.filter(org=self.org, project__in=self.projects().values("id"))

    def people(self):
        """Members whose names the report may offer (their numbers stay under entry_rule)."""
        from timelive.accounts.models import User

        staff = Membership.objects.filter(org=self.org).exclude(role=Role.EXTERNAL).values("user_id")
        people = User.objects.filter(id__in=staff)
        if not self.sees_others:
            return people.filter(pk=self.user.pk)
        return people

    def tags(self):
        return Tag.objects.filter(org=self.org)


def report_scope(request, slug: str) -> Scope:
    """The requester's scope in organisation `slug` (404 for outsiders; reading never needs write access)."""
    membership = get_membership(request, slug, write=False)
    return Scope(org=membership.org, membership=membership, user=request.user)
