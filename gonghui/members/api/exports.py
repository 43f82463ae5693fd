"""Member exports over HTTP (mounted at /api/v1/members/exports). Thin: parse → service → shape.

POST starts an export (a background task); GET polls it; the download streams the file to
the job's creator until it expires (410 Gone afterwards)."""

import datetime

from django.http import FileResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from pydantic import StrictBool, StrictStr

from gonghui.core.api import error_response, fresh
from gonghui.members.exports import CONTENT_TYPES
from gonghui.members.models import ExportJob
from gonghui.members.services import exports
from gonghui.organisations import scoping

router = Router(tags=["exports"])
Action = scoping.Action


class ExportIn(Schema):
    organisation: StrictStr
    format: StrictStr = "xlsx"
    q: StrictStr = ""
    status: StrictStr = ""
    employment_form: StrictStr = ""
    unmasked: StrictBool = False
    reason: StrictStr = ""


class ExportCreated(Schema):
    id: str
    status: str


class ExportOut(Schema):
    id: str
    status: str
    total: int
    processed: int
    download_url: str | None
    expires_at: datetime.datetime | None


def _created(job: ExportJob) -> dict:
    return {"id": str(job.pk), "status": job.status}


def export_out(job: ExportJob) -> dict:
    available = exports.is_available(job)
    return {
        "id": str(job.pk),
        "status": job.status,
        "total": job.total,
        "processed": job.processed,
        "download_url": reverse("api:export_download", kwargs={"job_id": str(job.pk)}) if available else None,
        "expires_at": job.expires_at,
    }


@router.post("", response={201: ExportCreated})
def start_export(request, payload: ExportIn):
    """Export the members of an organisation's subtree (masked unless ``unmasked`` with the
    reveal right and a ``reason``) to ``csv`` or ``xlsx``, as a background job."""
    org = scoping.get_organisation_or_404(request.user, payload.organisation, Action.EXPORT)
    job = exports.export_start(
        actor=request.user,
        organisation=org,
        file_format=payload.format,
        filters={"q": payload.q, "status": payload.status, "employment_form": payload.employment_form},
        unmasked=payload.unmasked,
        reason=payload.reason,
    )
    return Status(201, fresh(_created, exports.job_or_404, request, job.pk))


@router.get("/{job_id}", response=ExportOut)
def get_export(request, job_id: str):
    """Progress of one of your exports; ``download_url`` once it is done and until it expires."""
    return export_out(exports.job_or_404(request.user, job_id))


@router.get("/{job_id}/download", url_name="export_download")
def download_export(request, job_id: str):
    """The file of one of your exports (404 while it is not ready, 410 once it has expired)."""
    job = exports.job_or_404(request.user, job_id)
    try:
        handle = exports.export_download(actor=request.user, job=job)
    except exports.Gone:
        return error_response(410, _("This export has expired; start a new one."), "gone")
    return FileResponse(
        handle,
        as_attachment=True,
        filename=exports.download_name(job),
        content_type=CONTENT_TYPES[job.file_format],
    )
