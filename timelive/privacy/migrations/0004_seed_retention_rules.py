"""The default retention rules, so that a fresh install keeps data no longer than
the privacy policy says. The operator changes them in the operator console.

The diagnostics rule starts from TIMELIVE_DIAGNOSTICS_DAYS (30 unless set), so an
install that had set the variable keeps its period; from then on the rule decides.
"""

from django.conf import settings
from django.db import migrations

# category → days. Frozen here: a later change of the defaults must not rewrite history.
DEFAULT_DAYS = {
    "exports": 3,
    "deactivated_accounts": 730,
    "marketing": 730,
    "sessions": 0,
    "api_tokens": 90,
}


def seed(apps, schema_editor):
    RetentionRule = apps.get_model("privacy", "RetentionRule")
    days = {"diagnostics": getattr(settings, "TIMELIVE_DIAGNOSTICS_DAYS", 30), **DEFAULT_DAYS}
    for category, value in days.items():
        RetentionRule.objects.get_or_create(category=category, defaults={"days": value, "enabled": True})


def unseed(apps, schema_editor):
    # The rules are configuration, not evidence: going back simply drops them.
    apps.get_model("privacy", "RetentionRule").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("privacy", "0003_privacy_center")]

    operations = [migrations.RunPython(seed, unseed)]
