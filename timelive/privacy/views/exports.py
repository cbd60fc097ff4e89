"""Copy of my information: ask for it, watch it being prepared, download it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from ..exports import (
    PENDING,
    do_request_export,
    export_days,
    is_downloadable,
    is_expired,
    latest_ready_export,
    request_message,
)
from ..models import DataExport, ExportStatus

# The privacy page lists this many of the person's latest copies.
LIST_LIMIT = 10


def export_list_context(user) -> dict:
    # One query, however many copies the person has asked for.
    now = timezone.now()
    exports = list(DataExport.objects.filter(user=user).order_by("-requested_at", "-id")[:LIST_LIMIT])
    for export in exports:
        export.downloadable = is_downloadable(export, now)
        export.expired = is_expired(export, now)
        export.pending = export.status in PENDING
    return {"exports": exports, "export_pending": any(e.pending for e in exports), "export_days": export_days}


def center_context(request) -> dict:
    """What the privacy page shows of this feature."""
    return export_list_context(request.user)


@login_required
@require_POST
def request_export(request):
    """Ask for a copy of everything about me; it is built by a task and I am emailed."""
    earlier = latest_ready_export(request.user)
    export, created = do_request_export(request.user, via="web")
    text = request_message(export, created, earlier=earlier)
    (messages.success if created else messages.info)(request, text)
    return redirect(reverse("privacy:center") + "#exports")


@login_required
@require_safe
def export_status(request):
    """The list of my copies alone: the privacy page polls it (htmx) while one is being prepared."""
    if not request.htmx:
        return redirect(reverse("privacy:center") + "#exports")
    # Rendered without the request: the list needs no context processor, and it is polled every few seconds.
    return HttpResponse(render_to_string("privacy/center/exports.html#export_list", export_list_context(request.user)))


@login_required
@require_safe
def download_export(request, code):
    """The ZIP, for its owner only; everyone else gets 404, whoever they are."""
    export = DataExport.objects.filter(code=code, user=request.user).first()
    if export is None:
        raise Http404("No such copy.")
    if is_downloadable(export):
        try:
            handle = export.file.open("rb")
        except OSError:
            # The row names a file storage no longer has (deleted by retention meanwhile).
            handle = None
        if handle is not None:
            stamp = timezone.localtime(export.finished_at).strftime("%Y-%m-%d")
            response = FileResponse(handle, as_attachment=True, filename=f"timelive-my-data-{stamp}.zip",
                                    content_type="application/zip")
            response["Cache-Control"] = "private, no-store"
            return response
    # Not (or no longer) there: say why, and offer a new copy. Gone for good is 410; not yet or failed, 409.
    gone = export.status not in (*PENDING, ExportStatus.FAILED)
    return render(request, "privacy/export/unavailable.html", {
        "export": export, "expired": gone, "pending": export.status in PENDING, "days": export_days(),
    }, status=410 if gone else 409)
