"""The privacy center's own records, and Django's admin log, in the personal-data registry."""

from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.contrib.auth import get_user_model
from django.core.files.storage import default_storage
from django.db import models, transaction

from timelive.accounts.personal_data import mentions
from timelive.privacy.core.export_values import row
from timelive.privacy.core.registry import personal_data

from .models import (
    ConsentMethod,
    ConsentRecord,
    DataExport,
    DataRequest,
    DataRequestEvent,
    PolicyAcceptance,
    PolicyChangeMail,
    PolicyKind,
    PolicyVersion,
)

# Policy acknowledgements and mails


def export_policy_acceptances(user):
    acceptances = PolicyAcceptance.objects.filter(user=user).select_related("version__document")
    for acceptance in acceptances.order_by("accepted_at", "id"):
        yield row(acceptance, "version.document.title", "version.label", "version.effective_at", "accepted_at")


personal_data(
    PolicyAcceptance, table="policy_acceptances", export=export_policy_acceptances,
    note="Kept as evidence that the person was told of each significant policy change (append-only); it points at "
         "the pseudonymised person.",
)


def export_policy_change_mails(user):
    mails = PolicyChangeMail.objects.filter(user=user).select_related("version__document")
    for mail in mails.order_by("queued_at", "id"):
        yield row(mail, "version.document.title", "version.label", "queued_at")


personal_data(
    PolicyChangeMail, table="policy_change_mails", export=export_policy_change_mails,
    erase=lambda user: PolicyChangeMail.objects.filter(user=user).delete(),
    note="Removed: the marks that a policy-change mail was queued for the person (they only prevent a second mail).",
)

# The consent ledger


def export_consents(user):
    records = ConsentRecord.objects.filter(user=user).select_related("policy_version")
    for record in records.order_by("at", "id"):
        yield row(record, "purpose", "granted", "at", "policy_version.label", "method", "source")


def withdraw_all_consents(user):
    """Nothing stays in force: a withdrawal is appended for every purpose still
    granted. The ledger is append-only, so the history before it stays."""
    granted = {}
    for purpose, is_granted in ConsentRecord.objects.filter(user=user).order_by("at", "id").values_list("purpose", "granted"):
        granted[purpose] = is_granted
    in_force = [purpose for purpose, is_granted in granted.items() if is_granted]
    if not in_force:
        return
    version = PolicyVersion.objects.current(PolicyKind.PRIVACY)
    for purpose in sorted(in_force):
        ConsentRecord.objects.create(user=user, purpose=purpose, granted=False, policy_version=version,
                                     method=ConsentMethod.REQUEST, source="Account deleted")


personal_data(
    ConsentRecord, table="consents", export=export_consents, erase=withdraw_all_consents,
    note="Kept: the consent history (append-only evidence of what the person agreed to, and when). A withdrawal "
         "is appended for every purpose still granted, so no consent stays in force.",
)

# Copies of the person's data


def export_data_exports(user):
    for export in DataExport.objects.filter(user=user).order_by("requested_at", "id"):
        yield row(export, "code", "status", "requested_at", "finished_at", "expires_at", "size")


def erase_data_exports(user):
    exports = DataExport.objects.filter(user=user)
    names = list(exports.exclude(file="").values_list("file", flat=True))
    exports.delete()
    # The files go once the erasure is committed: a failed erasure keeps them with their rows.
    transaction.on_commit(lambda: [default_storage.delete(name) for name in names])


personal_data(
    DataExport, table="data_exports", export=export_data_exports, erase=erase_data_exports,
    note="Removed: every copy of the person's data, the ZIP files and their rows.",
)

# Requests to the organisation's administrators or the operator


def export_data_requests(user):
    requests = DataRequest.objects.filter(user=user).select_related("org")
    for request in requests.order_by("created_at", "id"):
        yield row(request, "code", "kind", "objection_to", "reason", "status", "org.name", "created_at",
                  "confirmed_at", "due_at", "reply", "closed_at")


def blank_data_requests(user):
    DataRequest.objects.filter(user=user).update(reason="", reply="", confirm_key_hash="")
    # The history is append-only, but its notes are free text about the person
    # (their words, the handler's answer). Erasure is the one change allowed:
    # the plain QuerySet.update bypasses the guard, for the note only.
    notes = DataRequestEvent.objects.filter(request__user=user).exclude(note="")
    models.QuerySet.update(notes, note="")


personal_data(
    DataRequest, table="data_requests", export=export_data_requests, erase=blank_data_requests,
    note="Kept as proof that each request was handled (kind, status, dates, who handled it). Removed: the free "
         "text, the person's reason, the reply to them, and the notes in the request's history.",
)


def export_data_request_events(user):
    events = DataRequestEvent.objects.filter(request__user=user).select_related("request", "actor")
    for event in events.order_by("at", "id"):
        yield row(event, "request.code", "at", "action", "status", "note",
                  by="you" if event.actor_id == user.pk else (event.actor.full_name if event.actor else ""))


personal_data(
    DataRequestEvent, table="data_request_events", export=export_data_request_events,
    note="Kept: the history of the person's requests, as proof of handling; its notes are blanked with the "
         "requests (see data_requests).",
)

# Django's admin log: what an operator did in the console


ACTIONS = {ADDITION: "added", CHANGE: "changed", DELETION: "deleted"}


def export_admin_log(user):
    user_type = get_user_model()._meta.label_lower
    entries = LogEntry.objects.filter(user=user).select_related("content_type").order_by("action_time", "id")
    for entry in entries:
        model = f"{entry.content_type.app_label}.{entry.content_type.model}" if entry.content_type else ""
        # Another person's account is named by kind only: their name is theirs.
        someone_else = model == user_type and entry.object_id != str(user.pk)
        yield row(entry, "action_time", model=model, action=ACTIONS.get(entry.action_flag, ""),
                  object="another person's account" if someone_else else entry.object_repr,
                  change=entry.get_change_message())


def redact_admin_log(user):
    names = mentions(user)
    if not names:
        return
    for entry in LogEntry.objects.filter(names.lookup("object_repr", "change_message")):
        object_repr, change_message = names.redact(entry.object_repr), names.redact(entry.change_message)
        if (object_repr, change_message) != (entry.object_repr, entry.change_message):
            LogEntry.objects.filter(pk=entry.pk).update(object_repr=object_repr[:200], change_message=change_message)


personal_data(
    LogEntry, table="admin_log", export=export_admin_log, erase=redact_admin_log,
    note="Kept as evidence of what operators did in the admin console; rows point at the pseudonymised person. "
         "Pseudonymised: wherever a line names the person's email address or name (an operator edited their "
         "account), the pseudonyms replace them.",
)
