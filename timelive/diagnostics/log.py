"""The per-process buffer of request rows, written to the database in batches.

One INSERT per request would add a write (and on SQLite the write lock) to every
request; instead each process keeps up to FLUSH_ROWS rows or FLUSH_SECONDS of
them and writes them with one bulk INSERT, and writes what is left at exit.
"""

import atexit
import logging
import threading
import time

from django.conf import settings
from django.db import DatabaseError, connection, transaction

logger = logging.getLogger(__name__)

FLUSH_ROWS = 50
FLUSH_SECONDS = 10.0
COLUMNS = ("at", "method", "path", "status", "duration_ms", "ip")


class RequestLog:
    def __init__(self, flush_rows=FLUSH_ROWS, flush_seconds=FLUSH_SECONDS):
        self.flush_rows = flush_rows
        self.flush_seconds = flush_seconds
        self._rows = []
        self._oldest = 0.0
        self._lock = threading.Lock()

    def add(self, row: tuple) -> None:
        """Buffer (at, method, path, status, duration_ms, ip); write the batch when it is due."""
        now = time.monotonic()
        with self._lock:
            if not self._rows:
                self._oldest = now
            self._rows.append(row)
            due = len(self._rows) >= self.flush_rows or now - self._oldest >= self.flush_seconds
        if due:
            self.flush()

    def pending(self) -> int:
        return len(self._rows)

    def discard(self) -> None:
        with self._lock:
            self._rows = []

    def flush(self) -> int:
        with self._lock:
            rows, self._rows = self._rows, []
        if not rows:
            return 0
        try:
            # A savepoint when called inside a transaction, so a failure here cannot break it.
            with transaction.atomic():
                _insert(rows)
        except DatabaseError:
            # Diagnostics must never break a request: drop the batch and say so.
            logger.warning("Could not write %d diagnostics row(s)", len(rows), exc_info=True)
            return 0
        return len(rows)


def _insert(rows: list[tuple]) -> None:
    # One executemany, not bulk_create: preparing model instances cost five times the INSERT itself.
    from .models import RequestRecord

    ops = connection.ops
    table = ops.quote_name(RequestRecord._meta.db_table)
    columns = ", ".join(ops.quote_name(name) for name in COLUMNS)
    placeholders = ", ".join(["%s"] * len(COLUMNS))
    params = [
        (ops.adapt_datetimefield_value(at), method, path, status, duration_ms, ops.adapt_ipaddressfield_value(ip))
        for at, method, path, status, duration_ms, ip in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", params)


request_log = RequestLog()


def _flush_at_exit():
    if settings.configured and request_log.pending():
        request_log.flush()


atexit.register(_flush_at_exit)
