"""The diagnostics request log, in the personal-data registry."""

from timelive.privacy.core.registry import personal_data

from .models import RequestRecord

personal_data(
    RequestRecord, table="request_log", unlinkable=True,
    note="Nothing to export or erase for one person: the request log holds IP addresses but, by design, no user "
         "id, email, session key or session tag, times only to the minute, and no row for the login, logout, "
         "sign-up, password or token pages, so no row can be joined to a person. Every row is deleted after "
         "30 days (TIMELIVE_DIAGNOSTICS_DAYS).",
)
