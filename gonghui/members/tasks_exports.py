"""Background task for member exports: takes the job id, calls one service."""

from django.tasks import task

from gonghui.members.services import exports


@task
def run_export_task(job_id: str) -> str:
    """Write the file of export ``job_id``; returns the job's final status."""
    return exports.run_export(job_id).status
