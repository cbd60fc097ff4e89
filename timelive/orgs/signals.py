"""Signals of organisations and memberships, sent once the change commits."""

from django.db import transaction
from django.dispatch import Signal

# membership: the Membership that joined (invitation accepted, access restored) or left (removed).
member_joined = Signal()
member_left = Signal()


def announce_after_commit(signal, membership) -> None:
    transaction.on_commit(lambda: signal.send(sender="orgs", membership=membership))
