import time

from django.core.management.base import BaseCommand

from timelive.privacy.tasks import flag_overdue_data_requests


class Command(BaseCommand):
    help = (
        "Tell whoever holds a data request past its due date (the organisation's admins or the operator), once "
        "per request, and close requests never confirmed. With --loop, keep doing it."
    )

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true", help="Repeat every --interval seconds.")
        parser.add_argument("--interval", type=int, default=86400)

    def handle(self, *args, loop=False, interval=86400, **options):
        while True:
            flagged = flag_overdue_data_requests.call()
            self.stdout.write(f"Flagged {flagged} overdue data request(s).")
            if not loop:
                return
            time.sleep(interval)
