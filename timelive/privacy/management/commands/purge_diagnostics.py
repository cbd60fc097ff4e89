import time

from django.core.management.base import BaseCommand

from timelive.privacy.tasks import purge_diagnostics


class Command(BaseCommand):
    help = "Delete diagnostics log rows older than the diagnostics retention rule. With --loop, keep doing it."

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true", help="Repeat every --interval seconds.")
        parser.add_argument("--interval", type=int, default=3600)

    def handle(self, *args, loop=False, interval=3600, **options):
        while True:
            deleted = purge_diagnostics.call()
            self.stdout.write(f"Deleted {deleted} diagnostics row(s).")
            if not loop:
                return
            time.sleep(interval)
