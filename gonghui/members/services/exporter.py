"""Writing an export's file in the background: the ``run_export`` task calls :func:`run`
(``services.exports`` starts the job and serves the file). Progress is saved every chunk;
the creator's rights are checked again when the job runs."""

import tempfile
from functools import partial

from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core import audit
from gonghui.members import exports as writers
from gonghui.members import permissions, selectors
from gonghui.members.models import ExportJob
from gonghui.members.services import retention
from gonghui.organisations.models import Organisation

CHUNK = 2000


def members_of(user, organisation: Organisation, filters: dict) -> QuerySet:
    """The members an export writes: the list's search, inside the organisation's subtree."""
    return selectors.search(
        user,
        filters.get("q", ""),
        organisation=organisation,
        status=filters.get("status", ""),
        employment_form=filters.get("employment_form", ""),
    ).select_related("organisation")


def run(job_id) -> ExportJob:
    """Write the export file (the background task calls this). Progress is saved every
    chunk; the job ends ``done`` with its file and an expiry, or ``failed`` with a message and
    no file. A job that is not waiting is left as it is, so a repeated task does nothing."""
    job = ExportJob.objects.select_related("organisation", "created_by").get(pk=job_id)
    # Claim the job: of two workers handed the same job, only one moves it out of "pending".
    claimed = ExportJob.objects.filter(pk=job.pk, status=ExportJob.Status.PENDING).update(
        status=ExportJob.Status.RUNNING
    )
    if not claimed:
        return job
    actor = job.created_by
    name = f"{retention.EXPORT_FOLDER}/{job.pk}.{job.file_format}"
    try:
        # Rights are checked again: they may have been withdrawn since the job was queued.
        if (
            actor is None
            or not actor.is_active
            or not permissions.can_export(actor, job.organisation, unmasked=job.unmasked)
        ):
            raise PermissionDenied
        members = members_of(actor, job.organisation, job.filters).iterator(chunk_size=CHUNK)

        def progress(n: int) -> None:
            ExportJob.objects.filter(pk=job.pk).update(processed=n)

        storage = retention.export_storage()
        with tempfile.TemporaryFile() as tmp:  # unlinked at once: no name another user could open
            rows = writers.WRITERS[job.file_format](
                members, tmp, unmasked=job.unmasked, progress=progress, every=CHUNK
            )
            tmp.seek(0)
            if storage.exists(name):
                storage.delete(name)
            saved = storage.save(name, File(tmp, name=name))
    except Exception as exc:  # noqa: BLE001 — any failure ends the job as failed, with no file
        message = (
            _("You may no longer export this organisation.")
            if isinstance(exc, PermissionDenied)
            else _("The export failed: %(error)s") % {"error": type(exc).__name__}
        )
        with transaction.atomic():
            failed = ExportJob.objects.filter(pk=job.pk, status=ExportJob.Status.RUNNING).update(
                status=ExportJob.Status.FAILED, message=message
            )
            if not failed:  # already given up on by fail_stuck_exports
                job.refresh_from_db()
                return job
            audit.record(
                actor=None,
                action="members.export.failed",
                obj=job,
                organisation_id=job.organisation_id,
                changes={"status": [ExportJob.Status.RUNNING, ExportJob.Status.FAILED]},
                reason=message,
            )
        job.refresh_from_db()
        return job
    with transaction.atomic():
        finished = ExportJob.objects.filter(pk=job.pk, status=ExportJob.Status.RUNNING).update(
            status=ExportJob.Status.DONE,
            total=rows,
            processed=rows,
            file_path=saved,
            expires_at=timezone.now() + retention.ttl(),
        )
        if not finished:
            # fail_stuck_exports gave up on this job while it ran (the user was told it failed
            # and may have started another): the file is not offered, so it is not kept.
            transaction.on_commit(partial(storage.delete, saved))
            job.refresh_from_db()
            return job
        audit.record(
            actor=None,
            action="members.export.finished",
            obj=job,
            organisation_id=job.organisation_id,
            changes={"status": [ExportJob.Status.RUNNING, ExportJob.Status.DONE], "rows": [None, rows]},
        )
    job.refresh_from_db()
    return job
