import json
import time

from django.core.management.base import BaseCommand

from timelive.privacy.retention import report_table
from timelive.privacy.tasks import apply_retention_rules


class Command(BaseCommand):
    help = (
        "Apply the retention rules (set in the operator console): delete or pseudonymise what is older than "
        "each category allows, and print what was done. Safe to run again. With --loop, keep doing it."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Change nothing; say what would be affected.")
        parser.add_argument("--json", action="store_true", dest="as_json", help="Print the report as JSON.")
        parser.add_argument("--loop", action="store_true", help="Run again every --interval seconds.")
        parser.add_argument("--interval", type=int, default=86400, help="Seconds between runs (default: a day).")

    def handle(self, *args, dry_run=False, as_json=False, loop=False, interval=86400, **options):
        while True:
            report = apply_retention_rules.call(dry_run=dry_run)
            if as_json:
                self.stdout.write(json.dumps(report, indent=2))
            else:
                self.stdout.write(report_table(report), ending="")
            if not loop:
                return
            time.sleep(interval)
