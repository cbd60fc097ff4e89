import time

from django.core.management.base import BaseCommand

from timelive.integrations.tasks import retry_webhooks


class Command(BaseCommand):
    help = "Send webhook deliveries whose retry is due (or whose task was lost). With --loop, keep doing it."

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true", help="Repeat every --interval seconds.")
        parser.add_argument("--interval", type=int, default=60)

    def handle(self, *args, loop=False, interval=60, **options):
        while True:
            sent = retry_webhooks.call()
            self.stdout.write(f"Delivered {sent} waiting webhook event(s).")
            if not loop:
                return
            time.sleep(interval)
