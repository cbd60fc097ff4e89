"""Where to send a person back to after a form: only ever a path on this site."""

from django.utils.http import url_has_allowed_host_and_scheme


def safe_next(request, fallback):
    """The `next` of the POST or the query string when it stays on this site, else `fallback` (a URL).

    A plain startswith("/") check lets `//evil.example/x` and `/\\evil.example` through; Django's own check
    knows those, schemes like `javascript:` and the browsers' whitespace quirks."""
    target = (request.POST.get("next") or request.GET.get("next") or "").strip()
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return fallback
