"""Opaque public ids for URLs and the API, so that no sequential id leaks."""

import hashlib
import secrets

# Crockford's base32 alphabet: no I, L, O or U to misread.
ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"


def new_code(length: int = 12) -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def new_secret() -> str:
    """A random secret for links and tokens (256 bits)."""
    return secrets.token_urlsafe(32)


def hash_secret(secret: str) -> str:
    # Secrets are random and long, so a plain SHA-256 is enough to keep a
    # database leak from revealing usable links or tokens.
    return hashlib.sha256(secret.encode()).hexdigest()
