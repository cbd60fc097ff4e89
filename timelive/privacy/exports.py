"""The copy of my information ("Your choices": a structured, electronic format).

A person asks for a copy (`do_request_export`); a task builds it as a ZIP
(`build_export`) holding:

- `data.json`: everything in one document with a versioned schema
  (`docs/export-format.md`);
- `tables/<table>.csv`: one CSV per table of the personal-data registry;
- `index.html`: the same, readable in a browser, with no external assets;
- `files/<storage name>`: the files the person uploaded (their picture,
  receipts, attachments) that rows name under a `file` or `picture` key.

The ZIP is written to a temporary file and copied into storage, one table at a
time, so memory holds at most one table's rows. It can be downloaded only by
its owner, logged in, for 3 days; then `purge_expired_exports` deletes it.
"""

import datetime as dt
import io
import json
import logging
import posixpath
import shutil
import tempfile
import zipfile

from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst

from timelive.accounts.models import User
from timelive.lib.csv import safe_writer
from timelive.notifications.mail import queue_mail
from timelive.orgs.actions import audit
from timelive.orgs.models import AuditEvent
from timelive.tracking.entries import user_zone

from .core.export_values import plain
from .core.registry import entries
from .models import DataExport, ExportStatus

logger = logging.getLogger(__name__)

SCHEMA = "timelive.personal-data"
SCHEMA_VERSION = 1
# The privacy policy promises the copy is deleted this long after it is ready.
# The default; the operator's retention rule for exports (RetentionRule "exports") decides.
EXPORT_DAYS = 3


def export_days() -> int:
    """Days a ready copy is kept before it is deleted, as the operator set it."""
    from .models import RetentionCategory
    from .retention import rule_days

    return rule_days(RetentionCategory.EXPORTS)
# Row keys that name a file in storage the person uploaded; such files are copied under files/.
FILE_KEYS = ("file", "picture")
# A copy still queued or building after this long was lost (a worker died): a new request replaces it.
STALE_AFTER = dt.timedelta(hours=6)
PENDING = (ExportStatus.QUEUED, ExportStatus.BUILDING)
FAILED_MESSAGE = "Something went wrong while preparing this copy. We have logged the problem; please ask for a new copy."
STALE_MESSAGE = "This copy took too long to prepare and was abandoned; please ask for a new copy."


def is_downloadable(export, now=None) -> bool:
    now = now or timezone.now()
    return export.status == ExportStatus.READY and bool(export.file) and (export.expires_at is None or export.expires_at > now)


def is_expired(export, now=None) -> bool:
    """Deleted, or past its deletion time (the purge job may not have run yet)."""
    now = now or timezone.now()
    return export.status == ExportStatus.EXPIRED or (
        export.status == ExportStatus.READY and export.expires_at is not None and export.expires_at <= now
    )


def latest_ready_export(user, now=None) -> DataExport | None:
    """The person's newest copy that can still be downloaded."""
    now = now or timezone.now()
    return (
        DataExport.objects.filter(user=user, status=ExportStatus.READY, expires_at__gt=now)
        .exclude(file="").order_by("-finished_at", "-id").first()
    )


@transaction.atomic
def do_request_export(user, *, via="web") -> tuple[DataExport, bool]:
    """Ask for a copy of everything about `user`; returns (export, created).

    While one is queued or being prepared, that one is returned (created False):
    one build at a time per person. A copy that is ready does not stop a new
    request; it stays downloadable until it expires.
    """
    # Serialises two requests of the same person (PostgreSQL; SQLite writes one at a time anyway).
    User.objects.select_for_update().filter(pk=user.pk).first()
    now = timezone.now()
    pending = DataExport.objects.filter(user=user, status__in=PENDING).order_by("-requested_at", "-id").first()
    if pending is not None and pending.requested_at > now - STALE_AFTER:
        return pending, False
    if pending is not None:
        DataExport.objects.filter(pk=pending.pk, status__in=PENDING).update(
            status=ExportStatus.FAILED, finished_at=now, error=STALE_MESSAGE
        )
    export = DataExport.objects.create(user=user, requested_at=now)
    audit(None, user, AuditEvent.DATA_EXPORT_REQUESTED, export, via=via)
    from .tasks import build_data_export

    transaction.on_commit(lambda: build_data_export.enqueue(export.pk))
    return export, True


