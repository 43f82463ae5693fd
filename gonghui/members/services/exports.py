"""Member exports: start one (checked, counted, audit-logged), run it in the background into a
file under ``exports/`` of the default storage, serve it to its creator until it expires, and
prune expired files.

Exports are masked unless the exporter holds ``reveal_pii`` on the organisation and gives a
reason (docs/product.md §2.2); every export and every download is in the audit log.
"""

import datetime
import tempfile
import uuid
from functools import partial

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core import audit, uploads
from gonghui.core.text import clean
from gonghui.members import exports as writers
from gonghui.members import selectors
from gonghui.members.choices import EmploymentForm, MembershipStatus
from gonghui.members.models import ExportJob
from gonghui.members.services import cleanup
from gonghui.organisations import scoping
from gonghui.organisations.models import Organisation

Action = scoping.Action
CHUNK = 2000
EXPORT_FOLDER = "exports"
FILTER_KEYS = ("q", "status", "employment_form")
STATUS_FILTERS = frozenset({"", "active", *MembershipStatus.values})


class Gone(Exception):
    """The export's file has expired (or been pruned): answered 410."""


def ttl() -> datetime.timedelta:
    return datetime.timedelta(hours=getattr(settings, "GONGHUI_EXPORT_TTL_HOURS", 24))


def timeout() -> datetime.timedelta:
    """How long a job may stay waiting or running before it counts as lost (its worker died
    or its task was never run): ``GONGHUI_EXPORT_TIMEOUT_MINUTES``, default 120."""
    return datetime.timedelta(minutes=getattr(settings, "GONGHUI_EXPORT_TIMEOUT_MINUTES", 120))


def clean_filters(filters: dict | None) -> dict:
    """The member-list filters an export accepts, validated: ``q`` (as the list's search box),
    ``status`` (a 会籍 code or ``active``) and ``employment_form``."""
    filters = dict(filters or {})
    unknown = set(filters) - set(FILTER_KEYS)
    if unknown:
        raise ValidationError(
            _("Unknown filters: %(names)s") % {"names": ", ".join(sorted(map(str, unknown)))},
            code="unknown_filter",
        )
    out = {}
    for key in FILTER_KEYS:
        value = filters.get(key)
        if value is not None and not isinstance(value, str):
            raise ValidationError({key: ValidationError(_("Enter text."), code="invalid")})
        out[key] = clean(value or "")
    if len(out["q"]) > 60:
        raise ValidationError({"q": ValidationError(_("The text is too long."), code="too_long")})
    if out["status"] not in STATUS_FILTERS:
        raise ValidationError({"status": ValidationError(_("Unknown status."), code="invalid_status")})
    if out["employment_form"] and out["employment_form"] not in EmploymentForm.values:
        raise ValidationError(
            {
                "employment_form": ValidationError(
                    _("Unknown employment form."), code="invalid_employment_form"
                )
            }
        )
    return out


def _members(user, organisation: Organisation, filters: dict) -> QuerySet:
    """The members an export writes: the list's search, inside the organisation's subtree."""
    return selectors.search(
        user,
        filters.get("q", ""),
        organisation=organisation,
        status=filters.get("status", ""),
        employment_form=filters.get("employment_form", ""),
    ).select_related("organisation")


def export_start(
    *,
    actor,
    organisation: Organisation,
    file_format: str,
    filters: dict | None = None,
    unmasked: bool = False,
    reason: str = "",
) -> ExportJob:
    """Start exporting the members of ``organisation``'s subtree that match ``filters``.

    Needs ``export`` on the organisation (403 when visible but not allowed, 404 when not
    visible); ``unmasked`` needs ``reveal_pii`` there and a reason. Creates an
    :class:`ExportJob`, audit-logs ``members.export.started`` with the filters, the row count,
    masked or not and the reason, and queues the background task once committed (and, at
    most every few minutes, the clean-up of expired exports and old rosters:
    ``services.cleanup``). Raises ``ValidationError`` (unknown format or filter, missing
    reason) before writing anything.
    """
    scoping.require(actor, Action.EXPORT, organisation)
    if file_format not in writers.FORMATS:
        raise ValidationError(
            {"format": ValidationError(_("Choose CSV or Excel (.xlsx)."), code="invalid_format")}
        )
    filters = clean_filters(filters)
    reason = clean(reason)
    if len(reason) > 500:
        raise ValidationError({"reason": ValidationError(_("The text is too long."), code="too_long")})
    if unmasked:
        scoping.require(actor, Action.REVEAL_PII, organisation)
        if len(reason) < 2:
            raise ValidationError(
                {
                    "reason": ValidationError(
                        _("Say why you need unmasked personal data."), code="reason_required"
                    )
                }
            )
    total = _members(actor, organisation, filters).count()
    with transaction.atomic():
        job = ExportJob.objects.create(
            organisation=organisation,
            created_by=actor,
            file_format=file_format,
            filters=filters,
            unmasked=bool(unmasked),
            reason=reason,
            total=total,
        )
        audit.record(
            actor=actor,
            action="members.export.started",
            obj=job,
            organisation_id=organisation.pk,
            changes={
                "format": [None, file_format],
                "filters": [None, _filters_text(filters)],
                "rows": [None, total],
                "unmasked": [None, bool(unmasked)],
            },
            reason=reason,
        )
        from gonghui.members.tasks_exports import run_export_task

        transaction.on_commit(partial(run_export_task.enqueue, str(job.pk)))
        cleanup.schedule()
    return job


