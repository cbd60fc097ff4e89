"""The administrators' inbox of data requests from the people their organisation
manages: reply, complete, decline, or pass to the operator.

Only owners and admins get in (a member gets 403, an outsider 404). The pages
work in a read-only organisation too: an ended trial must not stop anyone
from answering a request about their own data.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Case, IntegerField, Prefetch, Value, When
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from timelive.orgs.access import get_admin_membership

from ..data_requests import (
    HELD,
    RequestRefused,
    describe,
    do_complete_request,
    do_decline_request,
    do_escalate_request,
    do_reply_to_request,
    is_overdue,
)
from ..models import DataRequest, DataRequestEvent, RequestKind, RequestStatus
from ..request_forms import RequestTextForm

PAGE_SIZE = 50
FILTERS = {"open": "Waiting for an answer", "closed": "Closed", "all": "All"}

# What completing each kind does, said before the click.
COMPLETE_EFFECTS = {
    RequestKind.DELETION: "Completing deletes the person's account now: their name, email, contact details and "
                          "profile are removed and the account becomes “Deleted user N”. Their time entries and other "
                          "work stay for the team. This cannot be undone.",
    RequestKind.RESTRICTION: "Completing restricts the account: the person's data are kept but no longer processed "
                             "(no marketing, no usage statistics, no automated notifications), and others can no "
                             "longer change them.",
    RequestKind.OBJECTION: "Completing records the objection: to marketing, all marketing consent is withdrawn; "
                           "to research and development, the person is left out of usage statistics.",
    RequestKind.RECTIFICATION: "Correct the data first (the person's profile, their entries), then mark the request "
                               "done here and tell them what you changed.",
}


def org_requests(org):
    return DataRequest.objects.filter(org=org).select_related("user")


def get_request_for_admin(request, slug, code) -> DataRequest:
    """A request held by (or once held by) the organisation; the membership check comes first."""
    # write=False: answering a data request is allowed in a read-only (ended trial) organisation.
    membership = get_admin_membership(request, slug, write=False)
    events = DataRequestEvent.objects.select_related("actor").order_by("at", "id")
    found = org_requests(membership.org).prefetch_related(Prefetch("events", queryset=events)).filter(code=code).first()
    if found is None:
        raise Http404("No such request.")
    found.what = describe(found)
    found.overdue = is_overdue(found)
    found.is_held = found.status in HELD
    return found


@login_required
@require_http_methods(["GET"])
def data_requests(request, slug):
    membership = get_admin_membership(request, slug, write=False)
    show = request.GET.get("show") if request.GET.get("show") in FILTERS else "open"
    requests = org_requests(membership.org)
    if show == "open":
        requests = requests.filter(status__in=HELD)
    elif show == "closed":
        requests = requests.exclude(status__in=HELD)
    # Waiting ones first, the most urgent on top.
    requests = requests.annotate(
        waiting=Case(When(status__in=HELD, then=Value(0)), default=Value(1), output_field=IntegerField())
    ).order_by("waiting", "due_at", "-created_at", "-id")
    page = Paginator(requests, PAGE_SIZE).get_page(request.GET.get("page"))
    now = timezone.now()
    for data_request in page:
        data_request.what = describe(data_request)
        data_request.overdue = is_overdue(data_request, now)
    return render(request, "privacy/requests/org_list.html", {
        "page": page, "show": show, "filters": FILTERS, "query": f"show={show}",
    })


@login_required
@require_http_methods(["GET"])
def data_request(request, slug, code):
    found = get_request_for_admin(request, slug, code)
    return render(request, "privacy/requests/org_detail.html", {
        "data_request": found, "reply_form": RequestTextForm(), "effect": COMPLETE_EFFECTS[found.kind],
    })


@login_required
@require_POST
def reply(request, slug, code):
    found = get_request_for_admin(request, slug, code)
    form = RequestTextForm(request.POST)
    if form.is_valid():
        try:
            do_reply_to_request(found, form.cleaned_data["text"], acting_user=request.user)
        except RequestRefused as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(request, "Your reply was sent to the person.")
        return redirect("privacy:data_request", slug=slug, code=code)
    return render(request, "privacy/requests/org_detail.html", {
        "data_request": found, "reply_form": form, "effect": COMPLETE_EFFECTS[found.kind],
    }, status=400)


# The steps that close or pass on a request: a page that says what will happen, then the click.
STEPS = {
    "complete": {
        "action": do_complete_request, "title": "Complete the request", "button": "Complete the request",
        "label": "Your reply to the person", "required": True, "danger": True,
        "help": "The person is emailed this reply (for a deletion, they get the deletion notice instead).",
        "done": "The request is done and the person was told.",
    },
    "decline": {
        "action": do_decline_request, "title": "Decline the request", "button": "Decline the request",
        "label": "Why you decline it", "required": True, "danger": True,
        "help": "The person is emailed this reason. Say what they can do next, for example ask the operator "
                "or a data protection authority.",
        "done": "The request is declined and the person was told why.",
    },
    "escalate": {
        "action": do_escalate_request, "title": "Pass the request to the operator", "button": "Pass to the operator",
        "label": "A note for the operator (optional)", "required": False, "danger": False,
        "help": "For a request beyond the role of an administrator. It leaves your inbox and the operator answers "
                "it; the person is told. The due date stays.",
        "done": "The request is now with the operator; the person was told.",
    },
}


def _step(request, slug, code, name):
    found = get_request_for_admin(request, slug, code)
    step = STEPS[name]
    if not found.is_held or (name == "escalate" and found.status != RequestStatus.OPEN):
        messages.error(request, f"This request is {found.get_status_display().lower()}; it cannot be changed any more.")
        return redirect("privacy:data_request", slug=slug, code=code)
    form = RequestTextForm(request.POST or None, label=step["label"], required=step["required"], help_text=step["help"])
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                step["action"](found, form.cleaned_data["text"], acting_user=request.user)
            except RequestRefused as refusal:
                # Nothing changed: the request stays as it was, and the form keeps what was typed.
                form.add_error(None, str(refusal))
                status = 409
            else:
                messages.success(request, step["done"])
                return redirect("privacy:data_requests", slug=slug)
        else:
            status = 400
    return render(request, "privacy/requests/org_step.html", {
        "data_request": found, "form": form, "step": step, "name": name,
        "effect": COMPLETE_EFFECTS[found.kind] if name == "complete" else "",
    }, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def complete(request, slug, code):
    return _step(request, slug, code, "complete")


@login_required
@require_http_methods(["GET", "POST"])
def decline(request, slug, code):
    return _step(request, slug, code, "decline")


@login_required
@require_http_methods(["GET", "POST"])
def escalate(request, slug, code):
    return _step(request, slug, code, "escalate")
