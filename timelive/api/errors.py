"""Every API error is JSON {"detail": …, "code": …} with a fitting status."""

import functools
import logging

from django.core.exceptions import BadRequest, PermissionDenied, SuspiciousOperation
from django.core.signals import got_request_exception
from django.http import Http404, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.utils.log import log_response
from django.views.decorators.csrf import csrf_exempt
from ninja import Field, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from pydantic import ConfigDict

from timelive.orgs.access import ReadOnlyOrganization


class ErrorOut(Schema):
    detail: str = Field(description="What went wrong, for a person to read.", examples=["Not found."])
    code: str = Field(
        description="What went wrong, for a program: not_authenticated, permission_denied, read_only, not_found, "
                    "invalid, method_not_allowed, conflict, throttled, server_error, …",
        examples=["not_found"],
    )

    model_config = ConfigDict(json_schema_extra={"examples": [{"detail": "Not found.", "code": "not_found"}]})


class FieldError(Schema):
    loc: list[str | int] = Field(description="Where: the part of the request, then the field.",
                                 examples=[["query", "limit"]])
    msg: str = Field(examples=["Input should be less than or equal to 500"])
    type: str = Field(examples=["less_than_equal"])


class ValidationErrorOut(ErrorOut):
    errors: list[FieldError] = Field(description="One entry per invalid field.")

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "detail": "limit: Input should be less than or equal to 500", "code": "invalid",
        "errors": [{"loc": ["query", "limit"], "msg": "Input should be less than or equal to 500",
                    "type": "less_than_equal"}],
    }]})


# What each error status means, for the OpenAPI description of a route.
NOT_AUTHENTICATED = ("The `Authorization: Bearer <token>` header (or browser session) is missing, or the token is "
                     "unknown, expired or revoked. Code `not_authenticated`.")
NOT_FOUND_ORG = ("No organisation with this slug that you are an active member of, or your token is limited to "
                 "another organisation. Code `not_found`.")
INVALID = "A parameter is malformed or out of range; `errors` lists each problem. Code `invalid`."


def responses(success: dict, errors: dict[int, str]) -> dict:
    """Keyword arguments for a route: the `response=` map with ErrorOut for each
    error status, and each error's meaning as its OpenAPI description."""
    schemas = {status: (ValidationErrorOut if status == 422 else ErrorOut) for status in errors}
    return {
        "response": {**success, **schemas},
        "openapi_extra": {"responses": {status: {"description": text} for status, text in errors.items()}},
    }


HTTP_ERROR_CODES = {
    400: "bad_request", 401: "not_authenticated", 403: "permission_denied", 404: "not_found",
    405: "method_not_allowed", 409: "conflict", 422: "invalid", 429: "throttled",
}


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


def error_response(status: int, detail: str, code: str, **headers) -> JsonResponse:
    """An error answer outside a ninja operation (unknown path, wrong method)."""
    response = JsonResponse({"detail": detail, "code": code}, status=status)
    for name, value in headers.items():
        response[name] = value
    return response


# Unknown paths answer 404 whatever the method, so no CSRF check first.
@csrf_exempt
def not_found_view(request, *args, **kwargs):
    return error_response(404, "Not found.", "not_found")


def json_method_not_allowed(view):
    """ninja answers a wrong method with a plain-text 405; answer in JSON like every other error."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if response.status_code == 405 and not response.get("Content-Type", "").startswith("application/json"):
            return error_response(405, f"Method {request.method} is not allowed here.", "method_not_allowed",
                                  Allow=response.get("Allow", ""))
        return response

    return wrapper


def install_error_handlers(api):
    def error(request, status, detail, code, **extra):
        return api.create_response(request, {"detail": detail, "code": code, **extra}, status=status)

    @api.exception_handler(ValidationError)
    def on_validation(request, exc):
        errors = [
            {"loc": [str(p) if not isinstance(p, int) else p for p in e.get("loc", ())],
             "msg": str(e.get("msg", "invalid")), "type": str(e.get("type", "invalid"))}
            for e in exc.errors
        ]
        return error(request, 422, _describe(errors), "invalid", errors=errors)

    @api.exception_handler(AuthenticationError)
    def on_auth(request, exc):
        response = error(request, 401, "Authentication credentials were missing or not valid.", "not_authenticated")
        response["WWW-Authenticate"] = 'Bearer realm="api"'
        return response

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
        code = getattr(exc, "code", None) or HTTP_ERROR_CODES.get(exc.status_code, "error")
        return error(request, exc.status_code, str(exc), code)

    # The requests Django itself answers with 400 (and logs, when suspicious).
    def on_bad_request(request, exc):
        if isinstance(exc, SuspiciousOperation):
            logging.getLogger(f"django.security.{exc.__class__.__name__}").error(str(exc))
        return error(request, 400, "The request is malformed.", "bad_request")

    for exc_class in (BadRequest, SuspiciousOperation, MultiPartParserError):
        api.add_exception_handler(exc_class, on_bad_request)

    @api.exception_handler(Exception)
    def on_server_error(request, exc):
        # Report it the way Django reports any crash (logs, admin mail, the
        # test client re-raising), but answer in JSON like every other error.
        got_request_exception.send(sender=None, request=request)
        response = error(request, 500, "Something went wrong on our side. It has been logged.", "server_error")
        log_response("%s: %s", "Internal Server Error", request.path, response=response, request=request,
                     exception=exc)
        return response
