"""The documents of a hardship file over HTTP: list, upload, download (every download is
audited by the service)."""

from django.http import HttpResponse
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from gonghui.assistance import selectors
from gonghui.assistance.api.households import AttachmentOut, attachment_out, household_or_404
from gonghui.assistance.services import attachments as attachment_services
from gonghui.core import uploads
from gonghui.core.api import file_answer, uuid_or_404

router = Router()


class AttachmentList(Schema):
    items: list[AttachmentOut]
    count: int


@router.get("households/{household_id}/attachments", response=AttachmentList)
def list_attachments(request, household_id: str):
    """The documents of a file (without their bytes)."""
    items = [attachment_out(a) for a in selectors.attachments_of(household_or_404(request, household_id))]
    return {"items": items, "count": len(items)}


@router.post("households/{household_id}/attachments", response={201: AttachmentOut})
def add_attachment(request, household_id: str, file: File[UploadedFile] = None, kind: Form[str] = ""):
    """Attach a document (multipart ``file`` and ``kind``: income_proof, medical_bills,
    disability_certificate, consent_form, schooling_proof, event_proof, other): PDF, JPEG or PNG
    by its first bytes, at most 10 MB (``GONGHUI_ASSISTANCE_ATTACHMENT_MAX_BYTES``). The file is
    looked up (404 when not yours) before the input is checked (400 naming ``kind`` or ``file``)."""
    a = attachment_services.attachment_add(
        actor=request.user, household=household_or_404(request, household_id), kind=kind, upload=file
    )
    return Status(201, attachment_out(a))


def attachment_response(a) -> HttpResponse:
    response = HttpResponse(bytes(a.data), content_type=a.content_type)
    response["Content-Disposition"] = "inline"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@router.get(
    "households/{household_id}/attachments/{document_id}",
    openapi_extra=file_answer(*sorted(uploads.SIGNATURES), description="The document as it was uploaded."),
)
def download_attachment(request, household_id: str, document_id: str):
    """The document's bytes (in scope only; every download is audited)."""
    a = selectors.attachment_or_404(request.user, uuid_or_404(household_id), uuid_or_404(document_id))
    return attachment_response(attachment_services.attachment_download(actor=request.user, attachment=a))
