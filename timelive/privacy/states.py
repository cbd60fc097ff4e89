"""Account states: deactivation (keeps every row, ends access), restriction of
processing, and objection to marketing or to research and development use.

Who may act:
- deactivate: the person themself (unless an organisation manages their account),
  an admin of the organisation that manages it, or the operator;
- reactivate, restrict, lift a restriction: an admin of the managing organisation
  or the operator;
- object: the person themself, an admin of the managing organisation or the
  operator (the last two acting on the person's data request).
Nobody may deactivate the last active owner of an organisation where others still work.

Audit: deactivation, reactivation and restriction are written to the audit log of
every organisation the person is an active member of (their admins must see why a
colleague cannot log in or cannot be edited), or with no organisation when they
belong to none. An objection concerns the operator's own marketing and research,
not the employer's, so it is written once: to the acting organisation when one of
its admins records it, otherwise with no organisation (the operator's log).
"""

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone

from timelive.accounts.models import User, UserSession
from timelive.integrations.models import ApiToken
from timelive.notifications.mail import queue_mail
from timelive.orgs.actions import audit
from timelive.orgs.managed import admin_manages, managing_org
from timelive.orgs.models import AuditEvent, Membership, Organization, Role

from .actions import do_record_consent
from .consents import MARKETING_PURPOSES
from .models import ConsentMethod, ConsentRecord, ObjectionTo

__all__ = [
    "ObjectionTo", "StateRefused", "do_deactivate", "do_lift_restriction", "do_object", "do_reactivate", "do_restrict",
    "deactivation_refusal", "end_access", "granted_marketing_purposes", "last_owner_orgs",
]


class StateRefused(Exception):
    """A change of account state the rules do not allow; str() is the message for people."""


def end_access(user) -> tuple[int, int]:
    """End every session of `user` and revoke every API token, at once.

    Returns (sessions ended, tokens revoked). Rows are kept otherwise: tokens stay
    listed as revoked, so the person can see what was cut off.
    """
    sessions, _ = UserSession.objects.filter(user=user).delete()
    tokens = ApiToken.objects.filter(user=user, revoked_at=None).update(revoked_at=timezone.now())
    return sessions, tokens


def last_owner_orgs(user, *, lock: bool = False) -> list[Organization]:
    """The organisations that would be left without an active owner, while other people
    still work in them, if `user` lost access. (An organisation of one is left dormant
    with its owner's data: nobody else needs it run, and reactivation brings it back.)

    With `lock`, the owners' memberships are locked first, so that two owners
    cannot deactivate each other at the same moment.
    """
    owned = Membership.objects.filter(user=user, role=Role.OWNER, is_active=True)
    if lock:
        list(Membership.objects.select_for_update().filter(
            org_id__in=list(owned.values_list("org_id", flat=True)), role=Role.OWNER, is_active=True
        ).values_list("pk", flat=True))
    others = Membership.objects.filter(org=OuterRef("org"), is_active=True, user__is_active=True).exclude(user=user)
    return [m.org for m in owned.filter(Exists(others)).exclude(Exists(others.filter(role=Role.OWNER)))
            .select_related("org").order_by("org__name")]


def _last_owner_message(orgs, *, own: bool) -> str:
    names = ", ".join(org.name for org in orgs)
    who = "You are" if own else "This person is"
    one = len(orgs) == 1
    return (f"{who} the last active owner of {names}. Make another member {'its' if one else 'an'} owner first "
            f"(on the Team page of {'it' if one else 'each'}), so that the organisation is not left without "
            "anyone who can run it; or ask the operator to close it.")


def _authority(user, acting_user, org, *, what: str, self_allowed: bool, managed_self_refused: bool = True) -> str:
    """Who is acting: "self", "admin" (of `org`, which manages the account) or "operator".

    Raises StateRefused, naming who could, when `acting_user` may not.
    """
    if org is not None:
        acting = Membership.objects.filter(org=org, user=acting_user, is_active=True).first()
        if acting is not None and acting.is_admin and admin_manages(acting, user):
            return "admin"
        # The operator may act on a request the organisation escalated (it still names the organisation).
        if acting_user.is_staff:
            return "operator"
        if acting is None or not acting.is_admin:
            raise StateRefused(f"Only the administrators of {org.name} can {what} accounts it manages.")
        raise StateRefused(
            f"{org.name} does not manage {user}'s account (it is not on a domain {org.name} owns), so only "
            f"the operator can {what} it. You can remove {user} from {org.name} instead."
        )
    if acting_user.pk == user.pk and self_allowed:
        managing = managing_org(user) if managed_self_refused else None
        if managing is not None and not acting_user.is_staff:
            raise StateRefused(f"Your account is managed by {managing.name} (it owns the domain of your email "
                               f"address), so only its administrators can {what} it. Please ask them.")
        return "self"
    if acting_user.is_staff:
        return "operator"
    raise StateRefused(f"Only the operator or an administrator of the organisation that manages this account "
                       f"can {what} it.")


