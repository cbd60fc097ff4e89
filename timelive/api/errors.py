"""Every API error is JSON {"detail": …, "code": …} with a fitting status."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from ninja import Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError

from timelive.orgs.access import ReadOnlyOrganization


class ErrorOut(Schema):
    detail: str
    code: str


class ApiError(HttpError):
    """Raise in a handler for a 4xx with a machine-readable code."""

    def __init__(self, status_code: int, detail: str, code: str):
        super().__init__(status_code, detail)
        self.code = code


def _describe(errors) -> str:
    parts = []
    for error in errors[:5]:
        where = ".".join(str(p) for p in error.get("loc", ())[1:]) or "request"
        parts.append(f"{where}: {error.get('msg', 'invalid')}")
    return "; ".join(parts) or "Invalid input."


def install_error_handlers(api):
    def error(request, status, detail, code, **extra):
        return api.create_response(request, {"detail": detail, "code": code, **extra}, status=status)

    @api.exception_handler(ValidationError)
    def on_validation(request, exc):
        errors = [{k: v for k, v in e.items() if k in ("loc", "msg", "type")} for e in exc.errors]
        return error(request, 422, _describe(exc.errors), "invalid", errors=errors)

    @api.exception_handler(AuthenticationError)
    def on_auth(request, exc):
        return error(request, 401, "Authentication credentials were missing or not valid.", "not_authenticated")

    @api.exception_handler(Http404)
    def on_not_found(request, exc):
        return error(request, 404, "Not found.", "not_found")

    @api.exception_handler(ReadOnlyOrganization)
    def on_read_only(request, exc):
        return error(request, 403, str(exc), "read_only")

    @api.exception_handler(PermissionDenied)
    def on_forbidden(request, exc):
        return error(request, 403, str(exc) or "You do not have permission to do this.", "permission_denied")

    @api.exception_handler(HttpError)
    def on_http_error(request, exc):
        code = getattr(exc, "code", None) or {400: "bad_request", 405: "method_not_allowed", 409: "conflict",
                                              429: "throttled"}.get(exc.status_code, "error")
        return error(request, exc.status_code, str(exc), code)
