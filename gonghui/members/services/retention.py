"""Files with personal data — stored roster uploads and export files — where they are kept
(0600 files in 0700 folders: they hold ID numbers and phones in clear) and for how long, and
deleting those that nothing needs any more.

The ``prune_imports`` and ``prune_exports`` commands run these from cron or a systemd timer
(docs/ops/deploy.md §10); every import and export start also queues
:func:`prune_personal_files` as a background task (``services.cleanup``), so that a deployment
without the timers does not keep rosters and exports for ever. This module queues nothing
itself: the task runs it.
"""

import datetime
import uuid
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core import audit, uploads
from gonghui.members.models import ExportJob, ImportBatch

EXPORT_FOLDER = "exports"
PRUNE_AFTER_HOURS = 24
UPLOAD_PREFIX = ".upload-"
UPLOAD_STALE_SECONDS = 3600


def prune_personal_files() -> dict:
    """Run every clean-up once; returns what each removed. Called by the ``prune_files``
    task (no actor: the audit entries are the system's)."""
    pruned = prune_imports()
    stuck = fail_stuck_exports()
    expired = prune_exports()
    return {**pruned, "stuck_exports": stuck, "expired_exports": expired}


# ---- where the files are -------------------------------------------------------------------


def export_storage():
    """Where export files go: the default storage, 0600 files in a 0700 ``exports/`` when it is
    the file system (an unmasked export holds ID numbers and phones in clear)."""
    return uploads.private_storage(EXPORT_FOLDER)


def imports_folder() -> Path:
    """MEDIA_ROOT/imports, private (0700): stored rosters hold clear ID and phone numbers."""
    return uploads.private_folder(Path(settings.MEDIA_ROOT) / "imports")


# ---- exports ------------------------------------------------------------------------------


def ttl() -> datetime.timedelta:
    return datetime.timedelta(hours=getattr(settings, "GONGHUI_EXPORT_TTL_HOURS", 24))


def timeout() -> datetime.timedelta:
    """How long a job may stay waiting or running before it counts as lost (its worker died
    or its task was never run): ``GONGHUI_EXPORT_TIMEOUT_MINUTES``, default 120."""
    return datetime.timedelta(minutes=getattr(settings, "GONGHUI_EXPORT_TIMEOUT_MINUTES", 120))


def is_stuck(job: ExportJob, now: datetime.datetime | None = None) -> bool:
    """Waiting or running for longer than :func:`timeout` since it was started."""
    now = now or timezone.now()
    return job.status in (ExportJob.Status.PENDING, ExportJob.Status.RUNNING) and (
        job.created_at < now - timeout()
    )


