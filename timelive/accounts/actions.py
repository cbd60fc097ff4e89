from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from timelive.notifications.mail import queue_mail

from .models import User, UserSession

VERIFY_SALT = "timelive.verify-email"


def verification_token(user) -> str:
    # Bound to the address, so a link sent to an old address stops working.
    return signing.dumps({"u": user.pk, "e": user.email}, salt=VERIFY_SALT, compress=True)


def user_from_verification_token(token: str) -> User | None:
    try:
        data = signing.loads(token, salt=VERIFY_SALT, max_age=settings.TIMELIVE_VERIFY_EMAIL_DAYS * 86400)
    except signing.BadSignature:
        return None
    return User.objects.filter(pk=data.get("u"), email=data.get("e"), is_active=True).first()


def send_verification_email(user) -> None:
    url = settings.SITE_URL + reverse("accounts:verify_email", args=[verification_token(user)])
    queue_mail(user.email, "Confirm your email address for TimeLive", "verify_email",
               {"user": user, "url": url, "days": settings.TIMELIVE_VERIFY_EMAIL_DAYS})


@transaction.atomic
def do_sign_up(*, full_name, email, password, org_name, time_zone="UTC"):
    """Create a person and their organisation (on a trial in the Cloud edition)."""
    from timelive.orgs.actions import do_create_organization

    user = User.objects.create_user(email, password, full_name=full_name, time_zone=time_zone)
    org = do_create_organization(org_name, user, time_zone=time_zone)
    user.last_org = org
    user.save(update_fields=["last_org"])
    send_verification_email(user)
    return user, org


def do_verify_email(user) -> None:
    if user.email_verified_at is None:
        user.email_verified_at = timezone.now()
        user.save(update_fields=["email_verified_at"])


@transaction.atomic
def do_change_email(user, new_email) -> None:
    """Change the login email; the old address is told, the new one must be confirmed."""
    old_email = user.email
    user.email = new_email
    user.email_verified_at = None
    user.save(update_fields=["email", "email_verified_at"])
    queue_mail(old_email, "Your TimeLive email address was changed", "email_changed",
               {"user": user, "new_email": new_email})
    send_verification_email(user)


def end_other_sessions(user, keep_session_key=None) -> int:
    sessions = UserSession.objects.filter(user=user)
    if keep_session_key:
        sessions = sessions.exclude(session_key=keep_session_key)
    count, _ = sessions.delete()
    return count
