"""Requests to the organisation's administrators or the operator ("Your choices").

A person files a deletion, restriction, objection or rectification request with
a reason, and confirms it with an emailed link (only a hash of its key is
stored; it works for 24 hours, once). Confirming routes it: where an
organisation manages the account (`managed.managing_org`), its admins hold it;
otherwise the operator does. The admins act, or escalate to the operator for
anything "beyond the role of your administrator". Each request is due 30 days
after confirmation; `flag_overdue_requests` tells the holder once when it is
late.

Each step is a `do_*` action: one transaction, a `DataRequestEvent` for the
request's history and an audit row; mail goes through the outbox. Holders'
mails never name the person (the outbox keeps them): they link to the request.
"""

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from timelive.lib.codes import hash_secret, new_secret
from timelive.notifications.mail import queue_mail
from timelive.orgs.actions import audit
from timelive.orgs.models import ADMIN_ROLES, AuditEvent, Membership

from .models import DataRequest, DataRequestEvent, ObjectionTo, RequestKind, RequestStatus

CONFIRM_HOURS = 24
DUE_DAYS = 30
# Requests that count as "open" for the one-at-a-time rule and that the person may withdraw.
ACTIVE = (RequestStatus.UNCONFIRMED, RequestStatus.OPEN, RequestStatus.ESCALATED)
# Requests someone must answer: the organisation's admins (OPEN) or the operator (ESCALATED).
HELD = (RequestStatus.OPEN, RequestStatus.ESCALATED)

__all__ = [
    "RequestRefused", "DuplicateRequest", "do_file_request", "do_confirm_request", "do_withdraw_request",
    "do_reply_to_request", "do_complete_request", "do_decline_request", "do_escalate_request",
    "flag_overdue_requests", "lapse_unconfirmed_requests", "find_request_for_key", "is_overdue",
]


class RequestRefused(Exception):
    """A step the rules do not allow now; the message is for people."""


class DuplicateRequest(RequestRefused):
    """The person already has an open request of this kind: `existing` is it."""

    def __init__(self, message, existing):
        super().__init__(message)
        self.existing = existing


def describe(data_request) -> str:
    """What the request asks, in words: "Object to a use of my data: Marketing"."""
    if data_request.kind == RequestKind.OBJECTION and data_request.objection_to:
        return f"{data_request.get_kind_display()}: {data_request.get_objection_to_display()}"
    return data_request.get_kind_display()


def day(value) -> str:
    """A date as people read it, in the current time zone: "1 June 2025"."""
    return date_format(timezone.localtime(value), "j F Y")


def is_overdue(data_request, now=None) -> bool:
    return (
        data_request.status in HELD
        and data_request.due_at is not None
        and data_request.due_at <= (now or timezone.now())
    )


def confirm_url(key: str) -> str:
    return settings.SITE_URL + reverse("privacy:request_confirm", kwargs={"key": key})


def person_url(data_request) -> str:
    return settings.SITE_URL + reverse("privacy:request", kwargs={"code": data_request.code})


def holder_url(data_request) -> str:
    if data_request.org_id is not None:
        return settings.SITE_URL + reverse("privacy:data_request", kwargs={"slug": data_request.org.slug,
                                                                       "code": data_request.code})
    return settings.SITE_URL + reverse("admin:privacy_datarequest_change", args=[data_request.pk])


def holder_addresses(data_request) -> list[str]:
    """Who holds the request: the active admins of its organisation, or every operator."""
    from timelive.accounts.models import User

    if data_request.org_id is not None:
        people = Membership.objects.filter(
            org_id=data_request.org_id, role__in=ADMIN_ROLES, is_active=True, user__is_active=True
        ).values_list("user__email", flat=True)
    else:
        people = User.objects.filter(is_staff=True, is_active=True).values_list("email", flat=True)
    return sorted(set(people))


def _record(data_request, action: str, *, actor, note: str = "", audit_org=None, filed=False, **details):
    """One step: a line in the request's history and a row in the audit log."""
    DataRequestEvent.objects.create(request=data_request, actor=actor, action=action, status=data_request.status,
                                    note=note)
    event = AuditEvent.DATA_REQUEST_FILED if filed else AuditEvent.DATA_REQUEST_CHANGED
    audit(audit_org, actor, event, data_request, action=action, kind=data_request.kind, status=data_request.status,
          **details)


