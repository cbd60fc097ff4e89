"""Brute-force protection for logging in and for mail sent on request (ASVS 6.3.1).

Counters live in Django's default cache (TIMELIVE_CACHE_URL; see settings) in
fixed windows that start at the first counted attempt. Their keys hold only a
keyed hash (HMAC with SECRET_KEY) of the IP address and the email, never the
values themselves, and they expire with their window. Every answer is the same
for an email that has an account and one that has none (ASVS 6.3.8): counters
are kept for both alike.
"""

from dataclasses import dataclass

from django.core.cache import cache
from django.utils.crypto import salted_hmac

from .models import normalize_email


@dataclass(frozen=True)
class Limit:
    scope: str
    attempts: int
    window: int  # seconds


# Failed logins for one email from one IP address; a success clears them.
LOGIN_PAIR = Limit("login", 5, 15 * 60)
# Failed logins from one IP address across emails: looser, for offices behind one address.
LOGIN_IP = Limit("login-ip", 50, 15 * 60)
# Password-reset and confirmation mails asked for, per address they go to and per IP.
MAIL_LIMITS = {
    "reset": (Limit("reset", 5, 3600), Limit("reset-ip", 20, 3600)),
    "verify": (Limit("verify", 5, 3600), Limit("verify-ip", 20, 3600)),
}

LOCKED_HINT = (
    f"Too many attempts: wait {LOGIN_PAIR.window // 60} minutes and try again, or reset your password."
)


def _key(limit: Limit, *parts: str) -> str:
    digest = salted_hmac("timelive.accounts.throttle", "\x00".join((limit.scope, *parts)), algorithm="sha256")
    return f"throttle:{limit.scope}:{digest.hexdigest()[:32]}"


def _ip(ip: str | None) -> str:
    # Requests without a readable address share one counter.
    return ip or "unknown"


def _count(key: str) -> int:
    return cache.get(key, 0)


def _hit(limit: Limit, key: str) -> int:
    """Count one attempt; returns the count in the current window."""
    # add() starts the window only if none is running; incr() keeps its expiry.
    cache.add(key, 0, limit.window)
    try:
        return cache.incr(key)
    except ValueError:
        # The window ended between add() and incr(): start a new one.
        cache.set(key, 1, limit.window)
        return 1


def _login_keys(ip: str | None, email: str) -> tuple[str, str]:
    return _key(LOGIN_PAIR, _ip(ip), normalize_email(email)), _key(LOGIN_IP, _ip(ip))


def login_blocked(ip: str | None, email: str) -> bool:
    """True while this email from this IP, or this IP at all, has used up its failed attempts."""
    pair_key, ip_key = _login_keys(ip, email)
    counts = cache.get_many([pair_key, ip_key])
    return counts.get(pair_key, 0) >= LOGIN_PAIR.attempts or counts.get(ip_key, 0) >= LOGIN_IP.attempts


def login_failed(ip: str | None, email: str) -> bool:
    """Count a failed login; True when it used up the last attempt (the next ones are refused)."""
    pair_key, ip_key = _login_keys(ip, email)
    pair_count, ip_count = _hit(LOGIN_PAIR, pair_key), _hit(LOGIN_IP, ip_key)
    return pair_count >= LOGIN_PAIR.attempts or ip_count >= LOGIN_IP.attempts


def login_succeeded(ip: str | None, email: str) -> None:
    """Forget the failed attempts for this email from this IP (not the IP's own count)."""
    cache.delete(_login_keys(ip, email)[0])


def allow_mail(kind: str, ip: str | None, email: str) -> bool:
    """Count a request for a mail of this kind ("reset" or "verify"); False once over either limit.

    A refused request should look like an accepted one and send nothing.
    """
    per_email, per_ip = MAIL_LIMITS[kind]
    email_count = _hit(per_email, _key(per_email, normalize_email(email)))
    ip_count = _hit(per_ip, _key(per_ip, _ip(ip)))
    return email_count <= per_email.attempts and ip_count <= per_ip.attempts


# Typing one's password again to confirm a grave step (change email, deactivate, delete):
# a stolen session must not become a way to guess the password.
REAUTH = Limit("reauth", 5, 15 * 60)


def current_password_error(user, password: str) -> str | None:
    """None when `password` is the person's own; otherwise what to tell them (and the try is counted)."""
    key = _key(REAUTH, user.code)
    if _count(key) >= REAUTH.attempts:
        return f"Too many wrong passwords: wait {REAUTH.window // 60} minutes and try again."
    if user.check_password(password):
        cache.delete(key)
        return None
    _hit(REAUTH, key)
    return "That is not your password."
