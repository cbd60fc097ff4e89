"""Every existing organisation gets the approval settings and built-in paths that new ones get
at creation, so that reading the approvals pages never writes them."""

from django.db import migrations

# As in timelive.approvals.paths, frozen here: (kind, title, tiers).
BUILTIN = [
    ("not_required", "Approval not required", []),
    ("project_manager", "Project manager", [{"project_manager": True}]),
    ("team_lead_then_pm", "Team lead then project manager", [{"team_lead": True}, {"project_manager": True}]),
    ("employee_manager", "Employee's manager", [{"employee_manager": True}]),
]


def set_up(apps, schema_editor):
    Organization = apps.get_model("orgs", "Organization")
    ApprovalPath = apps.get_model("approvals", "ApprovalPath")
    ApprovalTier = apps.get_model("approvals", "ApprovalTier")
    ApprovalSettings = apps.get_model("approvals", "ApprovalSettings")
    for org in Organization.objects.filter(approval_settings__isnull=True).iterator():
        existing = set(ApprovalPath.objects.filter(org=org).exclude(kind="custom").values_list("kind", flat=True))
        for kind, title, tiers in BUILTIN:
            if kind in existing:
                continue
            if ApprovalPath.objects.filter(org=org, title__iexact=title).exists():
                title = f"{title} (built-in)"
            path = ApprovalPath.objects.create(org=org, title=title, kind=kind)
            ApprovalTier.objects.bulk_create(
                ApprovalTier(path=path, position=i, **relations) for i, relations in enumerate(tiers, 1))
        default = ApprovalPath.objects.get(org=org, kind="not_required")
        ApprovalSettings.objects.create(org=org, default_path=default)


class Migration(migrations.Migration):
    dependencies = [
        ('approvals', '0003_override_delete'),
    ]

    operations = [migrations.RunPython(set_up, migrations.RunPython.noop)]
