"""The person's own row and their login sessions, in the personal-data registry."""

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from timelive.privacy.core.export_values import row
from timelive.privacy.core.registry import Mentions, personal_data

from .models import FormerIdentity, User, UserSession


def pseudonym_name(user) -> str:
    return f"Deleted user {user.pk}"


def pseudonym_email(user) -> str:
    # .invalid never resolves (RFC 2606): no mail can reach anyone at it.
    return f"deleted-{user.code}@deleted.invalid"


def mentions(user) -> Mentions:
    """The person's email and name, current and former, as they appear in other
    rows' text, with their pseudonyms. Kept on `user` for the rest of one erasure
    (finding former values reads many rows)."""
    key = (user.email, user.full_name)
    cached = getattr(user, "_mentions", None)
    if cached is not None and cached[0] == key:
        return cached[1]
    from timelive.privacy.former import former_values

    emails, names = former_values(user)
    found = Mentions(user, name_to=pseudonym_name(user), email_to=pseudonym_email(user),
                     former_emails=emails, former_names=names)
    user._mentions = (key, found)
    return found


def any_address(user, field: str) -> Q:
    """A filter for rows whose `field` is one of the person's addresses, current or former (for erasers)."""
    query = Q(pk__in=[])
    for address in mentions(user).emails:
        query |= Q(**{f"{field}__iexact": address})
    return query


def export_profile(user):
    yield row(user, "code", "email", "full_name", "job_title", "department", "phone", "mobile", "address", "about",
              "time_zone", "picture", "date_joined", "email_verified_at", "last_login", "is_active", "deactivated_at",
              "restricted_at", "research_objection_at", "deletion_due_at")


def pseudonymise_user(user):
    """The row stays, so teammates' entries, tasks and reports stay whole; who it was is gone."""
    if user.picture:
        # The file goes once the erasure is committed: a failed erasure keeps the picture it still names.
        picture, storage = user.picture.name, user.picture.storage
        transaction.on_commit(lambda: storage.delete(picture))
    now = timezone.now()
    User.objects.filter(pk=user.pk).update(
        full_name=pseudonym_name(user), email=pseudonym_email(user), password="!",
        job_title="", department="", phone="", mobile="", address="", about="", picture="",
        is_active=False, is_staff=False, is_superuser=False, last_org=None, email_verified_at=None,
        time_zone="UTC", deletion_due_at=None, deactivated_at=user.deactivated_at or now,
        # Erasing again (after restoring a backup, say) keeps the first date.
        deleted_at=user.deleted_at or now,
    )
    user.groups.clear()
    user.user_permissions.clear()
    user.refresh_from_db()


personal_data(
    User, table="profile", export=export_profile, erase=pseudonymise_user, order=100,
    note="Pseudonymised in place as “Deleted user N”: name, email, job title, department, phone numbers, address, "
         "about-me text and picture are removed, the password is made unusable and operator rights end. The row "
         "itself is kept so that time entries, tasks and comments stay whole for the person's teammates.",
)


def export_sessions(user):
    for session in UserSession.objects.filter(user=user).order_by("-last_active"):
        yield row(session, "code", "device", "created_at", "last_active", "expire_date")


personal_data(
    UserSession, table="sessions", export=export_sessions,
    erase=lambda user: UserSession.objects.filter(user=user).delete(),
    note="Removed: every login session ends.",
)


def export_former_identities(user):
    # Only keyed hashes are stored: the copy says what kind of value changed, and when.
    for record in FormerIdentity.objects.filter(user=user).order_by("recorded_at", "id"):
        yield row(record, "kind", "recorded_at")


personal_data(
    FormerIdentity, table="former_identities", export=export_former_identities,
    erase=lambda user: FormerIdentity.objects.filter(user=user).delete(), order=90,
    note="Removed, after the other erasers used it: the keyed hashes of the person's former email addresses and "
         "names, which let erasure find and remove those values too (in audit labels, mail and invitations).",
)
