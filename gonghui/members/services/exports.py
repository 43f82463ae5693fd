"""Member exports: start one (checked, counted, audit-logged, its file written in the background
by ``services.exporter``), follow it, and serve the file to its creator until it expires
(``services.retention`` deletes it then).

Exports are masked unless the exporter holds ``reveal_pii`` on the organisation and gives a
reason (docs/product.md §2.2); every export and every download is in the audit log.
"""

import datetime
import uuid
from functools import partial

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core import audit, inputs
from gonghui.members import exports as writers
from gonghui.members import permissions, tasks
from gonghui.members.choices import EmploymentForm, MembershipStatus
from gonghui.members.models import ExportJob
from gonghui.members.services import cleanup, exporter, retention
from gonghui.organisations.models import Organisation

FILTER_KEYS = ("q", "status", "employment_form")
STATUS_FILTERS = ("active", *MembershipStatus.values)


class Gone(Exception):
    """The export's file has expired (or been pruned): answered 410."""


def clean_filters(filters: dict | None) -> dict:
    """The member-list filters an export accepts, validated: ``q`` (as the list's search box),
    ``status`` (a 会籍 code or ``active``) and ``employment_form``."""
    filters = dict(filters or {})
    unknown = set(filters) - set(FILTER_KEYS)
    if unknown:
        raise ValidationError(
            _("Unknown filters: %(names)s") % {"names": ", ".join(sorted(map(str, unknown)))},
            code="filter_unknown",
        )
    return {
        "q": inputs.text(filters.get("q"), "q", max_length=60),
        "status": inputs.choice(
            inputs.text(filters.get("status"), "status"), "status", STATUS_FILTERS, required=False
        ),
        "employment_form": inputs.choice(
            inputs.text(filters.get("employment_form"), "employment_form"),
            "employment_form",
            EmploymentForm,
            required=False,
        ),
    }


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
    permissions.require_export(actor, organisation)
    file_format = inputs.choice(file_format, "format", writers.FORMATS)
    filters = clean_filters(filters)
    reason = inputs.text(reason, "reason", max_length=500)
    if unmasked:
        permissions.require_export(actor, organisation, unmasked=True)
        # A blank reason is ``required``; one character says nothing (``reason_required``).
        if len(reason) < 2:
            raise inputs.field_error(
                "reason",
                _("Say why you need unmasked personal data."),
                "reason_required" if reason else inputs.InputCode.REQUIRED,
            )
    total = exporter.members_of(actor, organisation, filters).count()
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
        transaction.on_commit(partial(tasks.run_export.enqueue, str(job.pk)))
        cleanup.schedule()
    return job


def _filters_text(filters: dict) -> str:
    return ", ".join(f"{k}={v}" for k, v in filters.items() if v) or "-"


def job_or_404(user, job_id) -> ExportJob:
    """An export job of ``user`` (only its creator sees it, while they may still export the
    organisation); 404 for missing and not-yours alike."""
    try:
        job = ExportJob.objects.select_related("organisation").get(pk=uuid.UUID(str(job_id)))
    except (ExportJob.DoesNotExist, ValueError, TypeError, ValidationError):
        raise Http404 from None
    if not permissions.sees_export(user, job):
        raise Http404
    if retention.is_stuck(job):  # the progress page polls this: say it failed without waiting for cron
        retention.fail_stuck_exports(job_id=job.pk)
        job.refresh_from_db()
    return job


def recent_jobs(user, limit: int = 10) -> list[ExportJob]:
    """The user's own latest exports (for the export page)."""
    if not user.is_authenticated:
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
    if job.created_by_id != actor.pk or job.status != ExportJob.Status.DONE:
        raise Http404
    # Rights may have been withdrawn since the export was made: check them again.
    permissions.require_export(actor, job.organisation, unmasked=job.unmasked)
    storage = retention.export_storage()
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
