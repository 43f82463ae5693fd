"""Background tasks of the members app (Django's tasks framework: immediate in development
and tests, a database queue in production). Tasks take ids and call one function.

The services queue these tasks; what the tasks run (the importer, the exporter, the
clean-up) never queues one, so the two sides do not import each other."""

from django.tasks import task

from gonghui.members.imports import importer
from gonghui.members.services import exporter, retention


@task
def run_import(batch_id: str) -> str:
    """Import (or preview) one member import batch; returns its final status."""
    return importer.run(batch_id).status


@task
def run_export(job_id: str) -> str:
    """Write the file of export ``job_id``; returns the job's final status."""
    return exporter.run(job_id).status


@task
def prune_files() -> dict:
    """Delete stored rosters and expired exports nothing needs any more (queued by import
    and export starts, at most every few minutes: ``services.cleanup``)."""
    return retention.prune_personal_files()
