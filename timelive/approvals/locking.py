"""Locked time: what nobody may change any more, whichever door they come through.

Time is locked when it lies before the organisation's closing date ("lock all
time before"), or when it is submitted (or approved) and the organisation locks
submitted (or approved) time. The tracking code asks here in two places that
every change passes: `entry_reason` for an entry as stored (update, delete, the
week grid) and `day_problems` for each new or moved entry's day (from
EntryRules.check_limits, which creation, bulk creation, the timer and updates
all go through). The callers raise their own refusals (Locked, EntryInvalid),
so the pages and the API answer as they do for any other rule.
"""

from django.db.models import Exists

from .models import ACTIVE_STATUSES, ApprovalSettings, Submission, SubmissionKind, SubmissionStatus


class Locks:
    """An organisation's locks, with its settings read once (per request or batch).

    Without a settings row nothing was ever submitted (submitting creates it),
    and the defaults apply: submitted and approved entries are locked.
    """

    def __init__(self, org_id: int):
        self.org_id = org_id
        self._settings = None

    def _covering(self, entries):
        users = {e.user_id for e in entries}
        days = [e.date for e in entries]
        # Only timesheets lock time; an expense sheet locks its own expenses (expenses/forms.py sheet_holding).
        return Submission.objects.filter(org_id=self.org_id, person_id__in=users, kind=SubmissionKind.TIMESHEET,
                                         status__in=ACTIVE_STATUSES, start__lte=max(days), end__gte=min(days))

    def _load(self, covering=None):
        rows = ApprovalSettings.objects.filter(org_id=self.org_id).only(
            "lock_submitted", "lock_approved", "locked_before")
        if covering is not None:
            # One query answers both "what are the settings" and "is anything submitted there".
            rows = rows.annotate(busy=Exists(covering))
        row = rows.first()
        self._settings = row or ApprovalSettings(org_id=self.org_id)
        if row is None:
            return False  # nothing was ever submitted here
        return row.busy if covering is not None else None

    @property
    def settings(self) -> ApprovalSettings:
        if self._settings is None:
            self._load()
        return self._settings

    @property
    def closed_before(self):
        """The first day that is still open, or None when no period is closed."""
        return self.settings.locked_before

    def is_closed(self, day) -> bool:
        return self.closed_before is not None and day < self.closed_before

    def closed_message(self, what="nothing can be added, changed or deleted there") -> str:
        return f"Time before {self.closed_before:%-d %b %Y} is closed: {what}."

    def locks_status(self, status) -> bool:
        settings = self.settings
        return (status == SubmissionStatus.SUBMITTED and settings.lock_submitted) or (
            status == SubmissionStatus.APPROVED and settings.lock_approved)

    def day_problems(self, entries) -> dict[int, list[str]]:
        """{index in `entries`: [why]} for entries whose person and day are locked."""
        if not entries:
            return {}
        covering = self._covering(entries)
        busy = self._load(covering) if self._settings is None else None
        settings = self._settings
        if not (settings.lock_submitted or settings.lock_approved):
            busy = False
        rows = list(covering.values_list("person_id", "start", "end", "status")) if busy is not False else []
        problems = {}
        for index, entry in enumerate(entries):
            if self.is_closed(entry.date):
                problems[index] = [self.closed_message()]
                continue
            for person_id, start, end, status in rows:
                if person_id == entry.user_id and start <= entry.date <= end and self.locks_status(status):
                    state = "waiting for approval" if status == SubmissionStatus.SUBMITTED else "approved"
                    problems[index] = [f"{entry.date:%a %-d %b} is in a timesheet that is {state}: "
                                       "no time can be added or changed on it."]
                    break
        return problems

    def entry_reason(self, entry, verb: str = "changed") -> str:
        """Why `entry` (as stored) cannot be changed or deleted, or ""."""
        # The first time, the settings come with the day's check in one query.
        problems = self.day_problems([entry]) if self._settings is None else None
        if self.is_closed(entry.date):
            return self.closed_message(f"this entry cannot be {verb}")
        if self.locks_status(entry.status):
            return f"This entry is {entry.get_status_display().lower()} and cannot be {verb}."
        if problems is None:
            problems = self.day_problems([entry])
        return problems[0][0] if problems else ""