def request_message(export, created, *, earlier=None) -> str:
    """What to tell the person after `do_request_export` (`earlier`: a ready copy they had before)."""
    # In the person's own time zone: an API call is not in the middleware's (it authenticates later).
    zone = user_zone(export.user)
    when = date_format(timezone.localtime(export.requested_at, zone), "j M Y H:i")
    if not created:
        return (f"A copy of your data is already being prepared (asked for on {when}). "
                "We will email you when it is ready; there is no need to ask again.")
    text = "We are preparing a copy of your data. We will email you when it is ready, usually within a few minutes."
    if earlier is not None and earlier.pk != export.pk:
        until = date_format(timezone.localtime(earlier.expires_at, zone), "j M Y H:i")
        text += f" It replaces your earlier copy, which you can still download until {until}."
    return text


# Building


def build_export(export) -> DataExport:
    """Build the ZIP of a queued export: QUEUED → BUILDING → READY, or FAILED (the person is told either way).

    Does nothing unless the export is still queued, so a task that runs twice builds once.
    """
    claimed = DataExport.objects.filter(pk=export.pk, status=ExportStatus.QUEUED).update(status=ExportStatus.BUILDING)
    export.refresh_from_db()
    if not claimed:
        return export
    user = export.user
    if user.is_deleted:
        # Nothing is left to copy, and nobody to tell.
        export.status, export.finished_at, export.error = ExportStatus.FAILED, timezone.now(), "The account was deleted."
        export.save(update_fields=["status", "finished_at", "error"])
        return export
    try:
        with tempfile.TemporaryFile() as archive:
            write_archive(archive, user, exported_at=timezone.now())
            size = archive.tell()
            archive.seek(0)
            export.file.save("export.zip", File(archive, name="export.zip"), save=False)
    except Exception:
        logger.exception("Building export %s failed", export.code)
        if export.file:
            export.file.delete(save=False)
        return fail_export(export, FAILED_MESSAGE)
    now = timezone.now()
    export.status, export.size, export.finished_at = ExportStatus.READY, size, now
    days = export_days()
    export.expires_at = now + dt.timedelta(days=days)
    export.error = ""
    export.save(update_fields=["status", "size", "finished_at", "expires_at", "error", "file"])
    queue_mail(user.email, "Your copy of your TimeLive data is ready", "export_ready", {
        "user": user, "export": export,
        "download_url": absolute(reverse("privacy:export_download", kwargs={"code": export.code})),
        "privacy_url": absolute(reverse("privacy:center")),
        "days": days,
    })
    return export


def fail_export(export, message: str) -> DataExport:
    export.status, export.finished_at, export.error, export.file = ExportStatus.FAILED, timezone.now(), message[:500], ""
    export.save(update_fields=["status", "finished_at", "error", "file"])
    queue_mail(export.user.email, "We could not prepare your copy of your TimeLive data", "export_failed", {
        "user": export.user, "export": export, "privacy_url": absolute(reverse("privacy:center")),
    })
    return export


def absolute(path: str) -> str:
    from django.conf import settings

    return settings.SITE_URL + path


def table_title(name: str) -> str:
    words = ["API" if word == "api" else word for word in name.split("_")]
    return capfirst(" ".join(words))


def columns_of(rows) -> list[str]:
    """The union of the rows' keys, in the order they first appear."""
    return list(dict.fromkeys(key for row in rows for key in row))


def json_default(value):
    converted = plain(value)
    return str(value) if converted is value else converted


def csv_value(value) -> str:
    value = plain(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list | tuple):
        return json.dumps(value, ensure_ascii=False, default=json_default)
    return str(value)


def html_value(value) -> str:
    value = plain(value)
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dict | list | tuple):
        return json.dumps(value, ensure_ascii=False, default=json_default)
    return str(value)


def archive_file_path(storage_name: str) -> str | None:
    """Where a stored file goes in the ZIP: files/<storage name>, never outside files/."""
    name = posixpath.normpath(str(storage_name).replace("\\", "/")).lstrip("/")
    if not name or name == "." or name.startswith("../") or name == "..":
        return None
    return f"files/{name}"


def zip_entry(name: str, when: dt.datetime, size_hint: int = 0) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=when.timetuple()[:6])
    info.compress_type = zipfile.ZIP_DEFLATED
    # Tells zipfile to write ZIP64 headers for an entry that may pass 2 GB.
    info.file_size = size_hint
    return info


def iter_tables(user):
    """(table, rows) for each registered table, one table's rows in memory at a time."""
    for entry in entries():
        if entry.export is not None:
            yield entry.table, list(entry.export(user))


