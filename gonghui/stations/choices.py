"""Choices of the stations app (工会驿站 / 户外劳动者服务站点)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop, pgettext_lazy

from gonghui.core.channels.templates import MessageTemplate


class Status(models.TextChoices):
    OPEN = "open", pgettext_lazy("station", "open")
    CLOSED = "closed", pgettext_lazy("station", "closed")
    MAINTENANCE = "maintenance", _("under maintenance")


class Tier(models.TextChoices):
    MODEL = "model", _("model station (示范)")
    STANDARD = "standard", _("standard station (标准)")
    ORDINARY = "ordinary", _("ordinary station (普通)")


class Facility(models.TextChoices):
    """What a station offers. The codes are the API's ``facility`` filter values."""

    SEATING = "seating", _("seating")
    WATER = "water", _("drinking water")
    MICROWAVE = "microwave", _("microwave")
    CHARGING = "charging", _("phone and e-bike charging")
    TOILET = "toilet", _("toilet")
    AIR_CONDITIONING = "air_conditioning", _("air-conditioning")
    FIRST_AID = "first_aid", _("first-aid kit")
    BOOKS = "books", _("books")
    BATTERY_SWAP = "battery_swap", _("battery swap")
    WIFI = "wifi", _("Wi-Fi")
    LOCKERS = "lockers", _("lockers")
    REPAIR_KIT = "repair_kit", _("repair tools")
    UMBRELLA = "umbrella", _("umbrellas")
    SHOWER = "shower", _("shower")


class SixHas(models.TextChoices):
    """The "六有" checklist (Zhengzhou variant, see docs/modules/stations.md): one point each."""

    SIGN = "sign", _("has the unified sign and name")
    PLACE = "place", _("has a fixed place")
    FACILITIES = "facilities", _("has complete facilities")
    RULES = "rules", _("has management rules")
    STAFF = "staff", _("has staff in charge")
    ON_MAP = "on_map", _("can be found on a map")


class ProblemKind(models.TextChoices):
    LOCKED = "locked", _("locked during opening hours")
    NO_WATER = "no_water", _("no drinking water")
    BROKEN_MICROWAVE = "broken_microwave", _("microwave broken")
    NO_POWER = "no_power", _("charging or power not working")
    AIR_CONDITIONING = "air_conditioning", _("air-conditioning not working")
    DIRTY = "dirty", _("dirty or untidy")
    SUPPLIES = "supplies", _("first-aid or other supplies run out")
    WRONG_INFO = "wrong_info", _("wrong hours, address or location")
    OTHER = "other", _("other")


class TicketStatus(models.TextChoices):
    OPEN = "open", _("open")
    ACKNOWLEDGED = "acknowledged", _("acknowledged by the keeper")
    RESOLVED = "resolved", _("resolved")
    REJECTED = "rejected", _("rejected")


OPEN_TICKET_STATUSES = (TicketStatus.OPEN, TicketStatus.ACKNOWLEDGED)


class TicketEventKind(models.TextChoices):
    """What happened to a ticket, on its timeline (``TicketEvent.kind``)."""

    REPORTED = "reported", _("reported")
    REPORTED_AGAIN = "reported_again", _("same problem reported again")
    SHOULD_BE_OPEN = "should_be_open", _("reported while it should be open")  # "locked" in opening hours
    ACKNOWLEDGED = "acknowledged", _("acknowledged by the keeper")
    RESOLVED = "resolved", _("resolved")
    REJECTED = "rejected", _("rejected")
    ESCALATED = "escalated", _("overdue: escalated to the union")


class SuggestionStatus(models.TextChoices):
    PENDING = "pending", _("waiting for review")
    ACCEPTED = "accepted", _("accepted")
    DECLINED = "declined", _("declined")


