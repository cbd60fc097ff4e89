"""TimeLive settings. Every value comes from the environment (see README)."""

import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from timelive.lib.env import env_bool, env_choice, env_int, env_list, env_secret, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("TIMELIVE_VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("DEBUG", False)
# Behind TLS in production: secure cookies, HSTS, __Host- cookie names.
HTTPS = env_bool("TIMELIVE_HTTPS", False)


def _secret_key() -> str:
    # Production (behind TLS) must bring its own key, from SECRET_KEY or a SECRET_KEY_FILE
    # secret: a key generated on one host would differ on the next and end every session.
    # Local installs get a stable key kept beside the SQLite database, so that `make run`
    # needs no set-up.
    key = env_secret("SECRET_KEY")
    if key:
        return key
    if HTTPS:
        raise ImproperlyConfigured("SECRET_KEY (or SECRET_KEY_FILE) must be set when TIMELIVE_HTTPS is on")
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# cloud: many organisations with self sign-up and trials; onprem: one organisation.
TIMELIVE_EDITION = env_choice("TIMELIVE_EDITION", ("cloud", "onprem"), "cloud")
TIMELIVE_TRIAL_DAYS = env_int("TIMELIVE_TRIAL_DAYS", 30, minimum=1)
TIMELIVE_INVITATION_DAYS = env_int("TIMELIVE_INVITATION_DAYS", 7, minimum=1)
TIMELIVE_VERIFY_EMAIL_DAYS = env_int("TIMELIVE_VERIFY_EMAIL_DAYS", 3, minimum=1)
# Sessions end after this long without a request, and after this long at all.
SESSION_IDLE_TIMEOUT = env_int("SESSION_IDLE_TIMEOUT", 8 * 3600, minimum=60)
SESSION_ABSOLUTE_TIMEOUT = env_int("SESSION_ABSOLUTE_TIMEOUT", 14 * 86400, minimum=300)
# The diagnostics request log (the only place IP addresses are kept): on or off,
# and the first value of its retention rule (the operator changes it later in the
# console; apply_retention deletes older rows).
TIMELIVE_DIAGNOSTICS = env_bool("TIMELIVE_DIAGNOSTICS", True)
# Webhooks to loopback, private, link-local and reserved addresses: refused in production (TIMELIVE_HTTPS=1).
TIMELIVE_WEBHOOKS_ALLOW_PRIVATE = env_bool("TIMELIVE_WEBHOOKS_ALLOW_PRIVATE", not HTTPS)
TIMELIVE_DIAGNOSTICS_DAYS = env_int("TIMELIVE_DIAGNOSTICS_DAYS", 30, minimum=1)
# Append-only log of erased accounts, kept outside the database so that erasures
# can be applied again after restoring an older backup (manage.py replay_erasures).
TIMELIVE_ERASURE_LOG = Path(env_str("TIMELIVE_ERASURE_LOG", str(VAR_DIR / "erasures.log")))
# Days between asking to delete one's own account and its deletion; cancel any time before.
TIMELIVE_DELETION_GRACE_DAYS = env_int("TIMELIVE_DELETION_GRACE_DAYS", 7, minimum=0)
# The partner named in the "share my data with a partner" consent.
TIMELIVE_CONSENT_PARTNER = env_str("TIMELIVE_CONSENT_PARTNER", "our implementation partner")
MAX_PICTURE_BYTES = env_int("TIMELIVE_MAX_PICTURE_BYTES", 5 * 1024 * 1024, minimum=1024)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "ninja",
    "django_tasks_db",
    "timelive.accounts",
    "timelive.orgs",
    "timelive.privacy",
    "timelive.tracking",
    "timelive.approvals",
    "timelive.expenses",
    "timelive.reports",
    "timelive.notifications",
    "timelive.integrations",
    "timelive.api",
    "timelive.diagnostics",
    "timelive.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "timelive.diagnostics.middleware.RequestLogMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "timelive.accounts.middleware.SessionTimeoutMiddleware",
    "timelive.accounts.middleware.UserTimeZoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "timelive.accounts.middleware.HtmxLoginRedirectMiddleware",
    "timelive.orgs.middleware.OnPremSetupMiddleware",
    # Last, so the 400 page has the user and organisation; nothing before it reads parameters into the database.
    "timelive.lib.middleware.RefuseNulMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "timelive.orgs.context_processors.shell",
                "timelive.tracking.context_processors.running_timer",
                "timelive.privacy.context_processors.policy_notices",
            ],
        },
    }
]

