import os
import stat
import tempfile
from pathlib import Path
from types import SimpleNamespace

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.test import SimpleTestCase

from timelive.lib.dbfiles import private_sqlite_files


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


class FileModesTestCase(SimpleTestCase):
    def test_uploads_are_private_to_the_server_account(self):
        self.assertEqual(settings.FILE_UPLOAD_PERMISSIONS, 0o600)
        self.assertEqual(settings.FILE_UPLOAD_DIRECTORY_PERMISSIONS, 0o700)
        with tempfile.TemporaryDirectory() as root:
            storage = FileSystemStorage(location=root)
            name = storage.save("receipts/abc/scan.pdf", ContentFile(b"%PDF"))
            self.assertEqual(mode(Path(root) / name), 0o600)
            self.assertEqual(mode(Path(root) / "receipts" / "abc"), 0o700)

    def test_the_sqlite_database_files_are_made_private(self):
        with tempfile.TemporaryDirectory() as root:
            db = Path(root) / "timelive.sqlite3"
            for path in (db, Path(f"{db}-wal"), Path(f"{db}-shm")):
                path.write_bytes(b"")
                path.chmod(0o644)
            connection = SimpleNamespace(vendor="sqlite", settings_dict={"NAME": db})
            private_sqlite_files(sender=None, connection=connection)
            for path in (db, Path(f"{db}-wal"), Path(f"{db}-shm")):
                self.assertEqual(mode(path), 0o600, path)

    def test_an_in_memory_database_is_left_alone(self):
        private_sqlite_files(sender=None, connection=SimpleNamespace(vendor="sqlite", settings_dict={"NAME": ":memory:"}))
        private_sqlite_files(sender=None, connection=SimpleNamespace(vendor="postgresql", settings_dict={"NAME": "x"}))