def fail_stuck_exports(*, now: datetime.datetime | None = None, job_id=None) -> int:
    """Mark failed the exports still waiting or running :func:`timeout` after they were
    started — their worker died, or their task was lost — with a message the user sees on the
    export page and in the API (the ``prune_exports`` command, and on read by
    :func:`job_or_404`). A worker that is in fact still running finds the job failed when it
    ends and throws its file away. Returns how many jobs were marked."""
    now = now or timezone.now()
    stuck = ExportJob.objects.filter(
        status__in=[ExportJob.Status.PENDING, ExportJob.Status.RUNNING], created_at__lt=now - timeout()
    )
    if job_id is not None:
        stuck = stuck.filter(pk=job_id)
    minutes = int(timeout().total_seconds() // 60)
    message = _(
        "The export did not finish within %(minutes)s minutes (the background worker may have "
        "stopped); start it again."
    ) % {"minutes": minutes}
    marked = 0
    for job in stuck.only("pk", "status", "organisation_id", "file_format", "created_at").iterator():
        with transaction.atomic():
            # Only if it is still in the state we saw (the worker may have finished meanwhile).
            changed = ExportJob.objects.filter(pk=job.pk, status=job.status).update(
                status=ExportJob.Status.FAILED, message=message
            )
            if not changed:
                continue
            audit.record(
                actor=None,
                action="members.export.failed",
                obj=job,
                organisation_id=job.organisation_id,
                changes={"status": [job.status, ExportJob.Status.FAILED]},
                reason=message,
            )
        marked += 1
    return marked


def prune_exports(*, now: datetime.datetime | None = None) -> int:
    """Delete the files of expired exports (the ``prune_exports`` command, run from cron, and
    the clean-up every export and import start queues); the job rows stay as the record.
    Returns how many files were removed."""
    now = now or timezone.now()
    removed = 0
    expired = ExportJob.objects.filter(expires_at__lte=now).exclude(file_path="")
    storage = export_storage()
    for job in expired.iterator():
        if storage.exists(job.file_path):
            storage.delete(job.file_path)
        with transaction.atomic():
            ExportJob.objects.filter(pk=job.pk).update(file_path="")
            audit.record(
                actor=None,
                action="members.export.pruned",
                obj=job,
                organisation_id=job.organisation_id,
                changes={"file": [job.file_path, None]},
            )
        removed += 1
    return removed


# ---- imports ------------------------------------------------------------------------------


def prune_imports(*, older_than_hours: int = PRUNE_AFTER_HOURS, now: datetime.datetime | None = None) -> dict:
    """Delete stored roster files (clear ID and phone numbers) that nothing needs any more —
    the ``prune_imports`` command, run from cron, and the clean-up every import and export
    start queues (``services.cleanup``). Returns ``{"batches": n, "orphans": m}``.

    - previews never confirmed, finished more than ``older_than_hours`` ago;
    - failed imports and imports whose runner stopped reporting, more than ``older_than_hours``
      ago (they can no longer be resumed, but can still be rolled back);
    - undone (rolled back) and finished real imports, whatever their age (their file is
      normally deleted at once; this catches a worker that died before it could);
    - files in ``imports/`` that no batch refers to, older than ``older_than_hours``.

    Waiting batches, recent previews and recent failures are left alone. The batch keeps its
    row; ``file_path`` is cleared and, where the user could still want the file, ``message``
    says it is gone. Running it again changes nothing. One audit entry per run that removed
    something."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(hours=older_than_hours)
    status = ImportBatch.Status
    candidates = (
        ImportBatch.objects.exclude(file_path="")
        .annotate(last_seen=Coalesce("finished_at", "heartbeat_at", "started_at", "created_at"))
        .filter(
            Q(status=status.UNDONE)
            | Q(status=status.DONE, dry_run=False)
            | Q(status__in=[status.DONE, status.FAILED, status.RUNNING], last_seen__lt=cutoff)
        )
        .only("pk", "status", "dry_run", "file_path", "message", "heartbeat_at")
    )
    gone = _("The uploaded file has been deleted; upload it again to import it.")
    paths = []
    for batch in candidates.iterator():
        tell = batch.status in (status.FAILED, status.RUNNING) or (
            batch.status == status.DONE and batch.dry_run
        )
        message = f"{batch.message} {gone}".strip() if tell else batch.message
        # Only if nothing changed it meanwhile (a resume, a confirm, a runner reporting back).
        cleared = ImportBatch.objects.filter(
            pk=batch.pk, status=batch.status, file_path=batch.file_path, heartbeat_at=batch.heartbeat_at
        ).update(file_path="", message=message)
        if cleared:
            paths.append(Path(batch.file_path))
    for path in paths:
        path.unlink(missing_ok=True)
    orphans = _prune_orphans(cutoff)
    if paths or orphans:
        audit.record(
            actor=None,
            action="members.import.files_pruned",
            object_type="members.importbatch",
            object_repr=f"{len(paths)} batch file(s), {orphans} orphan file(s)",
            changes={
                "batches": [None, len(paths)],
                "orphans": [None, orphans],
                "older_than_hours": [None, older_than_hours],
            },
        )
    return {"batches": len(paths), "orphans": orphans}


def _prune_orphans(cutoff: datetime.datetime) -> int:
    """Files under imports/ named after a batch id that no batch (still) refers to (a file
    that outlived its batch's pruning), and uploads still under their temporary name an hour
    after they arrived (the process checking them died). Other names are not ours and are
    left alone."""
    folder = imports_folder()
    limit = cutoff.timestamp()
    stale = timezone.now().timestamp() - UPLOAD_STALE_SECONDS  # whatever --hours says
    old = {}
    removed = 0
    for path in folder.iterdir():
        if path.name.startswith(UPLOAD_PREFIX):
            if path.is_file() and path.stat().st_mtime < stale:
                path.unlink(missing_ok=True)
                removed += 1
            continue
        try:
            batch_id = uuid.UUID(path.name)
        except ValueError:
            continue
        if path.is_file() and path.stat().st_mtime < limit:
            old[batch_id] = path
    if not old:
        return removed
    kept = set(
        ImportBatch.objects.filter(pk__in=list(old)).exclude(file_path="").values_list("pk", flat=True)
    )
    for batch_id, path in old.items():
        if batch_id not in kept:
            path.unlink(missing_ok=True)
            removed += 1
    return removed
