"""Models of the stations app: outdoor-worker service stations (工会驿站) with their opening
hours, photos, problem reports (repair tickets), check-ins and crowd-suggested sites.

Coordinates are stored in WGS-84 (what GPS gives and GeoJSON wants); conversion to and from
GCJ-02 and BD-09 happens at the edges (``gonghui.stations.geo``). Each station also stores the
grid cell it lies in (``cell_y``, ``cell_x``), indexed, so the nearest-station search reads a few
cells around the caller instead of the whole table (``gonghui.stations.search``).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gonghui.core.ids import new_id
from gonghui.core.models import StoredFile
from gonghui.organisations.models import Organisation
from gonghui.stations.choices import (
    ProblemKind,
    Status,
    SuggestionStatus,
    TicketStatus,
    Tier,
)


class Station(models.Model):
    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    code = models.CharField(_("station number"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=80)
    host_unit = models.CharField(_("host unit"), max_length=120, blank=True)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("owning union")
    )
    division_code = models.CharField(_("district"), max_length=6)
    address = models.CharField(_("address"), max_length=200)
    lat = models.FloatField(_("latitude (WGS-84)"))
    lng = models.FloatField(_("longitude (WGS-84)"))
    cell_y = models.IntegerField(editable=False)
    cell_x = models.IntegerField(editable=False)
    always_open = models.BooleanField(_("open 24 hours"), default=False)
    facilities = models.JSONField(_("facilities"), default=list, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.OPEN)
    tier = models.CharField(_("tier"), max_length=10, choices=Tier.choices, default=Tier.ORDINARY)
    six_has = models.JSONField(_("六有 checklist"), default=list, blank=True)
    six_has_score = models.PositiveSmallIntegerField(_("六有 score"), default=0)
    keeper = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="kept_stations",
        verbose_name=_("keeper"),
    )
    phone = models.CharField(_("station telephone"), max_length=20, blank=True)
    note = models.CharField(_("note for workers"), max_length=200, blank=True)
    verified_on = models.DateField(_("last verified"), null=True, blank=True)
    checkin_key = models.CharField(max_length=32, editable=False, blank=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("station")
        verbose_name_plural = _("stations")
        indexes = [
            models.Index(fields=["cell_y", "cell_x"], name="station_cell"),
            models.Index(fields=["organisation", "status"], name="station_org_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(lat__gte=-90, lat__lte=90, lng__gte=-180, lng__lte=180),
                name="station_coordinates_in_range",
            ),
            models.CheckConstraint(
                condition=models.Q(six_has_score__lte=6), name="station_six_has_score_max_6"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class OpeningHours(models.Model):
    """One opening interval on a weekday (0 = Monday). ``closes`` at or before ``opens`` means
    the interval runs past midnight into the next day (a night shift station 20:00–06:00)."""

    id = models.BigAutoField(primary_key=True)
    station = models.ForeignKey(Station, on_delete=models.CASCADE, related_name="hours")
    weekday = models.PositiveSmallIntegerField(_("weekday"))
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"))

    class Meta:
        ordering = ["weekday", "opens"]
        constraints = [
            models.CheckConstraint(condition=models.Q(weekday__lte=6), name="hours_weekday_0_6"),
        ]

    def __str__(self) -> str:
        return f"{self.weekday} {self.opens:%H:%M}-{self.closes:%H:%M}"


class HoursException(models.Model):
    """A date with other hours than usual (holidays, repairs): closed all day, or open only
    ``opens``–``closes`` that day."""

    id = models.BigAutoField(primary_key=True)
    station = models.ForeignKey(Station, on_delete=models.CASCADE, related_name="exceptions")
    date = models.DateField(_("date"))
    closed = models.BooleanField(_("closed all day"), default=True)
    opens = models.TimeField(_("opens"), null=True, blank=True)
    closes = models.TimeField(_("closes"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=120, blank=True)

    class Meta:
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["station", "date"], name="one_exception_per_station_day"),
            models.CheckConstraint(
                condition=models.Q(closed=True) | models.Q(opens__isnull=False, closes__isnull=False),
                name="exception_closed_or_hours",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date}"


class Photo(StoredFile):
    """A photo of a station (JPEG or PNG), stored in the database like other uploads."""

    station = models.ForeignKey(Station, on_delete=models.CASCADE, related_name="photos")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )


class Ticket(models.Model):
    """A problem a worker reported at a station: a repair ticket for its keeper, due within
    the SLA of its kind. ``organisation`` is the station's owning union when reported."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    number = models.CharField(_("ticket number"), max_length=20, unique=True)
    station = models.ForeignKey(Station, on_delete=models.PROTECT, related_name="tickets")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("problem"), max_length=20, choices=ProblemKind.choices)
    description = models.CharField(_("description"), max_length=500, blank=True)
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    contact_enc = models.TextField(editable=False, blank=True)
    contact_masked = models.CharField(_("contact"), max_length=11, editable=False, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=TicketStatus.choices, default=TicketStatus.OPEN
    )
    reported_at = models.DateTimeField(_("reported at"), default=timezone.now)
    due_at = models.DateTimeField(_("due by"))
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolved_on_time = models.BooleanField(null=True)
    resolution = models.CharField(_("what was done"), max_length=500, blank=True)
    escalated = models.BooleanField(default=False)
    # The due time the owning union was last warned about (ticket.due_soon,
    # services.tickets.warn_due_soon): once per ticket and due time.
    due_warned_for = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-reported_at"]
        indexes = [
            models.Index(fields=["organisation", "status"], name="ticket_org_status"),
            models.Index(fields=["station", "status"], name="ticket_station_status"),
            models.Index(fields=["status", "due_at"], name="ticket_status_due"),
            models.Index(fields=["organisation", "due_at"], name="ticket_org_due"),
        ]

    def __str__(self) -> str:
        return self.number


class TicketEvent(models.Model):
    """The timeline of a ticket: reported, acknowledged, resolved, rejected, escalated, note."""

    id = models.BigAutoField(primary_key=True)
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=20)
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return self.kind


class CheckIn(models.Model):
    """One use of a station, recorded by scanning the QR code at its door. ``visitor`` is a
    salted hash of the signed-in user or of a cookie, so one person counts once a day."""

    id = models.BigAutoField(primary_key=True)
    station = models.ForeignKey(Station, on_delete=models.CASCADE, related_name="checkins")
    day = models.DateField()
    at = models.DateTimeField(default=timezone.now)
    visitor = models.CharField(max_length=32)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["station", "day", "visitor"], name="one_checkin_per_visitor_day"),
        ]
        indexes = [models.Index(fields=["station", "day"], name="checkin_station_day")]

    def __str__(self) -> str:
        return f"{self.station_id} {self.day}"


class Suggestion(models.Model):
    """A new site a worker suggests; reviewed by the union responsible for the place."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("place"), max_length=80)
    address = models.CharField(_("address"), max_length=200)
    division_code = models.CharField(_("district"), max_length=6)
    lat = models.FloatField(_("latitude (WGS-84)"), null=True, blank=True)
    lng = models.FloatField(_("longitude (WGS-84)"), null=True, blank=True)
    reason = models.CharField(_("why here"), max_length=500)
    suggested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=SuggestionStatus.choices, default=SuggestionStatus.PENDING
    )
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decision_note = models.CharField(_("decision note"), max_length=500, blank=True)
    station = models.ForeignKey(Station, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["organisation", "status"], name="suggestion_org_status")]

    def __str__(self) -> str:
        return self.name
