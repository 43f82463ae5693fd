"""Import a member roster from the command line: the same importer as the upload page and
the API, run synchronously in this process."""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.http import Http404

from gonghui.members.imports import importer
from gonghui.members.services import imports as import_services


class Command(BaseCommand):
    help = "Import members from an .xlsx or .csv roster (UTF-8, UTF-8 with BOM or GB18030)."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--user", required=True, help="username of the officer importing")
        parser.add_argument("--organisation", default="", help="union code for rows without one")
        parser.add_argument("--duplicates", default="skip", choices=["skip", "update", "fill"])
        parser.add_argument("--dry-run", action="store_true", help="check only, save nothing")

    def handle(self, *args, **options):
        try:
            user = get_user_model().objects.get(username=options["user"])
        except get_user_model().DoesNotExist:
            raise CommandError(f"no user {options['user']!r}") from None
        try:
            batch = import_services.import_start(
                actor=user,
                file=options["file"],
                file_name=options["file"],
                organisation=options["organisation"] or None,
                dry_run=options["dry_run"],
                duplicates=options["duplicates"],
            )
        except (PermissionDenied, Http404):
            raise CommandError("this user may not import into that union") from None
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        except OSError as exc:
            raise CommandError(str(exc)) from None
        batch = importer.run(batch.pk)
        self.stdout.write(
            f"{batch.status}: processed {batch.processed} of {batch.total}, created {batch.created}, "
            f"updated {batch.updated}, skipped {batch.skipped}, errors {batch.error_count} (batch {batch.pk})"
        )
        if batch.message:
            self.stdout.write(batch.message)
        for error in batch.errors[:20]:
            self.stdout.write(f"  row {error['row']} {error['column']}: {error['message']}")
        if batch.status != "done":
            raise CommandError("import failed")
