"""Attendance at activities: check-ins and check-outs, certified hours and the photo report
after the activity (docs/modules/activities.md, "Check-in, hours and the photo report").

Imported at the end of ``models.py`` so that Django finds these models in the app.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gonghui.core.ids import new_id
from gonghui.core.models import StoredFile


class Direction(models.TextChoices):
    IN = "in", _("checked in")
    OUT = "out", _("checked out")


class Source(models.TextChoices):
    QR = "qr", _("the member scanned the activity's code")
    CARD = "card", _("the organiser scanned the member's card")
    MANUAL = "manual", _("entered by the organiser")


class CheckIn(models.Model):
    """One arrival or departure of a signed-up person at an activity, as it was scanned:
    ``at`` is when it happened (for a scan queued offline on the organiser's phone, the scan
    time, not the time it reached us), ``nonce`` the phone's own id of a queued scan, so that
    sending the queue twice records it once."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    signup = models.ForeignKey("activities.Signup", on_delete=models.PROTECT, related_name="checkins")
    direction = models.CharField(_("direction"), max_length=3, choices=Direction.choices)
    at = models.DateTimeField(_("time"))
    source = models.CharField(_("how"), max_length=6, choices=Source.choices)
    nonce = models.CharField(max_length=64, null=True, blank=True, unique=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("by")
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")
        ordering = ["at"]
        constraints = [
            # No double check-in (or out): the service refuses it, the index makes it true even
            # for two scans arriving at the same moment.
            models.UniqueConstraint(fields=["signup", "direction"], name="checkin_once_per_direction"),
        ]

    def __str__(self):
        return f"{self.signup_id} {self.direction} {self.at:%Y-%m-%d %H:%M}"


class Attendance(models.Model):
    """The hours a person spent at an activity, as certified by the organising union
    (谁组织谁记录，谁记录谁证明). ``computed_minutes`` is what the check-in and check-out gave
    (None without both); ``minutes`` what was certified — a different figure needs a
    ``reason``."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    signup = models.OneToOneField("activities.Signup", on_delete=models.PROTECT, related_name="attendance")
    computed_minutes = models.PositiveIntegerField(null=True, blank=True)
    minutes = models.PositiveIntegerField(_("minutes"))
    reason = models.CharField(_("reason for the correction"), max_length=500, blank=True)
    certified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("certified by")
    )
    certified_at = models.DateTimeField(_("certified at"), default=timezone.now)

    class Meta:
        verbose_name = _("certified hours")
        verbose_name_plural = _("certified hours")
        constraints = [
            models.CheckConstraint(
                condition=Q(computed_minutes__isnull=False, minutes=models.F("computed_minutes"))
                | ~Q(reason=""),
                name="attendance_correction_has_reason",
            ),
        ]

    def __str__(self):
        return f"{self.signup_id} {self.minutes}"

    @property
    def hours(self) -> str:
        """The certified time in hours, one decimal (how certificates show it)."""
        return f"{self.minutes / 60:.1f}"


class ActivityReport(models.Model):
    """The organiser's report after an activity: a summary and photos, sent on as a news draft
    (``news_item``) that goes through the news app's 三审三校 before anyone reads it."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    activity = models.OneToOneField("activities.Activity", on_delete=models.PROTECT, related_name="report")
    summary = models.TextField(_("summary"))
    news_item = models.OneToOneField(
        "news.NewsItem", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("activity report")
        verbose_name_plural = _("activity reports")

    def __str__(self):
        return f"{self.activity_id}"


class ReportPhoto(StoredFile):
    """A photo of an activity report (JPEG or PNG, checked by its first bytes)."""

    report = models.ForeignKey(ActivityReport, on_delete=models.CASCADE, related_name="photos")
