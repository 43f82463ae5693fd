"""Images and attachments of news items (docs/modules/news.md, "Images and attachments").

Every file is checked before anything is written: its size (read at most one byte over the
limit) and its type by its first bytes (``core.uploads.sniff``), never by its name or the
browser's Content-Type. A refused file writes nothing: no row, no audit entry.

- :func:`news_image_upload`: an image for the editor (JPEG or PNG, ≤ 5 MB) of a union where the
  actor writes news; its address is :func:`image_url`.
- :func:`news_cover_set`: the cover of the author's draft (an uploaded image), or none.
- :func:`news_attachment_add` / :func:`news_attachment_remove`: PDF, JPEG or PNG files (≤ 10 MB,
  at most 10) of the author's draft.
"""

import hashlib

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core import audit, locking, uploads
from gonghui.core.inputs import field_error
from gonghui.news import permissions
from gonghui.news.choices import AuditAction, Status
from gonghui.news.models import NewsAttachment, NewsImage, NewsItem

IMAGE_MAX_BYTES = 5 * 1024 * 1024
IMAGE_TYPES = {"image/jpeg", "image/png"}
ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
ATTACHMENT_TYPES = {"application/pdf", "image/jpeg", "image/png"}
MAX_ATTACHMENTS = 10


def image_url(image: NewsImage) -> str:
    """Where the image is served (the API's ``GET /api/v1/news/images/<id>``): the address the
    editor puts into ``<img src>``."""
    return f"/api/v1/news/images/{image.pk}"


def _read_image(file, field: str) -> tuple[bytes, str]:
    if file is None:
        raise field_error(field, _("Choose a file."), "required")
    data = uploads.read_bounded(file, IMAGE_MAX_BYTES)
    if data is None:
        raise field_error(field, _("The image is larger than 5 MB."), "file_too_large")
    content_type = uploads.sniff(data)
    if content_type not in IMAGE_TYPES:
        raise field_error(field, _("Upload a JPEG or PNG image."), "file_type")
    return data, content_type


def _stored(data: bytes, content_type: str, file, actor) -> dict:
    return {
        "name": uploads.safe_name(getattr(file, "name", "")),
        "content_type": content_type,
        "size": len(data),
        "sha256": hashlib.sha256(data).hexdigest(),
        "data": data,
        "uploaded_by": actor,
    }


def news_image_upload(*, actor, organisation, file, field: str = "file") -> NewsImage:
    """An image for the editor of a union where ``actor`` writes news (404 out of scope, 403
    without ``write_news``); ``file_too_large`` or ``file_type`` with nothing written."""
    permissions.require_write(actor, organisation)
    data, content_type = _read_image(file, field)
    with transaction.atomic():
        image = NewsImage.objects.create(
            organisation=organisation, **_stored(data, content_type, file, actor)
        )
        audit.record(
            actor=actor, action=AuditAction.IMAGE_UPLOADED, obj=image, organisation_id=organisation.pk,
            changes={"file": [None, image.name]},
        )  # fmt: skip
    return image


def news_cover_set(*, actor, item: NewsItem, file=None) -> NewsItem:
    """The author gives their draft a cover image (``file``) or removes it (``None``)."""
    permissions.require_edit(actor, item)
    data, content_type = _read_image(file, "cover") if file is not None else (b"", "")
    with transaction.atomic():
        item = locking.locked(item, "organisation")
        _require_draft(item)
        before = item.cover.name if item.cover_id else None
        image = None
        if file is not None:
            image = NewsImage.objects.create(
                organisation=item.organisation, **_stored(data, content_type, file, actor)
            )
        item.cover = image
        item.updated_at = timezone.now()
        item.save(update_fields=["cover", "updated_at"])
        audit.record(
            actor=actor, action=AuditAction.COVER_SET, obj=item, organisation_id=item.organisation_id,
            changes={"cover": [before, image.name if image else None]},
        )  # fmt: skip
    return item


def news_attachment_add(*, actor, item: NewsItem, file) -> NewsAttachment:
    """The author attaches a PDF, JPEG or PNG (≤ 10 MB, at most 10 per item) to their draft."""
    permissions.require_edit(actor, item)
    if file is None:
        raise field_error("file", _("Choose a file."), "required")
    data = uploads.read_bounded(file, ATTACHMENT_MAX_BYTES)
    if data is None:
        raise field_error("file", _("The file is larger than 10 MB."), "file_too_large")
    content_type = uploads.sniff(data)
    if content_type not in ATTACHMENT_TYPES:
        raise field_error("file", _("Upload a PDF, JPEG or PNG file."), "file_type")
    with transaction.atomic():
        item = locking.locked(item, "organisation")
        _require_draft(item)
        if item.attachments.count() >= MAX_ATTACHMENTS:
            raise field_error("file", _("An item has at most 10 attachments."), "too_many_files")
        attachment = NewsAttachment.objects.create(item=item, **_stored(data, content_type, file, actor))
        audit.record(
            actor=actor, action=AuditAction.ATTACHMENT_ADDED, obj=item, organisation_id=item.organisation_id,
            changes={"file": [None, attachment.name]},
        )  # fmt: skip
    return attachment


def news_attachment_remove(*, actor, attachment: NewsAttachment) -> None:
    """The author removes an attachment from their draft."""
    item = attachment.item
    permissions.require_edit(actor, item)
    with transaction.atomic():
        item = locking.locked(item, "organisation")
        _require_draft(item)
        audit.record(
            actor=actor, action=AuditAction.ATTACHMENT_REMOVED, obj=item, organisation_id=item.organisation_id,
            changes={"file": [attachment.name, None]},
        )  # fmt: skip
        attachment.delete()


def _require_draft(item: NewsItem) -> None:
    if item.status != Status.DRAFT:
        raise field_error("status", _("Only a draft can be changed or sent to review."), "wrong_stage")
