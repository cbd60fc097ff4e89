"""The person's own row and their login sessions, in the personal-data registry."""

from django.utils import timezone

from timelive.privacy.export_values import row
from timelive.privacy.registry import personal_data

from .models import User, UserSession


def export_profile(user):
    yield row(user, "code", "email", "full_name", "job_title", "department", "phone", "mobile", "address", "about",
              "time_zone", "picture", "date_joined", "email_verified_at", "last_login", "is_active", "deactivated_at",
              "restricted_at", "research_objection_at", "deletion_due_at")


def pseudonymise_user(user):
    """The row stays, so teammates' entries, tasks and reports stay whole; who it was is gone."""
    if user.picture:
        user.picture.delete(save=False)
    now = timezone.now()
    User.objects.filter(pk=user.pk).update(
        full_name=f"Deleted user {user.pk}", email=f"deleted-{user.code}@deleted.invalid", password="!",
        job_title="", department="", phone="", mobile="", address="", about="", picture="",
        is_active=False, is_staff=False, is_superuser=False, last_org=None, email_verified_at=None,
        time_zone="UTC", deletion_due_at=None, deactivated_at=user.deactivated_at or now, deleted_at=now,
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
