"""The caller's own copy of their data: ask for it, follow it, download it."""

import datetime as dt
from typing import Annotated

from django.core.exceptions import PermissionDenied
from django.http import FileResponse
from django.urls import reverse
from ninja import Field, Path, Query, Router, Schema, Status

from timelive.privacy.exports import (
    EXPORT_DAYS,
    PENDING,
    do_request_export,
    is_downloadable,
    latest_ready_export,
    request_message,
)
from timelive.privacy.models import DataExport, ExportStatus

from .errors import INVALID, NOT_AUTHENTICATED, ApiError, responses
from .schemas import Page, PageParams, examples

router = Router(tags=["My data"])

ExportCode = Annotated[str, Path(
    description="The copy's id, as `code` in its answers.", pattern=r"^[0-9a-z]+$", min_length=1, max_length=16,
    examples=["r7k2m9x4q8ab"],
)]

LIMITED_TOKEN = ("The token is limited to one organisation, and a copy holds your data of every organisation. "
                 "Use a token without an organisation limit, or the privacy page. Code `permission_denied`.")
NOT_FOUND_EXPORT = "You have no copy with this id (a copy of someone else's data is not found either). Code `not_found`."

LINKS_EXAMPLE = {"self": "/api/v1/me/exports/r7k2m9x4q8ab", "download": "/api/v1/me/exports/r7k2m9x4q8ab/download"}
EXPORT_EXAMPLE = {
    "code": "r7k2m9x4q8ab", "status": "ready", "status_label": "Ready to download",
    "requested_at": "2026-11-23T09:00:00Z", "finished_at": "2026-11-23T09:01:10Z",
    "expires_at": "2026-11-26T09:01:10Z", "size": 48213, "error": "", "links": LINKS_EXAMPLE,
}
QUEUED_EXAMPLE = {
    **EXPORT_EXAMPLE, "status": "queued", "status_label": "Waiting to start", "finished_at": None, "expires_at": None,
    "size": 0, "links": {**LINKS_EXAMPLE, "download": None},
}


class ExportLinks(Schema):
    self: str = Field(description="This copy in the API.", examples=[LINKS_EXAMPLE["self"]])
    download: str | None = Field(description="The ZIP, while the copy is ready; null before and after.",
                                 examples=[LINKS_EXAMPLE["download"], None])

    model_config = examples(LINKS_EXAMPLE)


class ExportOut(Schema):
    code: str = Field(description="The copy's id.")
    status: ExportStatus = Field(description="queued, building, ready, failed, or expired (deleted "
                                             f"{EXPORT_DAYS} days after it was ready).")
    status_label: str = Field(description="The status in words.")
    requested_at: dt.datetime
    finished_at: dt.datetime | None = Field(description="When it became ready or failed.")
    expires_at: dt.datetime | None = Field(description=f"When the file is deleted: {EXPORT_DAYS} days after it was ready.")
    size: int = Field(ge=0, description="Bytes of the ZIP.")
    error: str = Field(description="Why it failed, for a person to read; empty otherwise.")
    links: ExportLinks

    model_config = examples(EXPORT_EXAMPLE)


class ExportRequestOut(ExportOut):
    detail: str = Field(description="What happened, for a person to read.")

    model_config = examples({
        **QUEUED_EXAMPLE,
        "detail": "We are preparing a copy of your data. We will email you when it is ready, usually within a few "
                  "minutes.",
    })


class ExportList(Page):
    items: list[ExportOut]

    model_config = examples({"items": [EXPORT_EXAMPLE], "count": 1})


def export_out(export: DataExport) -> dict:
    path = reverse("api:get_export", kwargs={"export": export.code})
    return {
        "code": export.code, "status": export.status, "status_label": export.get_status_display(),
        "requested_at": export.requested_at, "finished_at": export.finished_at, "expires_at": export.expires_at,
        "size": export.size, "error": export.error,
        "links": {"self": path, "download": f"{path}/download" if is_downloadable(export) else None},
    }


def whole_person_token(request):
    # A token limited to one organisation must not reach the data of the others.
    token = getattr(request, "api_token", None)
    if token is not None and token.org_id is not None:
        raise PermissionDenied("This token is limited to one organisation; a copy of your data covers all of them. "
                               "Use a token without an organisation limit.")


def own_export(request, code: str) -> DataExport:
    export = DataExport.objects.filter(code=code, user=request.user).first()
    if export is None:
        raise ApiError(404, "Not found.", "not_found")
    return export


