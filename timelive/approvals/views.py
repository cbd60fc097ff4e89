"""Approval pages: submitting a timesheet, the approver's inbox, a submission's
page (approve, reject, recall, an administrator's override), and the
administrators' paths, assignments and locks."""

import datetime as dt
from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef, Prefetch, Subquery, Sum
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from timelive.expenses.models import EDITABLE_STATUSES, Expense
from timelive.lib.dates import day_in_range
from timelive.orgs.access import get_admin_membership, get_member_for_user, get_membership
from timelive.orgs.models import Membership
from timelive.tracking.entries import user_zone
from timelive.tracking.models import TimeEntry
from timelive.tracking.periods import period_bounds, week_start

from .access import get_path_for_user, get_submission_for_user
from .actions import (
    ApprovalError,
    do_approve,
    do_assign_member,
    do_assign_project,
    do_change_approval_settings,
    do_delete_path,
    do_override,
    do_recall,
    do_reject,
    do_save_path,
    do_submit_expense_sheet,
    do_submit_timesheet,
    own_override_refusal,
    sheet_expenses,
    sheet_project_ids,
    timesheet_entries,
)
from .forms import (
    ApprovalSettingsForm,
    DecisionForm,
    MemberAssignmentForm,
    OverrideForm,
    PathForm,
    ProjectAssignmentForm,
    SubmitForm,
)
from .models import (
    ApprovalPath,
    ApprovalTier,
    MemberApproval,
    ProjectApproval,
    Submission,
    SubmissionApprover,
    SubmissionKind,
    SubmissionStatus,
)
from .paths import current_setup, ensure_setup, resolve_path, tier_approvers

PAGE_SIZE = 50
RECENT = 10


def with_totals(submissions):
    """Each submission with `total_seconds`: the time its person logged on its days, now; and for an
    expense sheet `expense_total` and `expense_count`: its person's expenses on its days, in the
    organisation's currency (subqueries: the list stays one query)."""
    seconds = (TimeEntry.objects.filter(org=OuterRef("org"), user=OuterRef("person"), date__gte=OuterRef("start"),
                                        date__lte=OuterRef("end"))
               .order_by().values("user").annotate(total=Sum("duration")).values("total"))
    spent = (Expense.objects.filter(org=OuterRef("org"), user=OuterRef("person"), date__gte=OuterRef("start"),
                                    date__lte=OuterRef("end")).order_by().values("user"))
    return submissions.annotate(
        total_seconds=Coalesce(Subquery(seconds), 0),
        expense_total=Subquery(spent.annotate(total=Sum("base_total")).values("total")),
        expense_count=Coalesce(Subquery(spent.annotate(n=Count("id")).values("n")), 0),
    )


def waiting_on(org, user):
    """Submissions whose current tier `user` may approve, oldest first."""
    mine = SubmissionApprover.objects.filter(submission=OuterRef("pk"), user=user, tier=OuterRef("current_tier"))
    submissions = Submission.objects.filter(org=org, status=SubmissionStatus.SUBMITTED).filter(Exists(mine))
    return with_totals(submissions).select_related("person").order_by("submitted_at", "id")


def parse_day(text: str) -> dt.date:
    """A day of a URL or parameter; outside TimeLive's date range there is no page (nor any week or
    period arithmetic that could run off the calendar)."""
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise Http404("Not a date.") from None
    if not day_in_range(day):
        raise Http404("Not a day TimeLive keeps.")
    return day


# The inbox


@login_required
def inbox(request, slug):
    membership = get_membership(request, slug)
    # Administrators may also list everything waiting, whoever approves it, to step in (Override).
    show_all = membership.is_admin and request.GET.get("all") == "1"
    if show_all:
        waiting = with_totals(Submission.objects.filter(org=request.org, status=SubmissionStatus.SUBMITTED)
                              ).select_related("person").order_by("submitted_at", "id")
    else:
        waiting = waiting_on(request.org, request.user)
    page = Paginator(waiting, PAGE_SIZE).get_page(request.GET.get("page"))
    recent = []
    if not membership.is_external and not show_all:
        recent = with_totals(Submission.objects.filter(org=request.org, person=request.user)).order_by(
            "-start", "-id")[:RECENT]
    return render(request, "approvals/inbox.html", {"page": page, "recent": recent, "show_all": show_all,
                                                    "query": "all=1" if show_all else ""})


