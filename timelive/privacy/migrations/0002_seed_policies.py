"""The three policy documents, and the privacy policy's first version (in force
since 24 May 2018), so that a fresh install has a policy and an archive."""

import datetime as dt
from pathlib import Path

from django.conf import settings
from django.db import migrations

EFFECTIVE = dt.datetime(2018, 5, 24, tzinfo=dt.UTC)
LABEL = "2018-05-24"
SUMMARY = (
    "More control over your information: the policy explains the choices you have about your information "
    "and the measures in place to keep it secure.\n"
    "Using TimeLive for work: many people use TimeLive through their organisation (for example their "
    "employer), which controls their account; the policy explains that relationship and what administrators can do."
)
DOCUMENTS = [("privacy", "Privacy policy"), ("terms", "Terms of service"), ("security", "Security")]


def initial_text() -> str:
    return (Path(settings.BASE_DIR) / "templates" / "privacy" / "initial_privacy.md").read_text(encoding="utf-8")


def seed(apps, schema_editor):
    PolicyDocument = apps.get_model("privacy", "PolicyDocument")
    PolicyVersion = apps.get_model("privacy", "PolicyVersion")
    documents = {}
    for kind, title in DOCUMENTS:
        documents[kind], _ = PolicyDocument.objects.get_or_create(kind=kind, defaults={"title": title})
    if not PolicyVersion.objects.filter(document=documents["privacy"]).exists():
        PolicyVersion.objects.create(
            code="privacy20180524",
            document=documents["privacy"],
            label=LABEL,
            text=initial_text(),
            summary=SUMMARY,
            effective_at=EFFECTIVE,
            significant=False,
            notice_days=0,
            notice_ends_at=EFFECTIVE,
            published_at=EFFECTIVE,
            created_at=EFFECTIVE,
        )


def unseed(apps, schema_editor):
    PolicyVersion = apps.get_model("privacy", "PolicyVersion")
    PolicyDocument = apps.get_model("privacy", "PolicyDocument")
    PolicyVersion.objects.filter(code="privacy20180524").delete()
    PolicyDocument.objects.filter(versions=None).delete()


class Migration(migrations.Migration):
    dependencies = [("privacy", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
