"""Signals other apps listen to; tracking itself never knows who listens."""

from django.db import transaction
from django.dispatch import Signal

CREATED, UPDATED, DELETED = "created", "updated", "deleted"

# Sent once the change commits: action (CREATED/UPDATED/DELETED), entries (TimeEntry objects; deleted
# ones have no pk left) and tags ({entry uid: [tag names]}, given for deleted entries only).
entries_changed = Signal()


def announce_entries(action: str, entries, tags=None) -> None:
    """Send entries_changed after the current transaction commits (at once outside one).
    For DELETED, call it before deleting, with `tags` by pk, while the rows still exist."""
    entries = list(entries)
    if not entries:
        return
    by_uid = {entry.uid: tags.get(entry.pk, []) for entry in entries} if tags is not None else None
    transaction.on_commit(lambda: entries_changed.send(sender="tracking", action=action, entries=entries,
                                                       tags=by_uid))
