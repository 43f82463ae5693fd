"""Documents of a hardship file (proof of income, medical bills, disability certificate, the
signed consent form …): the upload is checked by ``gonghui.core.uploads`` (type by its first
bytes, safe name, bounded read), like legal-aid evidence; each upload and each download is
audited. Documents are never deleted."""

import hashlib

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from gonghui.assistance import permissions
from gonghui.assistance.choices import AttachmentKind
from gonghui.assistance.models import Household, HouseholdAttachment
from gonghui.assistance.services.timeline import record_event
from gonghui.core import audit, inputs, locking, uploads
from gonghui.core.inputs import InputCode, field_error

DEFAULT_MAX_BYTES = 10 * 1024 * 1024


def max_bytes() -> int:
    """``GONGHUI_ASSISTANCE_ATTACHMENT_MAX_BYTES``, default 10 MB (as legal-aid evidence)."""
    return int(getattr(settings, "GONGHUI_ASSISTANCE_ATTACHMENT_MAX_BYTES", DEFAULT_MAX_BYTES))


def attachment_add(*, actor, household: Household, kind: str, upload) -> HouseholdAttachment:
    """Attach a PDF, JPEG or PNG to a file, in any state (a proof may come late). Owning union,
    MANAGE_ASSISTANCE (404 out of scope, 403 for viewers). A refused file writes nothing."""
    permissions.require_manage(actor, household)
    kind = inputs.choice(kind, "kind", AttachmentKind)
    if upload is None:
        raise field_error("file", _("Choose a file."), InputCode.REQUIRED)
    name = uploads.safe_name(getattr(upload, "name", ""))
    data = uploads.read_bounded(upload, max_bytes())
    if data is None:
        raise field_error("file", _("The file is too large."), "file_too_large")
    content_type = uploads.sniff(data)
    if content_type is None:
        raise field_error("file", _("Only PDF, JPEG or PNG files."), "file_type")
    with transaction.atomic():
        h = locking.locked(household, "organisation")
        attachment = HouseholdAttachment.objects.create(
            household=h,
            kind=kind,
            name=name,
            content_type=content_type,
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            data=data,
            uploaded_by=actor,
        )
        record_event(actor, h, "attachment", h.status, h.status, f"{attachment.get_kind_display()}: {name}")
        audit.record(
            actor=actor,
            action="assistance.attachment.added",
            obj=attachment,
            organisation_id=h.organisation_id,
            changes={"household": [None, h.file_no], "kind": [None, kind], "name": [None, name]},
        )
    return attachment


def attachment_download(*, actor, attachment: HouseholdAttachment) -> HouseholdAttachment:
    """Whoever sees the file may open its documents (they hold personal data: every download
    is audited)."""
    permissions.require_read_documents(actor, attachment.household)
    audit.record(
        actor=actor,
        action="assistance.attachment.downloaded",
        obj=attachment,
        organisation_id=attachment.household.organisation_id,
    )
    return attachment