REQUEST = responses({200: ExportRequestOut, 202: ExportRequestOut}, {401: NOT_AUTHENTICATED, 403: LIMITED_TOKEN})
REQUEST["openapi_extra"]["responses"].update({
    200: {"description": "A copy was already being prepared: this is that copy, and `detail` says so."},
    202: {"description": "A new copy is being prepared."},
})


@router.post("/me/export", summary="Ask for a copy of my data", **REQUEST)
def request_export(request):
    """Start preparing a copy of everything TimeLive holds about you, in every organisation: a ZIP with
    `data.json` (format: `docs/export-format.md`), one CSV per table, a readable `index.html` and your uploaded
    files. Answers 202 with the new copy; follow its `links.self` until `status` is `ready`, then download it.
    You are also emailed. While a copy is still being prepared, asking again answers 200 with that copy instead
    of starting another.

    Errors: 401 without valid credentials; 403 for a token limited to one organisation.
    """
    whole_person_token(request)
    earlier = latest_ready_export(request.user)
    export, created = do_request_export(request.user, via="api")
    body = {**export_out(export), "detail": request_message(export, created, earlier=earlier)}
    return Status(202 if created else 200, body)


@router.get("/me/exports", summary="My copies", **responses(
    {200: ExportList}, {401: NOT_AUTHENTICATED, 403: LIMITED_TOKEN, 422: INVALID}))
def list_exports(request, page: Query[PageParams]):
    """The copies of your data you asked for, newest first, with their status.

    Errors: 401 without valid credentials; 403 for a token limited to one organisation; 422 when `limit` or
    `offset` is out of range.
    """
    whole_person_token(request)
    rows = DataExport.objects.filter(user=request.user).order_by("-requested_at", "-id")
    count = rows.count()
    return {"items": [export_out(e) for e in rows[page.offset: page.offset + page.limit]], "count": count}


@router.get("/me/exports/{export}", summary="One of my copies", **responses(
    {200: ExportOut}, {401: NOT_AUTHENTICATED, 403: LIMITED_TOKEN, 404: NOT_FOUND_EXPORT, 422: INVALID}))
def get_export(request, export: ExportCode):
    """One copy of your data: poll it while `status` is `queued` or `building`.

    Errors: 401 without valid credentials; 403 for a token limited to one organisation; 404 when you have no copy
    with this id; 422 for a malformed id.
    """
    whole_person_token(request)
    return export_out(own_export(request, export))


DOWNLOAD = responses({200: None}, {
    401: NOT_AUTHENTICATED, 403: LIMITED_TOKEN, 404: NOT_FOUND_EXPORT,
    409: "The copy is not ready: still being prepared (code `not_ready`) or it failed (code `failed`).",
    410: f"The copy was deleted {EXPORT_DAYS} days after it was ready; ask for a new one. Code `expired`.",
    422: INVALID,
})
DOWNLOAD["openapi_extra"]["responses"][200] = {
    "description": "The ZIP file.",
    "content": {"application/zip": {"schema": {"type": "string", "format": "binary"}}},
}


@router.get("/me/exports/{export}/download", summary="Download one of my copies", **DOWNLOAD)
def download_export(request, export: ExportCode):
    """The ZIP of a copy that is ready (`links.download`).

    Errors: 401 without valid credentials; 403 for a token limited to one organisation; 404 when you have no copy
    with this id; 409 while it is being prepared or when it failed; 410 once it was deleted; 422 for a malformed
    id.
    """
    whole_person_token(request)
    found = own_export(request, export)
    if found.status in PENDING:
        raise ApiError(409, f"The copy is not ready yet ({found.get_status_display().lower()}).", "not_ready")
    if found.status == ExportStatus.FAILED:
        raise ApiError(409, f"The copy failed: {found.error or 'ask for a new one.'}", "failed")
    handle = None
    if is_downloadable(found):
        try:
            handle = found.file.open("rb")
        except OSError:
            handle = None
    if handle is None:
        raise ApiError(410, f"The copy was deleted {EXPORT_DAYS} days after it was ready. Ask for a new one with "
                            "POST /api/v1/me/export.", "expired")
    response = FileResponse(handle, as_attachment=True, filename=f"timelive-my-data-{found.code}.zip",
                            content_type="application/zip")
    response["Cache-Control"] = "private, no-store"
    return response
