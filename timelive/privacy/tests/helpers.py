import datetime as dt

from timelive.privacy.models import PolicyDocument, PolicyVersion

NOW = dt.datetime(2025, 6, 1, 9, 0, tzinfo=dt.UTC)
DAY = dt.timedelta(days=1)


def make_version(kind="privacy", label="2.0", *, effective_at=None, published=True, significant=False,
                 notice_days=30, summary="", text="The text."):
    """A policy version; published (at its effective date, or NOW if later) unless published=False."""
    effective_at = effective_at or NOW - DAY
    return PolicyVersion.objects.create(
        document=PolicyDocument.objects.get(kind=kind),
        label=label,
        text=text,
        summary=summary,
        effective_at=effective_at,
        significant=significant,
        notice_days=notice_days,
        published_at=min(effective_at, NOW) if published else None,
    )
