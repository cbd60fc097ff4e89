"""Signals of the organisations app, for other apps to hook into without orgs importing them."""

from django.dispatch import Signal

# Sent inside the creating transaction by do_create_organization, with `org` and `owner`:
# each app adds its own starting rows (expense codes, …), all or nothing with the organisation.
org_created = Signal()
