"""Signals of organisations and memberships, for other apps to hook into without orgs importing them."""

from django.db import transaction
from django.dispatch import Signal

# Sent inside the creating transaction by do_create_organization, with `org` and `owner`:
# each app adds its own starting rows (expense codes, …), all or nothing with the organisation.
org_created = Signal()

# Sent once the change commits. membership: the Membership that joined (invitation accepted,
# access restored) or left (removed).
member_joined = Signal()
member_left = Signal()


def announce_after_commit(signal, membership) -> None:
    transaction.on_commit(lambda: signal.send(sender="orgs", membership=membership))
