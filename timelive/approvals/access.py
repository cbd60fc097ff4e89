"""The door to approval data, in the manner of timelive/orgs/access.py.

Each helper expects get_membership() to have run on the request. Someone
outside the organisation, or a member with no business with a submission,
gets 404; a member without the right role for a page gets 403.
"""

from django.db.models import Exists, OuterRef, Q
from django.http import Http404

from .models import ApprovalPath, Submission, SubmissionApprover


def visible_submissions(request):
    """Submissions the requester may see: their own, those they approve (at any tier), and for
    administrators all of the organisation's."""
    submissions = Submission.objects.filter(org=request.org)
    if request.membership.is_admin:
        return submissions
    approver = SubmissionApprover.objects.filter(submission=OuterRef("pk"), user=request.user)
    return submissions.filter(Q(person=request.user) | Exists(approver))


def get_submission_for_user(request, uid: str) -> Submission:
    submission = visible_submissions(request).select_related("person", "path").filter(uid=uid).first()
    if submission is None:
        raise Http404
    return submission


def get_path_for_user(request, uid: str) -> ApprovalPath:
    """One of the organisation's paths (the pages that use it are for administrators)."""
    path = ApprovalPath.objects.filter(org=request.org, uid=uid).first()
    if path is None:
        raise Http404
    return path