def _storage():
    """Where export files go: the default storage, 0600 files in a 0700 ``exports/`` when it is
    the file system (an unmasked export holds ID numbers and phones in clear)."""
    return uploads.private_storage(EXPORT_FOLDER)


def _filters_text(filters: dict) -> str:
    return ", ".join(f"{k}={v}" for k, v in filters.items() if v) or "-"


def run_export(job_id) -> ExportJob:
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
    name = f"{EXPORT_FOLDER}/{job.pk}.{job.file_format}"
    try:
        # Rights are checked again: they may have been withdrawn since the job was queued.
        if actor is None or not actor.is_active or not scoping.can(actor, Action.EXPORT, job.organisation):
            raise PermissionDenied
        if job.unmasked and not scoping.can(actor, Action.REVEAL_PII, job.organisation):
            raise PermissionDenied
        members = _members(actor, job.organisation, job.filters).iterator(chunk_size=CHUNK)

        def progress(n: int) -> None:
            ExportJob.objects.filter(pk=job.pk).update(processed=n)

        storage = _storage()
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
            expires_at=timezone.now() + ttl(),
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


def job_or_404(user, job_id) -> ExportJob:
    """An export job of ``user`` (only its creator sees it, while they may still export the
    organisation); 404 for missing and not-yours alike."""
    try:
        job = ExportJob.objects.select_related("organisation").get(pk=uuid.UUID(str(job_id)))
    except (ExportJob.DoesNotExist, ValueError, TypeError, ValidationError):
        raise Http404 from None
    if not getattr(user, "is_authenticated", False) or job.created_by_id != user.pk:
        raise Http404
    if not scoping.can(user, Action.EXPORT, job.organisation):
        raise Http404
    if is_stuck(job):  # the progress page polls this: say it failed without waiting for cron
        fail_stuck_exports(job_id=job.pk)
        job.refresh_from_db()
    return job


def recent_jobs(user, limit: int = 10) -> list[ExportJob]:
    """The user's own latest exports (for the export page)."""
    if not getattr(user, "is_authenticated", False):
        return []
    return list(ExportJob.objects.filter(created_by=user).select_related("organisation")[:limit])


def is_available(job: ExportJob, now: datetime.datetime | None = None) -> bool:
    """Done, with a file, and not expired."""
    now = now or timezone.now()
    return (
        job.status == ExportJob.Status.DONE
        and bool(job.file_path)
        and job.expires_at is not None
        and job.expires_at > now
    )


def export_download(*, actor, job: ExportJob):
    """Open the export file for its creator (``job`` from :func:`job_or_404`) and audit-log
    ``members.export.downloaded``. Raises ``Http404`` while the export is not finished and
    :class:`Gone` once it has expired; the caller closes the returned file."""
    if job.created_by_id != getattr(actor, "pk", None):
        raise Http404
    if job.status != ExportJob.Status.DONE:
        raise Http404
    # Rights may have been withdrawn since the export was made: check them again.
    scoping.require(actor, scoping.Action.EXPORT, job.organisation)
    if job.unmasked:
        scoping.require(actor, scoping.Action.REVEAL_PII, job.organisation)
    storage = _storage()
    if not is_available(job) or not storage.exists(job.file_path):
        raise Gone
    handle = storage.open(job.file_path, "rb")
    with transaction.atomic():
        audit.record(
            actor=actor,
            action="members.export.downloaded",
            obj=job,
            organisation_id=job.organisation_id,
            changes={"unmasked": [None, job.unmasked]},
            reason=job.reason,
        )
    return handle


def download_name(job: ExportJob) -> str:
    stamp = timezone.localtime(job.created_at).strftime("%Y%m%d-%H%M")
    return f"members-{job.organisation.code}-{stamp}.{job.file_format}"


def prune_exports(*, now: datetime.datetime | None = None) -> int:
    """Delete the files of expired exports (the ``prune_exports`` command, run from cron, and
    the clean-up every export and import start queues); the job rows stay as the record.
    Returns how many files were removed."""
    now = now or timezone.now()
    removed = 0
    expired = ExportJob.objects.filter(expires_at__lte=now).exclude(file_path="")
    storage = _storage()
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