DATABASE_URL = env_secret("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "timelive.sqlite3",
            # Keep connections (and their page cache) between requests.
            "CONN_MAX_AGE": 600,
            "CONN_HEALTH_CHECKS": True,
            "OPTIONS": {
                # WAL lets the web server and the task worker use the file at once;
                # a 32 MB page cache and memory-mapped reads keep reads off the disk.
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-32768; "
                    "PRAGMA mmap_size=268435456; PRAGMA temp_store=MEMORY;"
                ),
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Brute-force counters (timelive/accounts/throttle.py) live in the default cache,
# which every web worker must share. Unset: files in var/cache, shared by the
# processes of one host (TIMELIVE_CACHE_DIR, default var/cache/default); several
# hosts set a shared Redis, e.g. redis://127.0.0.1:6379/1.
CACHE_URL = env_secret("TIMELIVE_CACHE_URL")
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": Path(os.environ.get("TIMELIVE_CACHE_DIR") or VAR_DIR / "cache" / "default"),
        "KEY_PREFIX": "timelive",
    }
}
if CACHE_URL:
    if not CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
        raise ImproperlyConfigured(f"TIMELIVE_CACHE_URL must be a redis://, rediss:// or unix:// URL, not {CACHE_URL!r}")
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": "timelive",
        }
    }

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["timelive.accounts.backends.EmailBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
# OWASP ASVS 5 V6.2: at least 8 characters, up to at least 64, no
# composition rules, and no password from the common-password list.
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ["email", "full_name"]},
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "timelive.accounts.validators.MaximumLengthValidator", "OPTIONS": {"max_length": 128}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
PASSWORD_RESET_TIMEOUT = 3600

SESSION_ENGINE = "timelive.accounts.session_store"
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_TIMEOUT
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = HTTPS
SESSION_COOKIE_NAME = "__Host-sessionid" if HTTPS else "sessionid"
CSRF_COOKIE_SECURE = HTTPS
CSRF_COOKIE_NAME = "__Host-csrftoken" if HTTPS else "csrftoken"
CSRF_FAILURE_VIEW = "timelive.orgs.views.csrf_failure"
REMEMBER_EMAIL_COOKIE = "__Host-timelive_email" if HTTPS else "timelive_email"
REMEMBER_EMAIL_MAX_AGE = 365 * 86400

SECURE_SSL_REDIRECT = HTTPS and env_bool("TIMELIVE_SSL_REDIRECT", True)
# Behind a reverse proxy: trust its X-Forwarded-Proto, and take the client's IP
# from X-Forwarded-For, counting TIMELIVE_TRUSTED_PROXIES entries from the right.
TIMELIVE_BEHIND_PROXY = env_bool("TIMELIVE_BEHIND_PROXY", False)
TIMELIVE_TRUSTED_PROXIES = env_int("TIMELIVE_TRUSTED_PROXIES", 1, minimum=1)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if TIMELIVE_BEHIND_PROXY else None
SECURE_HSTS_SECONDS = 365 * 86400 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
# Preloading binds the whole domain to HTTPS for good; an operator opts in.
SECURE_HSTS_PRELOAD = HTTPS and env_bool("TIMELIVE_HSTS_PRELOAD", False)
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# No page may load anything from another host: users' IPs stay with us.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}

LANGUAGE_CODE = "en-gb"
TIME_ZONE = env_str("TIMELIVE_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(env_str("TIMELIVE_MEDIA_ROOT", str(VAR_DIR / "media")))
# Receipts, pictures and exports are readable by the server's account only,
# like var/secret_key (the database file too: timelive/lib/dbfiles.py).
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# Every mail is an outbox row sent by a task (see notifications); the backend
# below is what that task finally hands it to.
EMAIL_BACKEND_PATH = env_str("EMAIL_BACKEND", "timelive.notifications.console.EmailBackend")
_mail_options = {}
if EMAIL_BACKEND_PATH.endswith("smtp.EmailBackend"):
    _mail_options = {
        "host": env_str("EMAIL_HOST", "localhost"),
        "port": env_int("EMAIL_PORT", 25),
        "username": env_str("EMAIL_HOST_USER") or None,
        "password": env_secret("EMAIL_HOST_PASSWORD") or None,
        "use_tls": env_bool("EMAIL_USE_TLS", False),
        "use_ssl": env_bool("EMAIL_USE_SSL", False),
        "timeout": env_int("EMAIL_TIMEOUT", 30),
    }
MAILERS = {"default": {"BACKEND": EMAIL_BACKEND_PATH, "OPTIONS": _mail_options}}
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "TimeLive <timelive@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

TASKS = {
    "default": {
        "BACKEND": env_str("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # 403s and 404s are logged as one line; server errors keep their traceback.
    "filters": {"one_line_client_errors": {"()": "timelive.lib.logs.OneLineClientErrors"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        "django.request": {"filters": ["one_line_client_errors"]},
    },
}
