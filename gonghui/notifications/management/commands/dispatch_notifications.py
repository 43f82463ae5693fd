"""Hand the SMS/e-mail copies of notifications whose quiet hours are over to the channel
layer (run every few minutes, beside ``retry_deliveries``; docs/modules/notifications.md)."""

from django.core.management.base import BaseCommand

from gonghui.notifications.services import dispatch_due


class Command(BaseCommand):
    help = "Send the notification messages that waited for quiet hours to end."

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=500)

    def handle(self, *args, limit: int, **options):
        handed = dispatch_due(limit=limit)
        self.stdout.write(f"{handed} notification message(s) handed to the channels")