def _lock(user) -> User:
    # Re-read under lock: the page may be stale, and two people may click at once.
    return User.objects.select_for_update().get(pk=user.pk)


def _refresh(user, fresh) -> None:
    """Copy the stored state onto the caller's object, so it sees what changed."""
    for field in ("is_active", "deactivated_at", "restricted_at", "research_objection_at"):
        setattr(user, field, getattr(fresh, field))


def _audit_in_orgs(user, acting_user, event, **details) -> None:
    """One audit row in each organisation the person belongs to (or one without organisation)."""
    orgs = list(Organization.objects.filter(memberships__user=user, memberships__is_active=True).order_by("pk"))
    for org in orgs or [None]:
        audit(org, acting_user, event, user, **details)


def _by(authority, org) -> dict:
    return {"by": authority, **({"via_org": org.slug} if org is not None else {})}


def _mail(user, subject, template, **context) -> None:
    # Told at the address of the account: it is their account, not an automated notification.
    queue_mail(user.email, subject, template, {
        "user": user, "login_url": settings.SITE_URL + reverse("accounts:login"), **context,
    })


def _check_may_deactivate(user, authority, *, lock: bool) -> None:
    if user.is_deleted:
        raise StateRefused(f"{user} was deleted (pseudonymised); there is nothing to deactivate.")
    if not user.is_active:
        raise StateRefused(
            "Your account is already deactivated." if authority == "self" else f"{user} is already deactivated."
        )
    orgs = last_owner_orgs(user, lock=lock)
    if orgs:
        raise StateRefused(_last_owner_message(orgs, own=authority == "self"))


def deactivation_refusal(user, *, acting_user, org=None) -> str:
    """Why `acting_user` may not deactivate `user` now (as do_deactivate would say), or "" if they may.
    For pages, to offer the button or explain why not."""
    try:
        _check_may_deactivate(user, _authority(user, acting_user, org, what="deactivate", self_allowed=True), lock=False)
    except StateRefused as exc:
        return str(exc)
    return ""


@transaction.atomic
def do_deactivate(user, *, acting_user, org=None, reason: str = "") -> User:
    """End `user`'s access (sessions, API tokens, login); keep every row they own."""
    authority = _authority(user, acting_user, org, what="deactivate", self_allowed=True)
    fresh = _lock(user)
    _check_may_deactivate(fresh, authority, lock=True)
    fresh.is_active = False
    fresh.deactivated_at = timezone.now()
    fresh.save(update_fields=["is_active", "deactivated_at"])
    sessions, tokens = end_access(fresh)
    _audit_in_orgs(fresh, acting_user, AuditEvent.ACCOUNT_DEACTIVATED, **_by(authority, org),
                   sessions_ended=sessions, tokens_revoked=tokens, **({"reason": reason[:500]} if reason else {}))
    _mail(fresh, "Your TimeLive account is deactivated", "account_deactivated",
          by_self=authority == "self", org=org, reason=reason)
    _refresh(user, fresh)
    return user


@transaction.atomic
def do_reactivate(user, *, acting_user, org=None) -> User:
    """Give a deactivated person their access back; everything they had is still there."""
    authority = _authority(user, acting_user, org, what="reactivate", self_allowed=False)
    fresh = _lock(user)
    if fresh.is_deleted:
        raise StateRefused(f"{fresh} was deleted (pseudonymised) and cannot be reactivated.")
    if fresh.is_active:
        raise StateRefused(f"{fresh} is active; there is nothing to reactivate.")
    fresh.is_active = True
    fresh.deactivated_at = None
    fresh.save(update_fields=["is_active", "deactivated_at"])
    _audit_in_orgs(fresh, acting_user, AuditEvent.ACCOUNT_REACTIVATED, **_by(authority, org))
    _mail(fresh, "Your TimeLive account is active again", "account_reactivated", org=org)
    _refresh(user, fresh)
    return user


