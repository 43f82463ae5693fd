"""The photo report after an activity: the organiser uploads photos and a summary, and the
report becomes a news draft of the organising union, which then goes through the news app's
三审三校 like any other item before anyone reads it (docs/modules/activities.md)."""

import hashlib

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext as _

from gonghui.activities.checkin import permissions
from gonghui.activities.checkin.choices import AttendanceAction
from gonghui.activities.models import Activity, ActivityReport, ReportPhoto
from gonghui.core import audit, inputs, uploads
from gonghui.core.inputs import field_error
from gonghui.news.choices import Audience as NewsAudience
from gonghui.news.choices import Kind as NewsKind
from gonghui.news.services.items import news_create

MAX_PHOTO_BYTES = 5 * 1024 * 1024
MAX_PHOTOS = 12
IMAGE_TYPES = ("image/jpeg", "image/png")


def _photos(files) -> list[tuple[str, str, bytes]]:
    """(name, content type, bytes) of each upload, refused whole if any is not a JPEG or PNG by
    its first bytes (``file_type``), larger than 5 MB (``file_too_large``), or too many."""
    files = list(files or [])
    if not files:
        raise field_error("photos", _("Add at least one photo."), "required")
    if len(files) > MAX_PHOTOS:
        raise field_error("photos", _("At most %(limit)d photos.") % {"limit": MAX_PHOTOS}, "too_many_files")
    out = []
    for upload in files:
        data = uploads.read_bounded(upload, MAX_PHOTO_BYTES)
        if data is None:
            raise field_error("photos", _("A photo is larger than 5 MB."), "file_too_large")
        content_type = uploads.sniff(data)
        if content_type not in IMAGE_TYPES:
            raise field_error("photos", _("Upload JPEG or PNG photos."), "file_type")
        out.append((uploads.safe_name(getattr(upload, "name", "photo")), content_type, data))
    return out


def _body(summary: str, activity: Activity, photos: list[ReportPhoto]) -> str:
    paragraphs = "".join(f"<p>{escape(line)}</p>" for line in summary.splitlines() if line.strip())
    figures = "".join(
        f'<figure><img src="{reverse("activities:report_photo", kwargs={"photo_id": p.pk})}" '
        f'alt="{escape(activity.title)}"></figure>'
        for p in photos
    )
    return paragraphs + figures


def report_submit(*, actor, activity: Activity, summary: str, photos) -> ActivityReport:
    """The organiser's report after ``activity`` ended: the summary and 1–12 photos, kept
    with the activity and written as a news draft of its union (``news_create``: the actor
    needs ``write_news`` there too). Needs ``manage_activities`` on the organising union.
    Refuses ``activity_not_ended``, ``report_exists`` (one report per activity), the photo
    codes and the news item's own field codes; nothing is written then."""
    permissions.require_run(actor, activity)
    if activity.ends_at > timezone.now():
        raise field_error("", _("The report is written after the activity has ended."), "activity_not_ended")
    summary = inputs.text(summary, "summary", required=True, max_length=5000, prose=True)
    files = _photos(photos)
    with transaction.atomic():
        if ActivityReport.objects.select_for_update().filter(activity=activity).exists():
            raise field_error("", _("This activity already has a report."), "report_exists")
        report = ActivityReport.objects.create(activity=activity, summary=summary, created_by=actor)
        stored = [
            ReportPhoto.objects.create(
                report=report,
                name=name,
                content_type=content_type,
                size=len(data),
                sha256=hashlib.sha256(data).hexdigest(),
                data=data,
            )
            for name, content_type, data in files
        ]
        item = news_create(
            actor=actor,
            organisation=activity.organisation,
            data={
                "kind": NewsKind.NEWS,
                "title": activity.title[:120],
                "body": _body(summary, activity, stored),
                "audience": NewsAudience.PUBLIC,
            },
        )
        report.news_item = item
        report.save(update_fields=["news_item"])
        audit.record(
            actor=actor,
            action=AttendanceAction.REPORT_SUBMITTED,
            obj=report,
            organisation_id=activity.organisation_id,
            changes={"photos": [None, len(stored)], "news_item": [None, str(item.pk)]},
        )
    return report
