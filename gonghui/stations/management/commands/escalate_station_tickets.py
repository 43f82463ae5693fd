from django.core.management.base import BaseCommand

from gonghui.stations.services.tickets import escalate_overdue


class Command(BaseCommand):
    help = (
        "Mark open station repair tickets past their due time as escalated, so the owning "
        "union's officers see them on top (once per ticket; safe to run again)."
    )

    def handle(self, *args, **options):
        done = escalate_overdue()
        self.stdout.write(f"escalated {len(done)}")
