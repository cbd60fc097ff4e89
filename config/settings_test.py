"""Test settings: the real settings, with fast hashing and mail kept in memory."""

from config.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
# Tasks run at once, in the test's transaction; test_tasks.py runs the real
# database queue and worker.
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
LOGGING = {
    "version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"},
    "filters": LOGGING["filters"],  # noqa: F405
    "loggers": {"django.request": LOGGING["loggers"]["django.request"]},  # noqa: F405
}

import os  # noqa: E402
import tempfile  # noqa: E402

MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="timelive-test-media-"))  # noqa: F405
# Each test process has a cache of its own, never the development server's (tests clear it); the
# processes a test starts inherit the folder through the environment, as other workers would.
os.environ["TIMELIVE_CACHE_DIR"] = tempfile.mkdtemp(prefix="timelive-test-cache-")
CACHES["default"]["LOCATION"] = Path(os.environ["TIMELIVE_CACHE_DIR"])  # noqa: F405
TIMELIVE_ERASURE_LOG = MEDIA_ROOT / "erasures.log"
# Serve static files from the source folders; tests do not run collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# The request log would add queries to pinned query counts; its own tests turn it on.
TIMELIVE_DIAGNOSTICS = False
