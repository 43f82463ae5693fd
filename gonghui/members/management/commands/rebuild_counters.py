"""Recompute the subtree counters from the member and organisation tables (after an upgrade
that introduces them, or as a repair); ``--check`` only compares and fails on a mismatch."""

import time

from django.core.management.base import BaseCommand, CommandError

from gonghui.members import counters


class Command(BaseCommand):
    help = "Recompute the subtree statistics counters (or, with --check, only compare them)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--check",
            action="store_true",
            help="Only compare the counters with the member table; exit non-zero on a mismatch.",
        )

    def handle(self, *args, check: bool, **options):
        started = time.monotonic()
        if check:
            mismatches = counters.check_all()
            if mismatches:
                for row in mismatches:
                    self.stderr.write(
                        f"{row['organisation_id']} {row['dimension']}={row['value']}: "
                        f"stored {row['stored']}, expected {row['expected']}"
                    )
                raise CommandError(
                    f"The counters disagree with the member table (first {len(mismatches)} "
                    "differences above); run rebuild_counters to repair them."
                )
            self.stdout.write(self.style.SUCCESS(f"counters agree ({time.monotonic() - started:.1f} s)"))
            return
        written = counters.rebuild_all()
        self.stdout.write(
            self.style.SUCCESS(f"rebuilt {written} counter rows in {time.monotonic() - started:.1f} s")
        )
