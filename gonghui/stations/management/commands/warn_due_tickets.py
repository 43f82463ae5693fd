from django.core.management.base import BaseCommand

from gonghui.stations.services.tickets import warn_due_soon


class Command(BaseCommand):
    help = (
        "Warn the owning union's officers of open station repair tickets due within "
        "GONGHUI_TICKET_WARN_HOURS hours (once per ticket and due time; safe to run again)."
    )

    def handle(self, *args, **options):
        done = warn_due_soon()
        self.stdout.write(f"warned {len(done)}")
