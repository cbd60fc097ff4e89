from django import template
from django.urls import reverse

from ..models import ACTIVE_STATUSES, EventAction, Submission, SubmissionEvent, SubmissionKind, SubmissionStatus

register = template.Library()


@register.inclusion_tag("approvals/_week_status.html", takes_context=True)
def timesheet_status(context, period):
    """The person's submissions of the period shown on the week page, and whether any day is left to submit.
    One query (two when a rejection's comment is shown)."""
    request = context["request"]
    start, end = period
    submissions = list(Submission.objects.filter(org=request.org, person=request.user, kind=SubmissionKind.TIMESHEET,
                                                 start__lte=end, end__gte=start).order_by("start", "id"))
    active = [s for s in submissions if s.status in ACTIVE_STATUSES]
    covered = sum((min(s.end, end) - max(s.start, start)).days + 1 for s in active)
    rejected = [s for s in submissions if s.status == SubmissionStatus.REJECTED]
    comments = {}
    if rejected:
        for event in SubmissionEvent.objects.filter(submission__in=rejected, action=EventAction.REJECTED).order_by(
                "created_at", "id").select_related("actor"):
            comments[event.submission_id] = event
    return {
        "current_org": context.get("current_org"),
        "submissions": [(s, comments.get(s.pk)) for s in submissions],
        "may_submit": covered < (end - start).days + 1 and not request.membership.is_external,
        "day": start,
    }


@register.inclusion_tag("approvals/_rejected_notice.html", takes_context=True)
def rejected_notice(context):
    """On Home: the person's latest rejected timesheet or expense sheet, with why (one query)."""
    from ..models import latest_rejected

    request = context["request"]
    membership = getattr(request, "membership", None)
    submission = None
    if membership is not None and not membership.is_external:
        submission = latest_rejected(membership.org_id, request.user)
    return {"current_org": context.get("current_org"), "submission": submission}


@register.simple_tag(takes_context=True)
def sheet_url(context, submission, action=""):
    """The address of a timesheet's or expense sheet's page, or of `action` on it, in its kind's words."""
    return reverse(submission.url_name(action), args=[context["current_org"].slug, submission.uid])
