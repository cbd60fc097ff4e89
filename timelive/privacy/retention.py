"""Retention: how long each category of personal data is kept, and the job that applies it.

The privacy policy keeps data "for a reasonable period" and then removes it;
the operator says how long per category (RetentionRule, edited in the operator
console) and `apply_retention` (manage.py apply_retention, run daily by
scripts/serve) removes what is older:

- diagnostics: request log rows (the only place IP addresses are kept);
- exports: the files of copies of personal data, past their deletion time;
- deactivated accounts: pseudonymised (privacy.deletion) N days after deactivation;
- marketing: every marketing consent withdrawn (a new ledger row) N days after
  the person's last sign of interest, the later of their last login and their
  last marketing grant;
- sessions: rows of sessions that ended (expired, idle or too old) N days ago;
- API tokens: revoked or expired tokens, N days after that.

The job is idempotent (a second run finds nothing), works in batches, each in
its own transaction, so a large backlog neither locks tables for long nor loses
work if it stops half way, and with `dry_run` only counts.
"""

import datetime as dt
from dataclasses import asdict, dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils import timezone

from timelive.orgs.actions import audit
from timelive.orgs.models import AuditEvent

from .models import ConsentMethod, ConsentRecord, RetentionCategory, RetentionRule

BATCH_SIZE = 500

# The defaults seeded by migration 0004; used for a category whose rule row is missing
# (diagnostics then follows TIMELIVE_DIAGNOSTICS_DAYS, as the migration did: see default_days).
DEFAULT_DAYS = {
    RetentionCategory.DIAGNOSTICS: 30,
    RetentionCategory.EXPORTS: 3,
    RetentionCategory.DEACTIVATED_ACCOUNTS: 730,
    RetentionCategory.MARKETING: 730,
    RetentionCategory.SESSIONS: 0,
    RetentionCategory.API_TOKENS: 90,
}

# What the operator may choose, per category (days, inclusive). A copy must stay
# downloadable for at least a day; a deactivated account must be restorable for
# a while ("in case you decide to re-activate"); ten years is the upper bound
# for everything, beyond which "a reasonable period" no longer holds.
DAYS_LIMITS = {
    RetentionCategory.DIAGNOSTICS: (1, 3650),
    RetentionCategory.EXPORTS: (1, 30),
    RetentionCategory.DEACTIVATED_ACCOUNTS: (30, 3650),
    RetentionCategory.MARKETING: (30, 3650),
    RetentionCategory.SESSIONS: (0, 3650),
    RetentionCategory.API_TOKENS: (0, 3650),
}

# What each category's count means, for the report.
UNITS = {
    RetentionCategory.DIAGNOSTICS: "request log rows deleted",
    RetentionCategory.EXPORTS: "export files deleted",
    RetentionCategory.DEACTIVATED_ACCOUNTS: "accounts pseudonymised",
    RetentionCategory.MARKETING: "consents withdrawn",
    RetentionCategory.SESSIONS: "sessions deleted",
    RetentionCategory.API_TOKENS: "API tokens deleted",
}


# What applying each rule does, in the operator's words (shown in the console).
DESCRIPTIONS = {
    RetentionCategory.DIAGNOSTICS: "Rows of the diagnostics request log (time, path, status, IP address) older than "
    "this are deleted.",
    RetentionCategory.EXPORTS: "Copies of personal data can be downloaded for this long; then their files are deleted.",
    RetentionCategory.DEACTIVATED_ACCOUNTS: "Accounts deactivated for longer than this are pseudonymised "
    "(\"Deleted user N\"), as a deletion would; their work stays with their teams. The last owner of an "
    "organisation that others still use is left alone and reported.",
    RetentionCategory.MARKETING: "Marketing consents still granted are withdrawn (a new row in the consent ledger) "
    "when the person has neither logged in nor granted a marketing consent for this long.",
    RetentionCategory.SESSIONS: "Sessions that ended (logged out, expired, idle or too old) are deleted this long "
    "after they ended; 0 deletes them at the next run.",
    RetentionCategory.API_TOKENS: "Revoked and expired API tokens are deleted this long after they were revoked or "
    "expired.",
}


def default_days(category) -> int:
    if category == RetentionCategory.DIAGNOSTICS:
        return settings.TIMELIVE_DIAGNOSTICS_DAYS
    return DEFAULT_DAYS[category]


def days_limits(category) -> tuple[int, int]:
    return DAYS_LIMITS[category]


def days_error(category, days) -> str:
    """Why `days` is not allowed for `category`, or "" when it is."""
    low, high = days_limits(category)
    if days is None or not low <= days <= high:
        return f"Choose between {low} and {high} days for {RetentionCategory(category).label.lower()}."
    return ""


