"""Rebuild every member's search keys (``members.search``): after changing the surname table
or the key rules, or to repair the index. Batches by primary key, one transaction each, so it
can be interrupted and run again; prints the rate as it goes."""

from django.core.management.base import BaseCommand, CommandError

from gonghui.members import search


class Command(BaseCommand):
    help = "Rebuild the member search keys (pinyin, initials, Chinese name) for all members."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=20000)

    def handle(self, *args, batch_size: int, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1")

        def progress(done: int, keys: int, seconds: float) -> None:
            rate = done / seconds if seconds else 0
            self.stdout.write(f"{done} members, {keys} keys, {seconds:.1f} s ({rate:,.0f} rows/s)")

        total = search.rebuild_all(batch_size=batch_size, progress=progress)
        self.stdout.write(self.style.SUCCESS(f"search keys rebuilt for {total} members"))