@transaction.atomic
def do_restrict(user, *, acting_user, org=None) -> User:
    """Keep `user`'s data but stop processing it: no marketing, statistics or automated
    notifications, and no changes by anyone but the person and the operator."""
    authority = _authority(user, acting_user, org, what="restrict", self_allowed=False)
    fresh = _lock(user)
    if fresh.is_deleted:
        raise StateRefused(f"{fresh} was deleted (pseudonymised); there is nothing left to restrict.")
    if fresh.is_restricted:
        raise StateRefused(f"Processing of {fresh}'s data is already restricted (since "
                           f"{fresh.restricted_at:%d %B %Y}).")
    fresh.restricted_at = timezone.now()
    fresh.save(update_fields=["restricted_at"])
    _audit_in_orgs(fresh, acting_user, AuditEvent.ACCOUNT_RESTRICTED, **_by(authority, org))
    _refresh(user, fresh)
    return user


@transaction.atomic
def do_lift_restriction(user, *, acting_user, org=None) -> User:
    """Process `user`'s data normally again. The person is told (GDPR art. 18(3))."""
    authority = _authority(user, acting_user, org, what="lift the restriction of", self_allowed=False)
    fresh = _lock(user)
    if not fresh.is_restricted:
        raise StateRefused(f"Processing of {fresh}'s data is not restricted; there is nothing to lift.")
    since = fresh.restricted_at
    fresh.restricted_at = None
    fresh.save(update_fields=["restricted_at"])
    _audit_in_orgs(fresh, acting_user, AuditEvent.ACCOUNT_UNRESTRICTED, **_by(authority, org),
                   restricted_since=since.isoformat())
    if not fresh.is_deleted:
        _mail(fresh, "The restriction of your data on TimeLive is lifted", "restriction_lifted", since=since)
    _refresh(user, fresh)
    return user


def granted_marketing_purposes(user) -> list[str]:
    """The marketing purposes `user` has granted and not withdrawn, from the ledger (one query)."""
    latest = {}
    rows = ConsentRecord.objects.filter(user=user, purpose__in=MARKETING_PURPOSES).order_by("at", "id")
    for purpose, granted in rows.values_list("purpose", "granted"):
        latest[purpose] = granted
    return [p for p in MARKETING_PURPOSES if latest.get(p)]


@transaction.atomic
def do_object(user, to, *, acting_user, org=None, source: str = "") -> list[str]:
    """Record `user`'s objection to marketing or to research and development use.

    Marketing: every marketing consent in force is withdrawn (new ledger rows,
    method "data-subject request"); the person may grant one again later.
    Research: the person is left out of usage statistics from now on.
    Returns the purposes withdrawn (empty for research).
    """
    if to not in ObjectionTo.values:
        raise StateRefused("Object to marketing or to research and development use.")
    # Objecting to the operator's marketing or research is the person's own right, managed account or not.
    authority = _authority(user, acting_user, org, what="record an objection for", self_allowed=True,
                           managed_self_refused=False)
    fresh = _lock(user)
    if fresh.is_deleted:
        raise StateRefused(f"{fresh} was deleted (pseudonymised); there is nothing left to object to.")
    withdrawn = []
    if to == ObjectionTo.MARKETING:
        label = source or ("Objection to marketing, on the privacy page" if authority == "self"
                           else "Objection to marketing, on request")
        for purpose in granted_marketing_purposes(fresh):
            if do_record_consent(fresh, purpose, False, method=ConsentMethod.REQUEST, source=label) is not None:
                withdrawn.append(str(purpose))
    else:
        if fresh.research_objection_at is not None:
            raise StateRefused(f"An objection to research and development use is already recorded (on "
                               f"{fresh.research_objection_at:%d %B %Y}).")
        fresh.research_objection_at = timezone.now()
        fresh.save(update_fields=["research_objection_at"])
    audit(org, acting_user, AuditEvent.ACCOUNT_OBJECTED, fresh, to=str(to), withdrawn=withdrawn,
          **_by(authority, org))
    _refresh(user, fresh)
    return withdrawn
