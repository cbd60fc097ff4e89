"""Demo approvals for `manage.py demo`: acme's timesheets go to the project's manager, and
time on a client's project on to the client's approver too; the members' week before last
is submitted, and one of them is already past its first step."""

import datetime as dt

from django.utils import timezone

from timelive.orgs.models import Membership, Role
from timelive.tracking.models import Project, TimeEntry
from timelive.tracking.periods import period_bounds

from .actions import do_approve, do_assign_project, do_save_path, do_submit_timesheet
from .models import ApprovalPath, PathKind, Submission, SubmissionApprover
from .paths import ensure_setup


def seed_approvals(org) -> int:
    """Once per organisation (acme only); returns how many timesheets were submitted."""
    # The built-in setup exists from the organisation's creation on: seeded means a custom path or a timesheet.
    if org.slug != "acme" or (ApprovalPath.objects.filter(org=org, kind=PathKind.CUSTOM).exists()
                              or Submission.objects.filter(org=org).exists()):
        return 0
    owner = Membership.objects.filter(org=org, role=Role.OWNER, is_active=True).select_related("user").first()
    settings = ensure_setup(org)
    settings.default_path = ApprovalPath.objects.get(org=org, kind=PathKind.PROJECT_MANAGER)
    settings.save(update_fields=["default_path"])
    client_approver = Membership.objects.filter(org=org, role=Role.EXTERNAL, is_active=True).first()
    client_project = Project.objects.filter(org=org, client__isnull=False).order_by("id").first()
    if client_approver is not None and client_project is not None and owner is not None:
        path = do_save_path(org, "Manager then client", [({"project_manager": True}, []), ({}, [client_approver])],
                            acting_user=owner.user)
        do_assign_project(org, client_project, path, acting_user=owner.user)
    start, end = period_bounds(org, timezone.localdate() - dt.timedelta(days=14))
    submitted = []
    for member in Membership.objects.filter(org=org, role=Role.MEMBER, is_active=True).select_related("user"):
        if TimeEntry.objects.filter(org=org, user=member.user, date__gte=start, date__lte=end).exists():
            submitted.append(do_submit_timesheet(org, member.user, start, end, acting_user=member.user,
                                                 comment="My week, complete."))
    if submitted:
        first = submitted[0]
        approver = SubmissionApprover.objects.filter(submission=first, tier=1).select_related("user").first()
        if approver is not None:
            do_approve(first, acting_user=approver.user, expected_tier=1, comment="Looks right.")
    return len(submitted)