def _tell_holder(data_request, subject: str, headline: str, *, note: str = "") -> None:
    for address in holder_addresses(data_request):
        queue_mail(address, subject, "data_request_holder", {
            "request": data_request, "what": describe(data_request), "headline": headline, "note": note,
            "url": holder_url(data_request), "for_operator": data_request.org_id is None,
        })


def _tell_person(data_request, subject: str, headline: str, *, reply: str = "") -> None:
    queue_mail(data_request.user.email, subject, "data_request_update", {
        "request": data_request, "what": describe(data_request), "headline": headline, "reply": reply,
        "url": person_url(data_request),
    })


def _lock(data_request) -> DataRequest:
    # of=("self",): PostgreSQL cannot lock the nullable side of the join to the organisation.
    return DataRequest.objects.select_for_update(of=("self",)).select_related("user", "org").get(pk=data_request.pk)


def _lapse(data_request, now) -> None:
    data_request.status = RequestStatus.LAPSED
    data_request.closed_at = now
    data_request.save(update_fields=["status", "closed_at"])
    _record(data_request, "lapsed", actor=None, note=f"Not confirmed within {CONFIRM_HOURS} hours.")


def lapse_unconfirmed_requests(*, now=None, user=None) -> int:
    """Close requests whose confirmation link has expired (all, or one person's)."""
    now = now or timezone.now()
    expired = DataRequest.objects.filter(status=RequestStatus.UNCONFIRMED, confirm_expires_at__lte=now)
    if user is not None:
        expired = expired.filter(user=user)
    lapsed = 0
    for pk in expired.values_list("pk", flat=True):
        with transaction.atomic():
            data_request = DataRequest.objects.select_for_update().filter(pk=pk, status=RequestStatus.UNCONFIRMED).first()
            if data_request is not None:
                _lapse(data_request, now)
                lapsed += 1
    return lapsed


# The person's steps.


def do_file_request(user, kind, reason: str, *, objection_to: str = "") -> tuple[DataRequest, str]:
    """File a request for `user` and mail them the confirmation link.

    Returns the request and the raw key of the link (it is not stored).
    Raises RequestRefused (or DuplicateRequest) with a message for the person.
    """
    from timelive.accounts.models import User

    if kind not in RequestKind.values:
        raise RequestRefused("Please choose what you are asking for.")
    if kind == RequestKind.OBJECTION:
        if objection_to not in ObjectionTo.values:
            raise RequestRefused("Please choose what you object to: marketing, or research and development.")
    else:
        objection_to = ""
    reason = (reason or "").strip()
    if not reason:
        raise RequestRefused("Please say why, in a few words: it helps whoever handles your request.")
    # Expired links close their requests first: they must not count as open ones.
    lapse_unconfirmed_requests(user=user)
    now = timezone.now()
    with transaction.atomic():
        # One filing at a time per person, so a double click cannot file two.
        user = User.objects.select_for_update().get(pk=user.pk)
        if kind == RequestKind.RESTRICTION and user.is_restricted:
            raise RequestRefused(
                f"Your account is already restricted (since {day(user.restricted_at)}): your data are kept "
                "but not processed. There is nothing more to request."
            )
        if kind == RequestKind.OBJECTION and objection_to == ObjectionTo.RESEARCH and user.research_objection_at:
            raise RequestRefused("Your objection to research and development use is already in force.")
        existing = DataRequest.objects.filter(user=user, kind=kind, objection_to=objection_to, status__in=ACTIVE).first()
        if existing is not None:
            raise DuplicateRequest(
                f"You already have an open request like this one ({describe(existing)}, filed "
                f"{day(existing.created_at)}). Withdraw it first if you want to file it again.",
                existing,
            )
        key = new_secret()
        data_request = DataRequest.objects.create(
            user=user, kind=kind, objection_to=objection_to, reason=reason[:4000],
            confirm_key_hash=hash_secret(key), confirm_expires_at=now + dt.timedelta(hours=CONFIRM_HOURS),
            created_at=now,
        )
        _record(data_request, "filed", actor=user, filed=True, objection_to=objection_to)
        queue_mail(user.email, "Please confirm your request", "data_request_confirm", {
            "request": data_request, "what": describe(data_request), "url": confirm_url(key),
            "expires_at": data_request.confirm_expires_at, "hours": CONFIRM_HOURS,
        })
    return data_request, key


def find_request_for_key(key: str, user) -> DataRequest | None:
    """The request the confirmation link `key` belongs to, if it is `user`'s."""
    if not key:
        return None
    return DataRequest.objects.select_related("user", "org").filter(confirm_key_hash=hash_secret(key), user=user).first()