def current_rules() -> dict[str, RetentionRule]:
    """Every category's rule; a missing row stands in with its default (unsaved)."""
    rules = {rule.category: rule for rule in RetentionRule.objects.all()}
    for category in RetentionCategory.values:
        if category not in rules:
            rules[category] = RetentionRule(category=category, days=default_days(category), enabled=True)
    return {category: rules[category] for category in RetentionCategory.values}


def rule_days(category) -> int:
    """How many days `category` is kept, as the operator set it."""
    days = RetentionRule.objects.filter(category=category).values_list("days", flat=True).first()
    return default_days(category) if days is None else days


@dataclass
class CategoryResult:
    category: str
    label: str
    days: int
    enabled: bool
    # None when the rule is disabled (nothing was looked at).
    affected: int | None = None
    unit: str = ""
    # Rows left alone, with the reason (e.g. a deletion refused): reported, not fatal.
    problems: list[str] = field(default_factory=list)


@dataclass
class RetentionReport:
    now: dt.datetime
    dry_run: bool
    results: list[CategoryResult] = field(default_factory=list)

    def counts(self) -> dict[str, int | None]:
        return {result.category: result.affected for result in self.results}

    @property
    def total(self) -> int:
        return sum(result.affected or 0 for result in self.results)

    def as_dict(self) -> dict:
        return {"now": self.now.isoformat(), "dry_run": self.dry_run, "total": self.total,
                "results": [asdict(result) for result in self.results]}

    def as_table(self) -> str:
        return report_table(self.as_dict())


def report_table(report: dict) -> str:
    """The report (RetentionReport.as_dict(), which the task returns) as a plain-text table."""
    dry_run = report["dry_run"]
    rows = [("Category", "Keep", "Would affect" if dry_run else "Affected", "What")]
    for result in report["results"]:
        keep = f"{result['days']} day{'' if result['days'] == 1 else 's'}"
        if result["affected"] is None:
            rows.append((result["label"], keep, "off", "rule disabled, skipped"))
        else:
            rows.append((result["label"], keep, str(result["affected"]), result["unit"]))
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    lines = []
    for number, row in enumerate(rows):
        lines.append(f"{row[0]:<{widths[0]}}  {row[1]:>{widths[1]}}  {row[2]:>{widths[2]}}  {row[3]}".rstrip())
        if number == 0:
            lines.append("  ".join("-" * width for width in [*widths, max(len(row[3]) for row in rows)]))
    at = dt.datetime.fromisoformat(report["now"]).astimezone(dt.UTC)
    title = f"Retention {'dry run: nothing was changed' if dry_run else 'applied'} ({at:%Y-%m-%d %H:%M} UTC)"
    problems = [f"  {result['label']}: {problem}" for result in report["results"] for problem in result["problems"]]
    return "\n".join([title, "", *lines, *(["", "Left as they are:", *problems] if problems else [])]) + "\n"


def delete_in_batches(queryset, *, dry_run: bool, batch_size: int = BATCH_SIZE) -> int:
    """Delete the rows of `queryset`, `batch_size` per transaction; how many (would be) deleted."""
    if dry_run:
        return queryset.count()
    model = queryset.model
    deleted = 0
    while True:
        with transaction.atomic():
            ids = list(queryset.order_by().values_list("pk", flat=True)[:batch_size])
            if not ids:
                return deleted
            deleted += model.objects.filter(pk__in=ids).delete()[1].get(model._meta.label, 0)


# One function per category: (rule, now, dry_run, batch_size) → (count, problems).


def apply_diagnostics(rule, now, dry_run, batch_size):
    from timelive.diagnostics.purge import purge_request_log

    return purge_request_log(now - dt.timedelta(days=rule.days), batch=batch_size, dry_run=dry_run), []


def apply_exports(rule, now, dry_run, batch_size):
    # Each copy carries its own deletion time (set when it is built); this deletes those past it.
    from .exports import purge_expired_exports

    return purge_expired_exports(now=now, dry_run=dry_run), []


def deactivated_accounts_due(rule, now):
    from timelive.accounts.models import User

    return User.objects.filter(is_active=False, deactivated_at__lt=now - dt.timedelta(days=rule.days), deleted_at=None)


def apply_deactivated_accounts(rule, now, dry_run, batch_size):
    """Pseudonymise accounts deactivated longer than the rule allows, one transaction each
    (each is a deletion with its own audit and erasure log). A refusal (the last owner of
    an organisation others still use) leaves the account as it is and is reported."""
    from .deletion import DeletionRefused, check_deletable, do_delete_account

    done, problems, last_id = 0, [], 0
    due = deactivated_accounts_due(rule, now).order_by("pk")
    while True:
        batch = list(due.filter(pk__gt=last_id)[:batch_size])
        if not batch:
            return done, problems
        last_id = batch[-1].pk
        for user in batch:
            try:
                if dry_run:
                    check_deletable(user)
                else:
                    do_delete_account(user, acting_user=None, reason="retention")
                done += 1
            except DeletionRefused as refusal:
                problems.append(f"account {user.code} (deactivated {user.deactivated_at:%Y-%m-%d}): {refusal}")


