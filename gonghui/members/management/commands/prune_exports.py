"""Delete the files of expired member exports (run it from cron, e.g. hourly)."""

from django.core.management.base import BaseCommand

from gonghui.members.services import exports


class Command(BaseCommand):
    help = "Delete the files of expired member exports."

    def handle(self, *args, **options):
        removed = exports.prune_exports()
        self.stdout.write(f"{removed} expired export file(s) removed.")
