"""A person's requests to the organisation's administrators or the operator:
filing, the emailed confirmation link, the request's page and withdrawal."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from timelive.orgs.managed import managing_org

from ..data_requests import (
    ACTIVE,
    CONFIRM_HOURS,
    DuplicateRequest,
    RequestRefused,
    confirmation_problem,
    day,
    describe,
    do_confirm_request,
    do_file_request,
    do_withdraw_request,
    find_request_for_key,
    is_overdue,
    lapse_unconfirmed_requests,
)
from ..models import DataRequest, DataRequestEvent
from ..request_forms import DataRequestForm


def event_author(event, person) -> str:
    """Who took a step, as the person sees it: operators are "the operator", not a name."""
    if event.actor_id is None:
        return "TimeLive"
    if event.actor_id == person.pk:
        return "You"
    if event.actor.is_staff:
        return "The operator"
    return f"{event.actor.full_name or 'An administrator'} (administrator)"


def with_details(requests, person, now=None):
    """Each request with `what`, `overdue`, `can_withdraw` and its history's authors, for the templates."""
    now = now or timezone.now()
    for data_request in requests:
        data_request.what = describe(data_request)
        data_request.overdue = is_overdue(data_request, now)
        data_request.can_withdraw = data_request.status in ACTIVE
        for event in data_request.events.all():
            event.by = event_author(event, person)
    return requests


def person_requests(user):
    return DataRequest.objects.filter(user=user).prefetch_related(
        Prefetch("events", queryset=DataRequestEvent.objects.select_related("actor").order_by("at", "id"))
    )


def center_context(request) -> dict:
    """What the privacy page shows of this feature: the person's requests and the form to file one."""
    return {
        "data_requests": with_details(list(person_requests(request.user)), request.user),
        "request_form": DataRequestForm(),
        # Who will hold a new request: the managing organisation's admins, or the operator.
        "managed_by": managing_org(request.user),
    }


def own_request(request, code) -> DataRequest:
    """One of the requesting person's own requests; anyone else's is 404."""
    found = person_requests(request.user).filter(code=code).first()
    if found is None:
        raise Http404("No such request.")
    with_details([found], request.user)
    return found


@login_required
@require_http_methods(["GET", "POST"])
def new_request(request):
    form = DataRequestForm(request.POST or None)
    existing = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            data_request, _key = do_file_request(request.user, data["kind"], data["reason"],
                                                 objection_to=data["objection_to"])
        except DuplicateRequest as refusal:
            form.add_error(None, str(refusal))
            existing = refusal.existing
        except RequestRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, f"We sent a link to {request.user.email}. Your request goes ahead once you "
                                      f"follow it, within {CONFIRM_HOURS} hours.")
            return redirect("privacy:request", code=data_request.code)
    return render(request, "privacy/requests/new.html", {"form": form, "existing": existing},
                  status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET"])
def request_detail(request, code):
    return render(request, "privacy/requests/detail.html", {"data_request": own_request(request, code)})


@login_required
@require_http_methods(["GET", "POST"])
def withdraw(request, code):
    data_request = own_request(request, code)
    if request.method == "POST":
        try:
            do_withdraw_request(data_request, acting_user=request.user)
        except RequestRefused as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(request, "You withdrew your request. Nothing more will be done with it.")
        return redirect("privacy:request", code=code)
    return render(request, "orgs/confirm.html", {
        "title": f"Withdraw your request ({data_request.what})?",
        "message": "Whoever holds it is told, and nothing more is done with it. You can file a new one later.",
        "button": "Withdraw the request",
        "cancel_url": reverse("privacy:request", kwargs={"code": code}),
    })


@login_required
@require_http_methods(["GET", "POST"])
def confirm(request, key):
    """The emailed link. It shows the request and asks for a click, so that a mail
    scanner following links cannot confirm it; the click (POST) confirms."""
    found = find_request_for_key(key, request.user)
    if found is None:
        return render(request, "privacy/requests/confirm.html", {"problem": "invalid"}, status=404)
    # An expired link closes its request now, so the page and the list agree.
    lapse_unconfirmed_requests(user=request.user)
    data_request = own_request(request, found.code)
    problem = confirmation_problem(data_request)
    if problem is None and request.method == "POST":
        try:
            confirmed = do_confirm_request(data_request)
        except RequestRefused:
            # Changed between the page and the click (a second tab): show why.
            data_request = own_request(request, found.code)
            problem = confirmation_problem(data_request)
        else:
            holder = f"the administrators of {confirmed.org.name}" if confirmed.org else "the operator of TimeLive"
            messages.success(request, f"Thank you: your request is confirmed and is now with {holder}. "
                                      f"You will get an answer by {day(confirmed.due_at)}.")
            return redirect("privacy:request", code=confirmed.code)
    status = {None: 200, "already confirmed": 200, "expired": 410, "closed": 410}[problem]
    return render(request, "privacy/requests/confirm.html", {"data_request": data_request, "problem": problem},
                  status=status)
