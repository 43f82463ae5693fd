"""Models of the activities app (活动): an activity a union organises, its reserved places and
the sign-ups with their waiting list (docs/modules/activities.md).

Capacity is enforced by the sign-up service under a row lock on the activity
(``services/signups.py``); the constraints here hold what one row (or one unique index) can:
one live sign-up per person and activity, one person per waiting-list position.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gonghui.activities.choices import Audience, Kind, SignupStatus, Status
from gonghui.core.ids import new_id
from gonghui.organisations.models import Organisation


class Activity(models.Model):
    """One activity a union organises (a theme-education session, a 劳模进校园 visit, a
    reading-room afternoon...): where and when, who may sign up, how many places.

    ``targets`` empty: members of the organiser's whole subtree (for ``audience`` members);
    otherwise members of the chosen unions' subtrees (each inside the organiser's)."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("organising union")
    )
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    audience = models.CharField(_("who may sign up"), max_length=10, choices=Audience.choices)
    targets = models.ManyToManyField(
        Organisation, blank=True, related_name="+", verbose_name=_("target unions")
    )
    division_code = models.CharField(_("district"), max_length=6)
    address = models.CharField(_("address"), max_length=200)
    lat = models.FloatField(_("latitude (WGS-84)"), null=True, blank=True)
    lng = models.FloatField(_("longitude (WGS-84)"), null=True, blank=True)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    signup_opens = models.DateTimeField(_("sign-up opens"), null=True, blank=True)
    signup_closes = models.DateTimeField(_("sign-up closes"), null=True, blank=True)
    capacity = models.PositiveIntegerField(_("places"))
    waitlist = models.BooleanField(_("waiting list"), default=True)
    # [{"label": "...", "required": true}, ...]: asked at sign-up, answered in Signup.answers.
    questions = models.JSONField(_("sign-up questions"), default=list, blank=True)
    # Until when a person may cancel their own sign-up (None: until the activity starts).
    cancel_until = models.DateTimeField(_("cancellation deadline"), null=True, blank=True)
    records_hours = models.BooleanField(_("hours recorded"), default=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["starts_at", "title"]
        indexes = [
            models.Index(fields=["organisation", "status"]),
            models.Index(fields=["status", "starts_at"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="activity_ends_after_start"),
            models.CheckConstraint(
                condition=Q(signup_opens__isnull=True)
                | Q(signup_closes__isnull=True)
                | Q(signup_closes__gt=F("signup_opens")),
                name="activity_signup_window",
            ),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="activity_capacity_positive"),
            models.CheckConstraint(
                condition=Q(lat__isnull=True, lng__isnull=True)
                | Q(lat__gte=-90, lat__lte=90, lng__gte=-180, lng__lte=180),
                name="activity_coordinates",
            ),
            models.CheckConstraint(
                condition=Q(status=Status.PUBLISHED, published_at__isnull=False)
                | ~Q(status=Status.PUBLISHED),
                name="activity_published_at",
            ),
        ]

    def __str__(self):
        return self.title


class ActivityReservation(models.Model):
    """Places of an activity kept for the members of one union (and its subtree): they count
    against the capacity, and only those members take them."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="reservations")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("union")
    )
    places = models.PositiveIntegerField(_("places"))

    class Meta:
        verbose_name = _("reserved places")
        verbose_name_plural = _("reserved places")
        constraints = [
            models.UniqueConstraint(fields=["activity", "organisation"], name="activity_reservation_once"),
            models.CheckConstraint(condition=Q(places__gte=1), name="activity_reservation_places"),
        ]

    def __str__(self):
        return f"{self.activity_id} {self.organisation_id} {self.places}"


class Signup(models.Model):
    """One person's sign-up for an activity: a place (confirmed), a turn on the waiting list
    (``position``, the order of arrival), or a cancelled one kept for the record. After the
    activity it becomes attended or no-show. ``reservation``: the reserved places the place
    counts against (None: the open places)."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    activity = models.ForeignKey(Activity, on_delete=models.PROTECT, related_name="signups")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    member = models.ForeignKey(
        "members.Member", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(_("status"), max_length=12, choices=SignupStatus.choices)
    reservation = models.ForeignKey(
        ActivityReservation, null=True, blank=True, on_delete=models.SET_NULL, related_name="signups"
    )
    # Order of arrival on the waiting list (1, 2, ...; never reused within an activity); None for
    # a sign-up that got a place at once.
    position = models.PositiveIntegerField(_("place in the queue"), null=True, blank=True)
    answers = models.JSONField(_("answers"), default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    promoted_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("sign-up")
        verbose_name_plural = _("sign-ups")
        ordering = ["created_at"]
        indexes = [
            models.Index(fields=["activity", "status"]),
            models.Index(fields=["user", "status"]),
            # The last position given (the next one joins after it), read under the row lock.
            models.Index(fields=["activity", "position"]),
        ]
        constraints = [
            # One live sign-up per person and activity; cancelled ones stay as history, and the
            # person may sign up again.
            models.UniqueConstraint(
                fields=["activity", "user"],
                condition=~Q(status=SignupStatus.CANCELLED),
                name="signup_live_once",
            ),
            models.UniqueConstraint(
                fields=["activity", "position"],
                condition=Q(status=SignupStatus.WAITLISTED),
                name="signup_waiting_position_once",
            ),
            # The position stays on a promoted or cancelled sign-up (the order it arrived in),
            # so the next one to join the queue is always after every earlier one.
            models.CheckConstraint(
                condition=~Q(status=SignupStatus.WAITLISTED) | Q(position__isnull=False),
                name="signup_waiting_has_position",
            ),
        ]

    def __str__(self):
        return f"{self.activity_id} {self.user_id} {self.status}"


# Check-ins, certified hours and photo reports (models_attendance.py, another helper's module).
from gonghui.activities.models_attendance import ActivityReport, Attendance, CheckIn, ReportPhoto  # noqa: E402, F401
