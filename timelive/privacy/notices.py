"""The notice of a significant policy change, shown at the top of every page."""

from django.db.models import Exists, OuterRef
from django.utils import timezone

from .models import PolicyAcceptance, PolicyVersion


def pending_notices(request) -> list[PolicyVersion]:
    """The significant versions to announce to this visitor now: per document,
    the newest whose notice window is open, unless the person has acknowledged
    it or joined after it took effect. One query, cached on the request."""
    cached = getattr(request, "_policy_notices", None)
    if cached is not None:
        return cached
    now = timezone.now()
    user = getattr(request, "user", None)
    versions = (
        PolicyVersion.objects.published()
        .filter(significant=True, effective_at__lte=now, notice_ends_at__gt=now)
        .select_related("document")
        .order_by("-effective_at", "-id")
    )
    logged_in = user is not None and user.is_authenticated
    if logged_in:
        versions = versions.annotate(
            acknowledged=Exists(PolicyAcceptance.objects.filter(user=user, version=OuterRef("pk")))
        )
    notices, seen = [], set()
    for version in versions:
        if version.document_id in seen:
            continue
        seen.add(version.document_id)
        # Someone who signed up under the new version has nothing to catch up on.
        if logged_in and (version.acknowledged or user.date_joined >= version.effective_at):
            continue
        notices.append(version)
    request._policy_notices = notices
    return notices
