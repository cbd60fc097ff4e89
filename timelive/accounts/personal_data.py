"""The person's own row and their login sessions, in the personal-data registry."""

from django.db import transaction
from django.utils import timezone

from timelive.privacy.core.export_values import row
from timelive.privacy.core.registry import Mentions, personal_data

from .models import User, UserSession


def pseudonym_name(user) -> str:
    return f"Deleted user {user.pk}"


def pseudonym_email(user) -> str:
    # .invalid never resolves (RFC 2606): no mail can reach anyone at it.
    return f"deleted-{user.code}@deleted.invalid"


def mentions(user) -> Mentions:
    """The person's email and name as they appear in other rows' text, with their pseudonyms."""
    return Mentions(user, name_to=pseudonym_name(user), email_to=pseudonym_email(user))


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
