import time

from django.core.management.base import BaseCommand

from timelive.privacy.deletion import delete_due_accounts


class Command(BaseCommand):
    help = "Delete (pseudonymise) the accounts whose deletion grace period is over."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Only say how many are due.")
        parser.add_argument("--loop", action="store_true", help="Run again every --interval seconds.")
        parser.add_argument("--interval", type=int, default=3600)

    def handle(self, *args, dry_run=False, loop=False, interval=3600, **options):
        while True:
            count = delete_due_accounts(dry_run=dry_run)
            self.stdout.write(f"{count} accounts {'due' if dry_run else 'deleted'}.")
            if not loop:
                return
            time.sleep(interval)