@login_required
@require_POST
def bulk_approve(request, slug):
    """Approve the ticked submissions, each at the tier the approver saw ("uid:tier" values)."""
    get_membership(request, slug)
    wanted = {}
    for value in request.POST.getlist("pick"):
        uid, _, tier = value.partition(":")
        if tier.isdigit():
            wanted[uid[:16]] = int(tier)
    if not wanted:
        messages.error(request, "Tick what to approve first.")
        return redirect("approvals:inbox", slug=slug)
    found = {s.uid: s for s in waiting_on(request.org, request.user).filter(uid__in=list(wanted))}
    approved, problems = defaultdict(int), []
    for uid, tier in wanted.items():
        submission = found.get(uid)
        if submission is None:
            problems.append("One of the ticked sheets no longer waits for you.")
            continue
        try:
            do_approve(submission, acting_user=request.user, expected_tier=tier)
        except ApprovalError as exc:
            problems.append(f"{submission.person}, {submission.range_label}: {exc}")
        else:
            approved[submission.kind] += 1
    if approved:
        counts = [f"{n} {SubmissionKind(kind).label.lower()}{'s' if n != 1 else ''}"
                  for kind, n in sorted(approved.items(), reverse=True)]
        messages.success(request, f"Approved {' and '.join(counts)}.")
    for problem in dict.fromkeys(problems):
        messages.error(request, problem)
    return redirect("approvals:inbox", slug=slug)


# Submitting


def timesheet_membership(request, slug):
    membership = get_membership(request, slug)
    if membership.is_external:
        raise PermissionDenied("External members do not log time here.")
    return membership


def approver_names(org, path, membership, project_ids) -> list[tuple[int, list[str]]]:
    """[(tier, [names])] that a timesheet would go to now, for the submit page."""
    if path is None:
        return []
    by_tier = tier_approvers(org, path, membership, project_ids)
    users = {m.user_id: m.user for m in Membership.objects.filter(
        org=org, user_id__in=set().union(*by_tier.values())).select_related("user")} if by_tier else {}
    return [(tier, sorted(str(users[pk]) for pk in ids if pk in users)) for tier, ids in sorted(by_tier.items())]


@login_required
def submit(request, slug):
    membership = timesheet_membership(request, slug)
    org = request.org
    member = membership
    code = request.POST.get("member") or request.GET.get("member")
    if code and code != membership.code:
        # An administrator submitting someone's timesheet for them: an override.
        if not membership.is_admin:
            raise PermissionDenied("Only administrators can submit someone else's timesheet.")
        member = get_member_for_user(request, code)
        if member.is_external:
            raise PermissionDenied("External members do not log time here.")
    person = member.user
    day_text = request.POST.get("day") or request.GET.get("day")
    day = parse_day(day_text) if day_text else timezone.localdate(timezone=user_zone(person))
    period = period_bounds(org, day)
    form = SubmitForm(request.POST or None, period=period, initial={"start": period[0], "end": period[1]})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            submission = do_submit_timesheet(org, person, data["start"], data["end"], acting_user=request.user,
                                             comment=data["comment"])
        except ApprovalError as exc:
            form.add_error(None, str(exc))
        else:
            if submission.status == SubmissionStatus.APPROVED:
                messages.success(request, f"Submitted {submission.range_label}: no approval is needed, so it is approved.")
            else:
                messages.success(request, f"Submitted {submission.range_label} for approval.")
            if person.pk != request.user.pk:
                return redirect(submission.url_name(), slug=slug, uid=submission.uid)
            return redirect("tracking:week", slug=slug, day=week_start(submission.start, org.week_start).isoformat())
    entries = TimeEntry.objects.filter(org=org, user=person, date__gte=period[0], date__lte=period[1])
    per_day = dict(entries.values("date").annotate(total=Sum("duration")).values_list("date", "total"))
    project_ids = set(entries.values_list("project_id", flat=True).distinct())
    path = resolve_path(org, member, project_ids)
    days = [period[0] + dt.timedelta(days=i) for i in range((period[1] - period[0]).days + 1)]
    return render(request, "approvals/submit.html", {
        "form": form, "person": person, "member": member, "period": period, "day": day,
        "days": [(d, per_day.get(d, 0)) for d in days], "total": sum(per_day.values()),
        "path": path, "tiers": approver_names(org, path, member, project_ids),
        "week": week_start(day, org.week_start),
    }, status=400 if form.errors else 200)


