from django.core.management.base import BaseCommand

from timelive.privacy.deletion import replay_erasures


class Command(BaseCommand):
    help = "After restoring a backup, erase again every account listed in the erasure log (TIMELIVE_ERASURE_LOG)."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Only say how many accounts would be erased.")

    def handle(self, *args, dry_run=False, **options):
        logged, back = replay_erasures(dry_run=dry_run)
        verb = "would be erased" if dry_run else "erased again"
        self.stdout.write(f"{logged} accounts in the erasure log; {back} {verb}.")
