"""Refuse a NUL character in any text a request carries, before a view or the database sees it.

PostgreSQL cannot store NUL in text (SQLite would, silently), so a NUL typed or pasted
into a form, a filter, a path or an API body would otherwise end in a server error on one
database and odd data on the other. One check here covers every page and endpoint:
pages answer 400 with a message, the API 422 `invalid` (or 404 for a path), in JSON, for its
query strings and JSON bodies alike.
"""

import json
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.http import Http404, JsonResponse
from django.shortcuts import render

NUL = "\x00"
MESSAGE = "Text cannot contain a NUL character (\\0): remove it and try again."


def find_nul(data, where=()):
    """The location (a tuple of keys and indexes) of the first string holding NUL in JSON-like data, or None."""
    if isinstance(data, str):
        return where if NUL in data else None
    items: Iterable[tuple[Any, Any]]
    if isinstance(data, dict):
        items = data.items()
    elif isinstance(data, list):
        items = enumerate(data)
    else:
        return None
    for key, value in items:
        if isinstance(key, str) and NUL in key:
            return (*where, key)
        found = find_nul(value, (*where, key))
        if found is not None:
            return found
    return None


def _params_with_nul(request):
    """The first query or form parameter name holding NUL (in its name or a value), or None."""
    sources = [request.GET]
    if request.method == "POST":
        try:
            sources.append(request.POST)
        except (RequestDataTooBig, TooManyFieldsSent):
            # Django answers these itself, later, with a 400.
            return None
    for params in sources:
        for key, values in params.lists():
            if NUL in key or any(NUL in value for value in values):
                return key
    return None


def _json_nul(request):
    """Where a JSON body holds NUL in a string, or None. JSON can only carry it escaped, so the
    body is parsed (to tell a real NUL from an escaped backslash) only when "\\u0000" appears."""
    if not request.content_type.endswith("json"):
        return None
    try:
        body = request.body
    except RequestDataTooBig:
        return None
    if b"\\u0000" not in body:
        return None
    try:
        return find_nul(json.loads(body))
    except ValueError:
        return None  # not JSON: the API says so itself


class RefuseNulMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        is_api = request.path.startswith("/api/")
        if NUL in request.path:
            if is_api:
                return JsonResponse({"detail": "Not found.", "code": "not_found"}, status=404)
            raise Http404("No such page.")
        key = _params_with_nul(request)
        if key is not None:
            if is_api:
                return JsonResponse({"detail": f"{key.replace(NUL, '')}: {MESSAGE}", "code": "invalid",
                                     "errors": [{"loc": ["query", key.replace(NUL, "")], "msg": MESSAGE,
                                                 "type": "nul_character"}]}, status=422)
            return render(request, "errors/400.html", {"message": MESSAGE}, status=400)
        if is_api:
            where = _json_nul(request)
            if where is not None:
                loc = ["body", *where]
                return JsonResponse({"detail": f"{'.'.join(str(p) for p in where)}: {MESSAGE}", "code": "invalid",
                                     "errors": [{"loc": loc, "msg": MESSAGE, "type": "nul_character"}]}, status=422)
        return self.get_response(request)
