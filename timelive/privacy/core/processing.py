"""May a person's data be used for this now? Restriction and objection, checked in one place.

A restricted account ("kept but not processed") is left out of marketing, usage
statistics and automated notifications, and nobody but the person and the
operator may change their data. An objection to research and development use
leaves the person out of usage statistics; an objection to marketing withdraws
their marketing consents (see states.do_object), so the consent ledger says no.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied

MARKETING = "marketing"
STATISTICS = "statistics"
NOTIFICATIONS = "notifications"
PURPOSES = (MARKETING, STATISTICS, NOTIFICATIONS)



def may_process(user, purpose: str) -> bool:
    """Whether `user`'s data may be used for `purpose` ("marketing", "statistics" or
    "notifications") now. For marketing the person's consent is still needed on top
    (consents.has_consent asks both)."""
    if purpose not in PURPOSES:
        raise ValueError(f"Unknown processing purpose {purpose!r}; use one of {', '.join(PURPOSES)}.")
    if user is None or not getattr(user, "is_authenticated", False) or user.is_deleted or user.is_restricted:
        return False
    if purpose == STATISTICS:
        # A deactivated account's data stay, and so does its share of past usage.
        return user.research_objection_at is None
    # Nobody is mailed or marketed to through an account they cannot use.
    return user.is_active


def people_for_statistics(queryset):
    """`queryset` (of people, or of rows with a `user` foreign key) without restricted
    people and those who objected to research and development use."""
    # By label, not class: the core imports no app.
    prefix = "" if queryset.model._meta.label == settings.AUTH_USER_MODEL else "user__"
    return queryset.filter(**{f"{prefix}restricted_at": None, f"{prefix}research_objection_at": None})


class ProcessingRestricted(PermissionDenied):
    """Someone other than the person (or the operator) tried to change a restricted person's data."""


def edit_refusal(person, acting_user) -> str:
    """Why `acting_user` may not change `person`'s data now, or "" when they may.

    The person themself may, and so may the operator; others not while the
    person's processing is restricted."""
    if not person.is_restricted or acting_user.pk == person.pk or acting_user.is_staff:
        return ""
    return (f"{person} has asked for the processing of their data to be restricted, so only they (or the "
            "operator) can change their entries and details until the restriction is lifted. Nothing was changed.")


def refuse_edit_while_restricted(person, acting_user) -> None:
    """Raise ProcessingRestricted (a 403 with the reason) if `acting_user` may not change `person`'s data."""
    refusal = edit_refusal(person, acting_user)
    if refusal:
        raise ProcessingRestricted(refusal)