@login_required
def submit_expenses(request, slug):
    """Submit your open and rejected expenses of one timesheet period as an expense sheet."""
    membership = timesheet_membership(request, slug)
    org, person = request.org, request.user
    day_text = request.POST.get("day") or request.GET.get("day")
    day = parse_day(day_text) if day_text else timezone.localdate(timezone=user_zone(person))
    period = period_bounds(org, day)
    form = SubmitForm(request.POST or None, period=period, initial={"start": period[0], "end": period[1]})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            submission = do_submit_expense_sheet(org, person, data["start"], data["end"], acting_user=person,
                                                 comment=data["comment"])
        except ApprovalError as exc:
            form.add_error(None, str(exc))
        else:
            if submission.status == SubmissionStatus.APPROVED:
                messages.success(request, f"Submitted the expenses of {submission.range_label}: no approval is needed, "
                                          "so they are approved.")
            else:
                messages.success(request, f"Submitted the expenses of {submission.range_label} for approval.")
            return redirect(submission.url_name(), slug=slug, uid=submission.uid)
    expenses = list(Expense.objects.for_sheet(org, person, *period).filter(status__in=EDITABLE_STATUSES)
                    .select_related("project", "expense_code"))
    project_ids = sheet_project_ids(SubmissionKind.EXPENSE_SHEET, org, person, *period)
    path = resolve_path(org, membership, project_ids)
    previous, following = period[0] - dt.timedelta(days=1), period[1] + dt.timedelta(days=1)
    return render(request, "approvals/submit_expenses.html", {
        "form": form, "period": period, "day": day, "expenses": expenses,
        "total": sum((e.base_total for e in expenses), start=0), "previous": previous, "following": following,
        "path": path, "tiers": approver_names(org, path, membership, project_ids),
    }, status=400 if form.errors else 200)


# One submission


def render_expense_sheet(request, submission, context, status):
    expenses = list(sheet_expenses(submission).select_related("project", "expense_code", "user")
                    .prefetch_related("receipts"))
    context.update({"expenses": expenses, "total": sum((e.base_total for e in expenses), start=0), "entries": []})
    return render(request, "approvals/submission.html", context, status=status)


def render_submission(request, submission, *, approve_form=None, reject_form=None, status=200):
    if submission.is_expense_sheet:
        return render_expense_sheet(request, submission, submission_context(request, submission, approve_form,
                                                                            reject_form), status)
    entries = list(timesheet_entries(submission).select_related("project", "task").order_by("date", "start", "id"))
    per_day, per_project = defaultdict(int), defaultdict(int)
    for entry in entries:
        per_day[entry.date] += entry.duration
        per_project[str(entry.project)] += entry.duration
    days = [submission.start + dt.timedelta(days=i) for i in range((submission.end - submission.start).days + 1)]
    context = submission_context(request, submission, approve_form, reject_form)
    context.update({
        "entries": entries,
        "days": [(d, per_day.get(d, 0)) for d in days],
        "projects": sorted(per_project.items()),
        "total": sum(per_day.values()),
    })
    return render(request, "approvals/submission.html", context, status=status)


def submission_context(request, submission, approve_form, reject_form) -> dict:
    """What a submission's page shows whatever its kind: approvers, history, the forms."""
    approvers = defaultdict(list)
    for approver in submission.approvers.select_related("user"):
        approvers[approver.tier].append(approver.user)
    me = request.user.pk
    is_waiting = submission.status == SubmissionStatus.SUBMITTED
    may_decide = is_waiting and any(u.pk == me for u in approvers.get(submission.current_tier, []))
    initial = {"tier": submission.current_tier}
    return {
        "submission": submission,
        "tiers": [(tier, approvers.get(tier, [])) for tier in range(1, submission.tier_count + 1)],
        "events": submission.events.select_related("actor"),
        "may_decide": may_decide,
        "may_recall": submission.person_id == me and submission.may_recall,
        "may_override": request.membership.is_admin and not own_override_refusal(submission, request.user),
        "approve_form": approve_form or DecisionForm(initial=initial, auto_id="approve_%s"),
        "reject_form": reject_form or DecisionForm(initial=initial, rejecting=True, auto_id="reject_%s"),
        "week": week_start(submission.start, request.org.week_start),
    }


@login_required
def submission_detail(request, slug, uid):
    get_membership(request, slug)
    return render_submission(request, get_submission_for_user(request, uid))


