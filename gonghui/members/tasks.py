"""Background tasks of the members app (Django's tasks framework: immediate in development
and tests, a database queue in production). Tasks take ids and call one function."""

from django.tasks import task


@task
def run_import(batch_id: str) -> str:
    """Import (or preview) one member import batch; returns its final status."""
    from gonghui.members.imports import importer

    return importer.run(batch_id).status


@task
def prune_files() -> dict:
    """Delete stored rosters and expired exports nothing needs any more (queued by import
    and export starts, at most every few minutes: ``services.cleanup``)."""
    from gonghui.members.services import cleanup

    return cleanup.prune_personal_files()
