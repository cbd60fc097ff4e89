"""Former email addresses and names, kept as keyed hashes so erasure can find them.

A person who renamed themselves or changed their address left the old values
in rows written at the time (audit labels, mail, invitations). The erasers
search text for the current values; `FormerIdentity` lets them recognise the
former ones too: every address and every run of words in the text is hashed
the same way and compared, and what matches is erased like the current value.
"""

import re

from django.conf import settings
from django.utils.crypto import salted_hmac

from .models import FormerIdentity, normalize_email

KEY_SALT = "timelive.accounts.former-identity"
WORD = re.compile(r"\w+")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def name_words(name: str) -> list[str]:
    return [word.casefold() for word in WORD.findall(name or "")]


def _secrets() -> list[str]:
    # Hashes recorded before a key rotation still match through SECRET_KEY_FALLBACKS.
    return [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]


def _digest(kind: str, normalized: str, secret: str) -> str:
    return salted_hmac(f"{KEY_SALT}.{kind}", normalized, secret=secret, algorithm="sha256").hexdigest()


def digest(kind: str, value: str, secret: str | None = None) -> str:
    normalized = normalize_email(value) if kind == FormerIdentity.Kind.EMAIL else " ".join(name_words(value))
    return _digest(kind, normalized, secret or settings.SECRET_KEY)


def record_former_identity(user, kind: str, value: str) -> None:
    words = 1 if kind == FormerIdentity.Kind.EMAIL else len(name_words(value))
    if not words:
        return
    FormerIdentity.objects.get_or_create(user=user, kind=kind, digest=digest(kind, value), defaults={"words": words})


class FormerMatcher:
    """Recognises a person's former addresses and names in text, from their hashes."""

    def __init__(self, user):
        self.digests = {FormerIdentity.Kind.EMAIL: set(), FormerIdentity.Kind.NAME: set()}
        self.name_lengths: set[int] = set()
        for kind, value, words in FormerIdentity.objects.filter(user=user).values_list("kind", "digest", "words"):
            self.digests[kind].add(value)
            if kind == FormerIdentity.Kind.NAME:
                self.name_lengths.add(words)
        self.secrets = _secrets()
        self.emails: set[str] = set()
        self.names: set[str] = set()
        self._known: dict[tuple[str, str], bool] = {}

    def __bool__(self):
        return any(self.digests.values())

    def _matches(self, kind, normalized) -> bool:
        key = (kind, normalized)
        if key not in self._known:
            self._known[key] = any(_digest(kind, normalized, secret) in self.digests[kind] for secret in self.secrets)
        return self._known[key]

    def feed(self, text: str) -> None:
        """Remember every former address or name found in `text`, as written there."""
        if not text or not isinstance(text, str):
            return
        if self.digests[FormerIdentity.Kind.EMAIL]:
            for match in EMAIL.finditer(text):
                address = match.group(0).strip(".")
                if self._matches(FormerIdentity.Kind.EMAIL, normalize_email(address)):
                    self.emails.add(address)
        if self.name_lengths:
            words = list(WORD.finditer(text))
            for length in self.name_lengths:
                for i in range(len(words) - length + 1):
                    run = words[i:i + length]
                    normalized = " ".join(word.group(0).casefold() for word in run)
                    if self._matches(FormerIdentity.Kind.NAME, normalized):
                        self.names.add(text[run[0].start():run[-1].end()])