def confirmation_problem(data_request, now=None) -> str | None:
    """Why this link cannot confirm the request now (None: it can)."""
    now = now or timezone.now()
    if data_request.confirmed_at is not None:
        return "already confirmed"
    if data_request.status == RequestStatus.UNCONFIRMED and data_request.confirm_expires_at <= now:
        return "expired"
    if data_request.status == RequestStatus.LAPSED:
        return "expired"
    if data_request.status != RequestStatus.UNCONFIRMED:
        return "closed"
    return None


def do_confirm_request(data_request, *, now=None) -> DataRequest:
    """The person followed the link: route the request to whoever holds it.

    An expired link lapses the request (that stays even though this raises).
    """
    from timelive.orgs.managed import managing_org

    now = now or timezone.now()
    with transaction.atomic():
        data_request = _lock(data_request)
        problem = confirmation_problem(data_request, now)
        if problem == "expired" and data_request.status == RequestStatus.UNCONFIRMED:
            _lapse(data_request, now)
        if problem is None:
            org = managing_org(data_request.user)
            data_request.org = org
            data_request.status = RequestStatus.OPEN if org else RequestStatus.ESCALATED
            data_request.confirmed_at = now
            data_request.due_at = now + dt.timedelta(days=DUE_DAYS)
            data_request.save(update_fields=["org", "status", "confirmed_at", "due_at"])
            _record(data_request, "confirmed", actor=data_request.user, audit_org=org,
                    holder=org.slug if org else "operator", due_at=data_request.due_at.isoformat())
            where = f"the administrators of {org.name}" if org else "the operator"
            _tell_holder(data_request, f"A data request for {where} to answer",
                         f"A person confirmed a request that {where} must answer.")
    if problem == "already confirmed":
        raise RequestRefused("This request is already confirmed; the link works only once.")
    if problem == "expired":
        raise RequestRefused(f"This link has expired: a request must be confirmed within {CONFIRM_HOURS} hours. "
                             "Nothing was done with it; you can file the request again.")
    if problem == "closed":
        raise RequestRefused(f"This request is {data_request.get_status_display().lower()}; it cannot be confirmed.")
    return data_request


def do_withdraw_request(data_request, *, acting_user) -> DataRequest:
    """The person takes back a request that nobody has answered yet."""
    with transaction.atomic():
        data_request = _lock(data_request)
        if data_request.status not in ACTIVE:
            raise RequestRefused(f"This request is {data_request.get_status_display().lower()}; "
                                 "it can no longer be withdrawn.")
        was_held = data_request.status in HELD
        data_request.status = RequestStatus.WITHDRAWN
        data_request.closed_at = timezone.now()
        data_request.save(update_fields=["status", "closed_at"])
        _record(data_request, "withdrawn", actor=acting_user, audit_org=data_request.org)
        if was_held:
            _tell_holder(data_request, "A data request was withdrawn",
                         "The person withdrew this request: there is nothing more to do.")
    return data_request


# The holder's steps: the organisation's admins (org = the organisation) or the operator (org None).


def _lock_held(data_request) -> DataRequest:
    data_request = _lock(data_request)
    if data_request.status not in HELD:
        raise RequestRefused(f"This request is {data_request.get_status_display().lower()}; "
                             "it cannot be changed any more.")
    return data_request