def _decide(request, slug, uid, *, rejecting: bool):
    get_membership(request, slug)
    submission = get_submission_for_user(request, uid)
    if not submission.approvers.filter(user=request.user).exists():
        raise PermissionDenied(f"You are not an approver of this {submission.noun}."
                               + (" As an administrator, use Override." if request.membership.is_admin else ""))
    form = DecisionForm(request.POST, rejecting=rejecting, auto_id=("reject_%s" if rejecting else "approve_%s"))
    status = 400
    if form.is_valid():
        data = form.cleaned_data
        try:
            if rejecting:
                done = do_reject(submission, acting_user=request.user, comment=data["comment"],
                                 expected_tier=data["tier"])
            else:
                done = do_approve(submission, acting_user=request.user, comment=data["comment"],
                                  expected_tier=data["tier"])
        except ApprovalError as exc:
            form.add_error(None, str(exc))
            status = 409
            submission.refresh_from_db()
        else:
            if rejecting:
                messages.success(request, f"Rejected {done.person}'s {done.noun} for {done.range_label}; "
                                          "it went back to them with your comment.")
            elif done.status == SubmissionStatus.APPROVED:
                messages.success(request, f"Approved {done.person}'s {done.noun} for {done.range_label}.")
            else:
                messages.success(request, f"Approved step {data['tier']} of {done.person}'s {done.noun} for "
                                          f"{done.range_label}; step {done.current_tier} is next.")
            return redirect("approvals:inbox", slug=slug)
    forms_ = {"reject_form": form} if rejecting else {"approve_form": form}
    return render_submission(request, submission, status=status, **forms_)


@login_required
@require_POST
def approve(request, slug, uid):
    return _decide(request, slug, uid, rejecting=False)


@login_required
@require_POST
def reject(request, slug, uid):
    return _decide(request, slug, uid, rejecting=True)


@login_required
def recall(request, slug, uid):
    get_membership(request, slug)
    submission = get_submission_for_user(request, uid)
    if submission.person_id != request.user.pk:
        raise PermissionDenied(f"Only the person who submitted {submission.a_noun} can recall it.")
    back = reverse(submission.url_name(), args=[slug, uid])
    if request.method == "POST":
        try:
            do_recall(submission, acting_user=request.user)
        except ApprovalError as exc:
            messages.error(request, str(exc))
            return redirect(back)
        if submission.is_expense_sheet:
            messages.success(request, f"Recalled the expenses of {submission.range_label}: they can be changed again.")
            return redirect("expenses:list", slug=slug)
        messages.success(request, f"Recalled {submission.range_label}: its time is open for changes again.")
        return redirect("tracking:week", slug=slug, day=week_start(submission.start, request.org.week_start).isoformat())
    if submission.is_expense_sheet:
        return render(request, "orgs/confirm.html", {
            "title": "Recall this expense sheet?",
            "message": f"The expenses of {submission.range_label} go back to you, out of approval, and can be changed "
                       "again. Submit them again when they are ready.",
            "button": "Recall", "cancel_url": back,
        })
    return render(request, "orgs/confirm.html", {
        "title": "Recall this timesheet?",
        "message": f"{submission.range_label} goes back to you, out of approval, and its time can be changed again. "
                   "Submit it again when it is ready.",
        "button": "Recall",
        "cancel_url": back,
    })


@login_required
def override(request, slug, uid):
    get_admin_membership(request, slug)
    submission = get_submission_for_user(request, uid)
    refusal = own_override_refusal(submission, request.user)
    if refusal:
        raise PermissionDenied(refusal)
    form = OverrideForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            do_override(submission, form.cleaned_data["action"], acting_user=request.user,
                        comment=form.cleaned_data["comment"])
        except ApprovalError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Done. The override is recorded in the {submission.noun}'s history with your name.")
            return redirect(submission.url_name(), slug=slug, uid=uid)
    return render(request, "approvals/override.html", {"submission": submission, "form": form},
                  status=400 if form.errors else 200)


# Administrators: locks and the default path


@login_required
def approval_settings(request, slug):
    get_admin_membership(request, slug)
    settings = ensure_setup(request.org) if request.method == "POST" else current_setup(request.org)
    form = ApprovalSettingsForm(request.POST or None, instance=settings, org=request.org)
    if request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        # The form set the new values on its instance already: compare with the stored ones.
        stored = type(settings).objects.select_related("org").get(pk=settings.pk)
        do_change_approval_settings(stored, changes, acting_user=request.user)
        messages.success(request, "Approval settings saved.")
        return redirect("approvals:approval_settings", slug=slug)
    return render(request, "approvals/settings.html", {"form": form}, status=400 if form.errors else 200)


# Administrators: paths


