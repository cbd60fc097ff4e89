"""The path as the diagnostics log keeps it: no query string, no identifiers.

URL arguments such as email-confirmation tokens, password-reset ids, session
and token codes or entry ids could tie a row to a person (an id names whose
session or entry it is), so every argument but the harmless ones below is
replaced by its name: /account/sessions/<code>/end/.
"""

import re
from urllib.parse import unquote

from django.urls import Resolver404, resolve

# URL arguments that name no person: organisation slugs, days, admin app labels.
KEPT_ARGUMENTS = {"slug", "org", "day", "app_label"}
MAX_LENGTH = 255
# In a path that matches no URL, a long segment that is not plain words is taken for a token.
TOKEN_LENGTH = 16
PLAIN_WORDS = re.compile(r"[a-z.-]+")


def _masked(path: str, match) -> str:
    hidden = {str(value): f"<{name}>" for name, value in match.kwargs.items()
              if name not in KEPT_ARGUMENTS and str(value)}
    hidden.update({str(value): "<arg>" for value in match.args if str(value)})
    if not hidden:
        return path
    segments = path.split("/")
    for i, segment in enumerate(segments):
        name = hidden.get(segment) or hidden.get(unquote(segment))
        if name:
            segments[i] = name
    masked = "/".join(segments)
    # An argument spanning segments (a <path:…> converter).
    for value, name in hidden.items():
        if "/" in value:
            masked = masked.replace(value, name)
    return masked


def _masked_unresolved(path: str) -> str:
    segments = path.split("/")
    for i, segment in enumerate(segments):
        if len(segment) >= TOKEN_LENGTH and not PLAIN_WORDS.fullmatch(segment):
            segments[i] = "<redacted>"
    return "/".join(segments)


def loggable_path(request) -> str:
    # A NUL (refused with 404 anyway) cannot be stored in PostgreSQL text.
    path = request.path.replace("\x00", "")
    match = getattr(request, "resolver_match", None)
    if match is None and not path.endswith("/"):
        # A URL without its final slash is redirected to the one with it (APPEND_SLASH): mask it alike.
        try:
            match = resolve(request.path_info + "/")
        except Resolver404:
            pass
    if match is None:
        return _masked_unresolved(path)[:MAX_LENGTH]
    return _masked(path, match)[:MAX_LENGTH]