def _text(value: str, what: str, *, required=True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise RequestRefused(f"Please write {what}.")
    return value[:4000]


def do_reply_to_request(data_request, text: str, *, acting_user) -> DataRequest:
    """Write to the person (a question, news); the request stays with its holder."""
    text = _text(text, "your reply")
    with transaction.atomic():
        data_request = _lock_held(data_request)
        data_request.reply = text
        data_request.save(update_fields=["reply"])
        _record(data_request, "replied", actor=acting_user, note=text, audit_org=data_request.org)
        _tell_person(data_request, "A reply to your request", "There is a reply to your request.", reply=text)
    return data_request


def _apply(data_request, acting_user) -> None:
    """Carry out what the request asks. The helpers are imported here, not at the
    top, so this module loads on its own; their refusal becomes ours."""
    user, org = data_request.user, data_request.org
    if data_request.kind == RequestKind.DELETION:
        from .deletion import DeletionRefused, do_delete_account

        try:
            do_delete_account(user, acting_user=acting_user, org=org, reason=f"Data request {data_request.code}")
        except DeletionRefused as refusal:
            raise RequestRefused(str(refusal)) from refusal
    elif data_request.kind in (RequestKind.RESTRICTION, RequestKind.OBJECTION):
        from .states import StateRefused, do_object, do_restrict

        try:
            if data_request.kind == RequestKind.RESTRICTION:
                do_restrict(user, acting_user=acting_user, org=org)
            else:
                do_object(user, data_request.objection_to, acting_user=acting_user, org=org)
        except StateRefused as refusal:
            raise RequestRefused(str(refusal)) from refusal
    # Rectification: the holder corrects the data first, then marks the request done.


def do_complete_request(data_request, reply: str, *, acting_user) -> DataRequest:
    """Done: apply the request (delete, restrict, object) and tell the person.

    If applying is refused (the last owner of an organisation cannot be
    deleted, say), nothing changes and RequestRefused carries the reason.
    """
    reply = _text(reply, "a reply to the person")
    with transaction.atomic():
        data_request = _lock_held(data_request)
        data_request.status = RequestStatus.DONE
        data_request.reply = reply
        data_request.closed_at = timezone.now()
        data_request.save(update_fields=["status", "reply", "closed_at"])
        _record(data_request, "done", actor=acting_user, note=reply, audit_org=data_request.org)
        if data_request.kind != RequestKind.DELETION:
            _tell_person(data_request, "Your request is done", "Your request is done.", reply=reply)
        # Last, so that a deletion's erasers also reach this request's own text; the
        # deletion mails the old address itself (outside the outbox, so no copy stays).
        _apply(data_request, acting_user)
    return data_request


def do_decline_request(data_request, reason: str, *, acting_user) -> DataRequest:
    reason = _text(reason, "why the request is declined")
    with transaction.atomic():
        data_request = _lock_held(data_request)
        data_request.status = RequestStatus.DECLINED
        data_request.reply = reason
        data_request.closed_at = timezone.now()
        data_request.save(update_fields=["status", "reply", "closed_at"])
        _record(data_request, "declined", actor=acting_user, note=reason, audit_org=data_request.org)
        _tell_person(data_request, "Your request was declined", "Your request was declined.", reply=reason)
    return data_request


def do_escalate_request(data_request, note: str = "", *, acting_user) -> DataRequest:
    """The organisation's admins pass the request to the operator: it is beyond their role.

    The due date stays: escalating does not give anyone more time.
    """
    note = _text(note, "a note", required=False)
    with transaction.atomic():
        data_request = _lock(data_request)
        if data_request.status != RequestStatus.OPEN:
            raise RequestRefused(f"Only a request with the organisation's administrators can be passed to the "
                                 f"operator; this one is {data_request.get_status_display().lower()}.")
        org = data_request.org
        data_request.status = RequestStatus.ESCALATED
        data_request.org = None
        # The new holder is told once when it is late, as the old one was.
        data_request.overdue_flagged_at = None
        data_request.save(update_fields=["status", "org", "overdue_flagged_at"])
        _record(data_request, "escalated", actor=acting_user, note=note, audit_org=org, escalated_from=org.slug if org else "")
        _tell_holder(data_request, "A data request passed to the operator",
                     f"The administrators of {org.name if org else 'an organisation'} passed this request to the "
                     f"operator: it is beyond their role. The due date stays.",
                     note=note)
        _tell_person(data_request, "Your request went to the operator",
                     "Your organisation's administrators passed your request to the operator of TimeLive, "
                     "who will answer it.", reply=note)
    return data_request


def flag_overdue_requests(*, now=None) -> int:
    """Tell the holder of each late request, once. Returns how many were flagged now."""
    now = now or timezone.now()
    late = DataRequest.objects.filter(status__in=HELD, due_at__lte=now, overdue_flagged_at=None)
    flagged = 0
    for pk in late.values_list("pk", flat=True):
        with transaction.atomic():
            # Claimed in the same transaction as the mail, so two runs at once mail once.
            claimed = DataRequest.objects.filter(pk=pk, status__in=HELD, overdue_flagged_at=None).update(
                overdue_flagged_at=now)
            if not claimed:
                continue
            data_request = DataRequest.objects.select_related("user", "org").get(pk=pk)
            _record(data_request, "overdue", actor=None, audit_org=data_request.org,
                    note="The holder was reminded that the answer is late.")
            _tell_holder(data_request, "A data request is overdue",
                         "This request is past its due date and has no answer yet.")
            flagged += 1
    return flagged