def lapsed_marketing_grants(rule, now):
    """The marketing grants still in force (the latest ledger row of their person and
    purpose) of people whose last sign of interest, the later of their last login and
    their last marketing grant, is older than the rule's days."""
    from .consents import MARKETING_PURPOSES

    cutoff = now - dt.timedelta(days=rule.days)
    later = ConsentRecord.objects.filter(user=OuterRef("user"), purpose=OuterRef("purpose")).filter(
        Q(at__gt=OuterRef("at")) | Q(at=OuterRef("at"), id__gt=OuterRef("id"))
    )
    last_grant = (
        ConsentRecord.objects.filter(user=OuterRef("user"), purpose__in=MARKETING_PURPOSES, granted=True)
        .order_by("-at").values("at")[:1]
    )
    return (
        ConsentRecord.objects.filter(purpose__in=MARKETING_PURPOSES, granted=True)
        .exclude(Exists(later))
        .annotate(last_grant=Subquery(last_grant))
        .filter(last_grant__lt=cutoff)
        .filter(Q(user__last_login=None) | Q(user__last_login__lt=cutoff))
    )


def apply_marketing(rule, now, dry_run, batch_size):
    """Withdraw those grants, each by a new ledger row (method "retention rule"): the
    ledger is append-only and the past grants stay as evidence."""
    from .actions import do_record_consent

    grants = lapsed_marketing_grants(rule, now).order_by("pk")
    if dry_run:
        return grants.count(), []
    withdrawn, last_id = 0, 0
    source = f"No sign of interest for {rule.days} days"
    while True:
        batch = list(grants.filter(pk__gt=last_id).select_related("user")[:batch_size])
        if not batch:
            return withdrawn, []
        last_id = batch[-1].pk
        with transaction.atomic():
            for grant in batch:
                if do_record_consent(grant.user, grant.purpose, False, method=ConsentMethod.RETENTION, source=source):
                    withdrawn += 1


def ended_sessions(rule, now):
    """Sessions that ended at least the rule's days ago: past their expiry date, or (logged
    in) idle or older than the timeouts, which end them at their next request anyway."""
    from timelive.accounts.models import UserSession

    grace = dt.timedelta(days=rule.days)
    idle = dt.timedelta(seconds=settings.SESSION_IDLE_TIMEOUT)
    absolute = dt.timedelta(seconds=settings.SESSION_ABSOLUTE_TIMEOUT)
    return UserSession.objects.filter(
        Q(expire_date__lte=now - grace)
        | Q(user__isnull=False, last_active__lt=now - idle - grace)
        | Q(user__isnull=False, created_at__lt=now - absolute - grace)
    )


def apply_sessions(rule, now, dry_run, batch_size):
    return delete_in_batches(ended_sessions(rule, now), dry_run=dry_run, batch_size=batch_size), []


def ended_api_tokens(rule, now):
    from timelive.integrations.models import ApiToken

    cutoff = now - dt.timedelta(days=rule.days)
    return ApiToken.objects.filter(Q(revoked_at__lt=cutoff) | Q(expires_at__lt=cutoff))


def apply_api_tokens(rule, now, dry_run, batch_size):
    return delete_in_batches(ended_api_tokens(rule, now), dry_run=dry_run, batch_size=batch_size), []


APPLY = {
    RetentionCategory.DIAGNOSTICS: apply_diagnostics,
    RetentionCategory.EXPORTS: apply_exports,
    RetentionCategory.DEACTIVATED_ACCOUNTS: apply_deactivated_accounts,
    RetentionCategory.MARKETING: apply_marketing,
    RetentionCategory.SESSIONS: apply_sessions,
    RetentionCategory.API_TOKENS: apply_api_tokens,
}


def apply_retention(*, dry_run: bool = False, now=None, batch_size: int = BATCH_SIZE) -> RetentionReport:
    """Apply every enabled retention rule and report, per category, how many rows were
    (or, with `dry_run`, would be) affected. Disabled rules are skipped. A run that
    changes data leaves one RETENTION_APPLIED audit row with the counts."""
    now = now or timezone.now()
    report = RetentionReport(now=now, dry_run=dry_run)
    for category, rule in current_rules().items():
        result = CategoryResult(category=category, label=RetentionCategory(category).label, days=rule.days,
                                enabled=rule.enabled, unit=UNITS[category])
        if rule.enabled:
            result.affected, result.problems = APPLY[category](rule, now, dry_run, batch_size)
        report.results.append(result)
    if not dry_run:
        audit(None, None, AuditEvent.RETENTION_APPLIED, None, counts=report.counts(),
              problems=sum(len(result.problems) for result in report.results))
    return report
