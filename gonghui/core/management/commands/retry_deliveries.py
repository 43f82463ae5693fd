"""Try again the SMS and e-mails whose pause after a failure is over (run it every minute:
docs/ops/messages.md)."""

from django.core.management.base import BaseCommand

from gonghui.core.channels.delivery import retry_due


class Command(BaseCommand):
    help = "Try again every failed message whose next try has come."

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=500, help="At most this many deliveries per run.")

    def handle(self, *args, limit, **options):
        counts = retry_due(limit=limit)
        summary = ", ".join(f"{status}: {n}" for status, n in sorted(counts.items())) or "nothing due"
        self.stdout.write(summary)
