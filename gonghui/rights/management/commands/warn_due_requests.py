from django.core.management.base import BaseCommand

from gonghui.rights.services.requests import warn_due_soon


class Command(BaseCommand):
    help = (
        "Warn the handling officers of open requests due by the end of the next working day "
        "(once per request and due date; safe to run again)."
    )

    def handle(self, *args, **options):
        done = warn_due_soon()
        self.stdout.write(f"warned {len(done)}")
