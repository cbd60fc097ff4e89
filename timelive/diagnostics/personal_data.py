"""The diagnostics request log, in the personal-data registry."""

from timelive.privacy.core.registry import personal_data

from .models import RequestRecord

personal_data(
    RequestRecord, table="request_log", unlinkable=True,
    note="Nothing to export or erase for one person: the request log holds IP addresses but, by design, no user "
         "id, email or session key, and its session tag is a keyed hash that changes every day, so no row can be "
         "joined to a person. Every row is deleted after 30 days (TIMELIVE_DIAGNOSTICS_DAYS).",
)