def write_archive(out, user, *, exported_at: dt.datetime) -> None:
    """Write the whole ZIP for `user` to the binary file `out`."""
    exported_at = exported_at.astimezone(dt.UTC)
    person = {"code": user.code, "name": user.full_name, "email": user.email}
    tables = [entry.table for entry in entries() if entry.export is not None]
    copied: list[str] = []
    with (
        zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive,
        tempfile.TemporaryFile() as data_json,
        tempfile.TemporaryFile() as index_html,
    ):
        # The document is written as it goes: its head, then each table, then the list of files.
        head = json.dumps({
            "schema": SCHEMA, "version": SCHEMA_VERSION, "exported_at": exported_at.isoformat(), "person": person,
        }, ensure_ascii=False, indent=1)
        data_json.write(head.rstrip().removesuffix("}").rstrip().encode() + b',\n "tables": {')
        index_html.write(render_to_string("privacy/export/index.html#head", {
            "person": person, "exported_at": exported_at, "tables": [(t, table_title(t)) for t in tables],
            "days": export_days(),
        }).encode())
        for position, (table, rows) in enumerate(iter_tables(user)):
            columns = columns_of(rows)
            files = copy_files(archive, rows, exported_at, copied)
            write_csv(archive, table, columns, rows, exported_at)
            write_json_table(data_json, table, rows, first=position == 0)
            index_html.write(render_to_string("privacy/export/index.html#table", {
                "table": table, "title": table_title(table), "columns": columns,
                "rows": [[cell(row, column, files) for column in columns] for row in rows],
            }).encode())
            del rows
        data_json.write(b"\n },\n \"files\": " + json.dumps(copied, ensure_ascii=False).encode() + b"\n}\n")
        index_html.write(render_to_string("privacy/export/index.html#foot", {"files": copied}).encode())
        for name, part in (("data.json", data_json), ("index.html", index_html)):
            size = part.tell()
            part.seek(0)
            with archive.open(zip_entry(name, exported_at, size), "w") as target:
                shutil.copyfileobj(part, target)


def write_json_table(out, table: str, rows: list[dict], *, first: bool) -> None:
    out.write(("" if first else ",").encode() + b"\n  " + json.dumps(table).encode() + b": [")
    for i, row in enumerate(rows):
        out.write((b"," if i else b"") + b"\n   " + json.dumps(row, ensure_ascii=False, default=json_default).encode())
    out.write(b"\n  ]" if rows else b"]")


def write_csv(archive, table: str, columns: list[str], rows: list[dict], when) -> None:
    with archive.open(zip_entry(f"tables/{table}.csv", when), "w") as raw:
        text = io.TextIOWrapper(raw, encoding="utf-8", newline="")
        # Cells that a spreadsheet would run as formulas are defused (timelive/lib/csv.py).
        writer = safe_writer(text)
        # A table with no rows has no known columns: its file is empty.
        if columns:
            writer.writerow(columns)
        for row in rows:
            writer.writerow([csv_value(row.get(column)) for column in columns])
        text.flush()
        text.detach()


def copy_files(archive, rows, when, copied: list[str]) -> dict[str, str]:
    """Copy the stored files these rows name into files/; {storage name: path in the ZIP} of those that exist."""
    found = {}
    for row in rows:
        for key in FILE_KEYS:
            name = row.get(key)
            if not name or not isinstance(name, str) or name in found:
                continue
            target = archive_file_path(name)
            if target is None:
                continue
            if target in copied:
                found[name] = target
                continue
            try:
                size = default_storage.size(name)
                source = default_storage.open(name, "rb")
            except (OSError, ValueError, NotImplementedError):
                # The row names a file storage no longer has (or never had): the row still says so.
                continue
            with source, archive.open(zip_entry(target, when, size), "w") as dest:
                shutil.copyfileobj(source, dest)
            copied.append(target)
            found[name] = target
    return found


def cell(row: dict, column: str, files: dict[str, str]) -> dict:
    value = row.get(column)
    href = files.get(value) if column in FILE_KEYS and isinstance(value, str) else None
    return {"text": html_value(value) if column in row else "", "href": href}


# Retention


def purge_expired_exports(*, now=None, dry_run=False) -> int:
    """Delete the files of copies past their deletion time and mark them expired.

    Returns how many files were deleted (or would be, with dry_run). Running it
    again deletes nothing more.
    """
    now = now or timezone.now()
    due = DataExport.objects.filter(expires_at__lte=now).exclude(status=ExportStatus.EXPIRED).order_by("pk")
    if dry_run:
        return due.exclude(file="").count()
    deleted = 0
    for export in due.iterator(chunk_size=500):
        if export.file:
            name = export.file.name
            default_storage.delete(name)
            remove_empty_folder(posixpath.dirname(name))
            deleted += 1
        DataExport.objects.filter(pk=export.pk, expires_at__lte=now).update(status=ExportStatus.EXPIRED, file="")
    return deleted


def remove_empty_folder(folder: str) -> None:
    """exports/<code>/ is left empty on a local disk; other storages have no folders."""
    import os

    try:
        os.rmdir(default_storage.path(folder))
    except (NotImplementedError, OSError, ValueError):
        pass

