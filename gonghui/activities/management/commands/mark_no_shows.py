from django.core.management.base import BaseCommand

from gonghui.activities.checkin.services import no_shows_mark


class Command(BaseCommand):
    help = (
        "Mark confirmed sign-ups of ended activities without a check-in as no-shows "
        "(once each; safe to run again). Run daily."
    )

    def handle(self, *args, **options):
        self.stdout.write(f"marked {no_shows_mark()}")