class Crs(models.TextChoices):
    """Coordinate reference systems: stored WGS-84; Chinese map apps use GCJ-02 (高德, 腾讯)
    and BD-09 (百度)."""

    WGS84 = "wgs84", "WGS-84"
    GCJ02 = "gcj02", "GCJ-02"
    BD09 = "bd09", "BD-09"


class AuditAction(models.TextChoices):
    """Every audit code the stations app writes, with the name officers read on the audit page
    (named by StationsConfig.audit_actions)."""

    STATION_CREATED = "stations.station.created", _("Station created")
    STATION_UPDATED = "stations.station.updated", _("Station edited")
    STATION_STATUS = "stations.station.status", _("Station opened, closed or under maintenance")
    STATION_HOURS = "stations.station.hours", _("Station opening hours changed")
    STATION_EXCEPTION = "stations.station.exception", _("Station special day set")
    STATION_EXCEPTION_REMOVED = "stations.station.exception_removed", _("Station special day removed")
    STATION_VERIFIED = "stations.station.verified", _("Station verified on site")
    STATION_KEEPER = "stations.station.keeper", _("Station keeper named")
    STATION_CHECKIN_KEY_ROTATED = "stations.station.checkin_key_rotated", _("Station check-in code renewed")
    PHOTO_ADDED = "stations.photo.added", _("Station photo added")
    PHOTO_REMOVED = "stations.photo.removed", _("Station photo removed")
    IMPORT = "stations.import.finished", _("Stations imported")
    TICKET_REPORTED = "stations.ticket.reported", _("Station problem reported")
    TICKET_REPORTED_AGAIN = "stations.ticket.reported_again", _("Station problem reported again")
    TICKET_ACKNOWLEDGED = "stations.ticket.acknowledged", _("Repair ticket acknowledged")
    TICKET_RESOLVED = "stations.ticket.resolved", _("Repair ticket resolved")
    TICKET_REJECTED = "stations.ticket.rejected", _("Repair ticket rejected")
    TICKET_ESCALATED = "stations.ticket.escalated", _("Repair ticket overdue: escalated")
    SUGGESTION_SUBMITTED = "stations.suggestion.submitted", _("Station site suggested")
    SUGGESTION_ACCEPTED = "stations.suggestion.accepted", _("Suggested site accepted")
    SUGGESTION_DECLINED = "stations.suggestion.declined", _("Suggested site declined")


class NotificationKind(models.TextChoices):
    """Every notification kind the stations app sends, with the name people read in their inbox
    (named by the AppConfig's ``notification_kinds``)."""

    TICKET_RESOLVED = "ticket.resolved", _("Station problem fixed")
    TICKET_OVERDUE = "ticket.overdue", _("Station repair ticket overdue")
    # To the owning union's officers before the SLA breaks (services.tickets.warn_due_soon).
    TICKET_DUE_SOON = "ticket.due_soon", _("Station repair ticket due soon")


# The SMS/e-mail copy of each kind (docs/ops/messages.md): the providers approve this fixed text
# and refuse long free text in a variable, so the parameters are short values and the link.
NOTIFICATION_MESSAGES = (
    MessageTemplate(
        kind=NotificationKind.TICKET_RESOLVED,
        subject=gettext_noop("Station problem fixed"),
        text=gettext_noop("The station problem you reported (ticket %(number)s) is fixed. Details: %(link)s"),
        params=("number", "link"),
    ),
    MessageTemplate(
        kind=NotificationKind.TICKET_OVERDUE,
        subject=gettext_noop("Station repair ticket overdue"),
        text=gettext_noop("Repair ticket %(number)s was due at %(due)s and is still open: %(link)s"),
        params=("number", "due", "link"),
    ),
    MessageTemplate(
        kind=NotificationKind.TICKET_DUE_SOON,
        subject=gettext_noop("Station repair ticket due soon"),
        text=gettext_noop("Repair ticket %(number)s is due at %(due)s and still open: %(link)s"),
        params=("number", "due", "link"),
    ),
)
