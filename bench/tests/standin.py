"""STAND-IN importer for the smoke test only, used when the application's importer
(``gonghui.members.services.imports`` / ``gonghui.members.imports.importer``) is not there:
the same interface, backed by the benchmark's per-row ORM loop. Never used by ``make bench``."""

from gonghui.members.models import ImportBatch

_paths: dict[str, str] = {}


def import_start(*, actor, file, file_name, organisation=None, dry_run=False, duplicates="skip"):
    batch = ImportBatch.objects.create(created_by=actor, file_name=file_name, organisation=organisation,
                                       dry_run=dry_run, duplicates=duplicates)  # fmt: skip
    _paths[str(batch.id)] = file.name if file.name.startswith("/") else file.file.name
    return batch


def run(batch_id):
    from bench.bench_import import orm_loop

    batch = ImportBatch.objects.get(pk=batch_id)
    done = orm_loop(path=_paths[str(batch_id)], limit=10**9, prefix="", batch=batch)
    ImportBatch.objects.filter(pk=batch_id).update(
        status=ImportBatch.Status.DONE, total=done["rows"], processed=done["rows"], created=done["rows"]
    )
