"""Delete stored roster files that nothing needs any more: previews never confirmed and failed
or interrupted imports older than --hours (default 24), undone imports, files no batch refers
to and uploads left under their temporary name for an hour (run it from cron, e.g. hourly; see
docs/ops/deploy.md — import and export starts also run it, at most every five minutes)."""

from django.core.management.base import BaseCommand, CommandError

from gonghui.members.services import retention


class Command(BaseCommand):
    help = (
        "Delete the uploaded roster files of unconfirmed previews and failed or interrupted "
        "imports older than --hours, of undone imports, files no import refers to and abandoned "
        "temporary uploads."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--hours",
            type=int,
            default=retention.PRUNE_AFTER_HOURS,
            help=f"Keep previews and failed imports younger than this (default {retention.PRUNE_AFTER_HOURS}).",
        )

    def handle(self, *args, **options):
        hours = options["hours"]
        if hours < 0:
            raise CommandError("--hours must be 0 or more.")
        result = retention.prune_imports(older_than_hours=hours)
        self.stdout.write(
            f"{result['batches']} import file(s) and {result['orphans']} orphan file(s) removed."
        )
