"""Give up on member exports whose worker died, and delete the files of expired exports (run
it from cron, e.g. hourly; see docs/ops/deploy.md — import and export starts also run it, at
most every five minutes)."""

from django.core.management.base import BaseCommand

from gonghui.members.services import retention


class Command(BaseCommand):
    help = (
        "Mark failed the member exports still waiting or running past GONGHUI_EXPORT_TIMEOUT_MINUTES "
        "and delete the files of expired exports."
    )

    def handle(self, *args, **options):
        failed = retention.fail_stuck_exports()
        removed = retention.prune_exports()
        self.stdout.write(f"{failed} stuck export(s) marked failed.")
        self.stdout.write(f"{removed} expired export file(s) removed.")
