from django.core.management.base import BaseCommand

from gonghui.rights.services.requests import escalate_overdue


class Command(BaseCommand):
    help = "Escalate overdue requests to the union above (once per request; safe to run again)."

    def handle(self, *args, **options):
        done = escalate_overdue()
        self.stdout.write(f"escalated {len(done)}")
