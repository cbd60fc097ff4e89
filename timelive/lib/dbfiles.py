"""The SQLite database is as private as the secret key beside it."""

import os
from pathlib import Path


def private_sqlite_files(sender, connection, **kwargs):
    """On each new connection: the database file and its WAL and shared-memory
    files readable by the server's account only (a file made before, or by a
    process with a looser umask, is tightened here)."""
    if connection.vendor != "sqlite":
        return
    name = str(connection.settings_dict.get("NAME") or "")
    if not name or name == ":memory:" or name.startswith("file:"):
        return
    for path in (Path(name), Path(f"{name}-wal"), Path(f"{name}-shm")):
        try:
            if path.exists() and (path.stat().st_mode & 0o077):
                os.chmod(path, 0o600)
        except OSError:  # not ours to change: the operator's choice stands
            pass
