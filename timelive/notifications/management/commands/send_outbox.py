import time

from django.core.management.base import BaseCommand

from timelive.notifications.tasks import retry_outbox


class Command(BaseCommand):
    help = "Send outbox mails that are still waiting (failed or lost). With --loop, keep doing it."

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true", help="Repeat every --interval seconds.")
        parser.add_argument("--interval", type=int, default=300)

    def handle(self, *args, loop=False, interval=300, **options):
        while True:
            sent = retry_outbox.call()
            self.stdout.write(f"Sent {sent} waiting mail(s).")
            if not loop:
                return
            time.sleep(interval)
