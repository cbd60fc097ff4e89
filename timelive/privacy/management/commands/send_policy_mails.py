from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from timelive.privacy.models import PolicyVersion
from timelive.privacy.tasks import mail_policy_change


class Command(BaseCommand):
    help = (
        "Mail active users about significant policy versions whose notice is still open (or --code CODE). "
        "Each person gets each mail once, so running it again only reaches people added since."
    )

    def add_arguments(self, parser):
        parser.add_argument("--code", help="The code of one published significant version.")

    def handle(self, *args, code=None, **options):
        versions = PolicyVersion.objects.published().filter(significant=True).select_related("document")
        if code:
            versions = versions.filter(code=code)
            if not versions.exists():
                raise CommandError(f"No published significant version with code {code}.")
        else:
            versions = versions.filter(notice_ends_at__gt=timezone.now())
        for version in versions:
            queued = mail_policy_change.call(version.pk)
            self.stdout.write(f"{version}: queued {queued} mail(s).")