@login_required
def path_list(request, slug):
    get_admin_membership(request, slug)
    settings = current_setup(request.org)
    tiers = ApprovalTier.objects.prefetch_related(
        Prefetch("people", queryset=Membership.objects.select_related("user")))
    paths = (ApprovalPath.objects.filter(org=request.org)
             .annotate(projects=Count("project_assignments", distinct=True),
                       members=Count("member_assignments", distinct=True))
             .prefetch_related(Prefetch("tiers", queryset=tiers)))
    return render(request, "approvals/paths.html", {"paths": paths, "default_id": settings.default_path_id})


def path_page(request, form, path=None, status=200):
    return render(request, "approvals/path_form.html", {"form": form, "path": path}, status=status)


@login_required
def path_new(request, slug):
    get_admin_membership(request, slug)
    if request.method == "POST":
        ensure_setup(request.org)
    form = PathForm(request.POST or None, org=request.org)
    if request.method == "POST" and form.is_valid():
        path = do_save_path(request.org, form.cleaned_data["title"], form.tiers, acting_user=request.user)
        messages.success(request, f"Created the path {path}.")
        return redirect("approvals:paths", slug=slug)
    return path_page(request, form, status=400 if form.errors else 200)


@login_required
def path_edit(request, slug, uid):
    get_admin_membership(request, slug)
    path = get_path_for_user(request, uid)
    if path.is_builtin:
        if request.method == "POST":
            raise PermissionDenied("The built-in paths cannot be changed; make a custom path instead.")
        return render(request, "approvals/path_builtin.html", {"path": path, "tiers": path.tiers.all()})
    form = PathForm(request.POST or None, org=request.org, path=path)
    if request.method == "POST" and form.is_valid():
        do_save_path(request.org, form.cleaned_data["title"], form.tiers, path=path, acting_user=request.user)
        messages.success(request, f"Saved the path {path}. Timesheets already submitted keep their approvers.")
        return redirect("approvals:paths", slug=slug)
    return path_page(request, form, path, status=400 if form.errors else 200)


@login_required
def path_delete(request, slug, uid):
    get_admin_membership(request, slug)
    path = get_path_for_user(request, uid)
    if path.is_builtin:
        raise PermissionDenied("The built-in paths cannot be deleted.")
    if request.method == "POST":
        try:
            do_delete_path(path, acting_user=request.user)
        except ApprovalError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"Deleted the path {path}.")
        return redirect("approvals:paths", slug=slug)
    projects = ProjectApproval.objects.filter(path=path).count()
    members = MemberApproval.objects.filter(path=path).count()
    return render(request, "orgs/confirm.html", {
        "title": f"Delete the path {path}?",
        "message": f"{projects} project{'s' if projects != 1 else ''} and {members} member{'s' if members != 1 else ''} "
                   "follow it; they will follow the default path (members: their projects' paths) instead. "
                   "Timesheets already submitted keep their approvers.",
        "button": "Delete",
        "cancel_url": reverse("approvals:paths", args=[slug]),
    })


# Administrators: who follows which path


def assignments_page(request, project_form=None, member_form=None, status=200):
    org = request.org
    return render(request, "approvals/assignments.html", {
        "projects": ProjectApproval.objects.filter(org=org).select_related("project", "path").order_by("project__name"),
        "members": MemberApproval.objects.filter(org=org).select_related("member__user", "path", "manager__user")
                   .order_by("member__user__full_name", "member__user__email"),
        "project_form": project_form or ProjectAssignmentForm(org=org),
        "member_form": member_form or MemberAssignmentForm(org=org),
    }, status=status)


@login_required
def assignments(request, slug):
    get_admin_membership(request, slug)
    return assignments_page(request)


@login_required
@require_POST
def assign_project(request, slug):
    get_admin_membership(request, slug)
    form = ProjectAssignmentForm(request.POST, org=request.org)
    if not form.is_valid():
        return assignments_page(request, project_form=form, status=400)
    project, path = form.cleaned_data["project"], form.cleaned_data["path"]
    do_assign_project(request.org, project, path, acting_user=request.user)
    messages.success(request, f"{project} follows {path or 'the default path'}.")
    return redirect("approvals:assignments", slug=slug)


@login_required
@require_POST
def assign_member(request, slug):
    get_admin_membership(request, slug)
    form = MemberAssignmentForm(request.POST, org=request.org)
    if not form.is_valid():
        return assignments_page(request, member_form=form, status=400)
    data = form.cleaned_data
    do_assign_member(request.org, data["member"], path=data["path"], manager=data["manager"], acting_user=request.user)
    messages.success(request, f"Saved the approval settings of {data['member'].user}.")
    return redirect("approvals:assignments", slug=slug)
