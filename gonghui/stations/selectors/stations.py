"""Reading stations: the public registry (any active station, for workers, the public pages and
the API), the keeper's own stations, the officers' view (stations of the unions in the user's
scope, ``organisations.scoping``) and check-in counts. Out of scope answers 404 like a missing
station; visible but not allowed answers 403 (``stations.permissions``).
"""

import datetime

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db.models import (
    Avg,
    BooleanField,
    Case,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils import timezone

from gonghui.organisations import scoping
from gonghui.organisations.models import Organisation
from gonghui.stations import permissions
from gonghui.stations.choices import OPEN_TICKET_STATUSES
from gonghui.stations.models import CheckIn, HoursException, Photo, Station, Ticket

Action = scoping.Action

STALE_DAYS = 90  # not verified on site for longer than this: "needs checking"
USAGE_DAYS = 30
DISTRICTS_CACHE_KEY = "stations:pages:districts"
DISTRICTS_CACHE_SECONDS = 300


# --- the public registry ------------------------------------------------------------------------


def _active() -> QuerySet:
    """Active stations with what a station's page or answer shows: its union, keeper, weekly
    hours and special days."""
    return (
        Station.objects.filter(is_active=True)
        .select_related("organisation", "keeper")
        .prefetch_related("hours", "exceptions")
    )


def public_stations(
    *, organisation: Organisation | None = None, facility: str = "", status: str = "", q: str = ""
) -> QuerySet:
    """Active stations of the whole country (the public registry) by number: ``organisation``
    (its subtree), ``facility``, ``status``, ``q`` (name, address or number start)."""
    qs = (
        Station.objects.filter(is_active=True)
        .select_related("organisation")
        .prefetch_related("hours", "exceptions")
    )
    if organisation is not None:
        qs = qs.filter(permissions.below(organisation))
    if facility:
        # JSON text contains "code" (with its quotes): works on SQLite and PostgreSQL alike.
        qs = qs.filter(facilities__icontains=f'"{facility}"')
    if status:
        qs = qs.filter(status=status)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(address__icontains=q) | Q(code__startswith=q))
    return qs.order_by("code")


def public_station_or_404(code: str) -> Station:
    """An active station by its number (the public pages /stations/s/<code>/…)."""
    return get_object_or_404(_active(), code=code)


def public_station_by_id_or_404(station_id) -> Station:
    """An active station by its id (the public API)."""
    return get_object_or_404(_active(), pk=station_id)


def organisation_by_code(code: str) -> Organisation | None:
    """An active union by its code (codes are public: the station list filters by any union)."""
    return Organisation.objects.filter(code=code, is_active=True).first()


def with_hours(stations: list) -> list:
    """Prefetch the hours and exceptions of a few stations (the search's hits carry none)."""
    prefetch_related_objects(stations, "hours", "exceptions")
    return stations


def upcoming_exceptions(station: Station, *, days: int | None = None) -> list[HoursException]:
    """The station's special days from today on (within ``days`` when given), from the
    prefetched ones."""
    today = timezone.localdate()
    last = today + datetime.timedelta(days=days) if days is not None else datetime.date.max
    return sorted((e for e in station.exceptions.all() if today <= e.date <= last), key=lambda e: e.date)


def photo_or_404(code: str, photo_id) -> Photo:
    """A photo of an active station (public, like the station page)."""
    return get_object_or_404(Photo, pk=photo_id, station__code=code, station__is_active=True)


def photos(station: Station) -> list[Photo]:
    """The photos of a station without their bytes."""
    return list(Photo.objects.filter(station=station).defer("data").order_by("created_at"))


def districts() -> list[dict]:
    """The districts (GB/T 2260 codes) that have active stations, with the mean of their
    stations' coordinates as the centre: [{"division_code", "lat", "lng", "count"}] by code.
    One aggregate over every station, so it is cached for :data:`DISTRICTS_CACHE_SECONDS`."""
    rows = cache.get(DISTRICTS_CACHE_KEY)
    if rows is None:
        rows = list(
            Station.objects.filter(is_active=True)
            .values("division_code")
            .annotate(lat=Avg("lat"), lng=Avg("lng"), count=Count("id"))
            .order_by("division_code")
        )
        cache.set(DISTRICTS_CACHE_KEY, rows, DISTRICTS_CACHE_SECONDS)
    return rows


def markers(user=None, *, limit: int = 5000) -> tuple[list, int]:
    """Active stations for a map: (rows, total). ``user`` None = every station (the public
    map), else the stations of the user's VIEW subtree. At most ``limit`` rows."""
    qs = Station.objects.filter(is_active=True)
    if user is not None:
        qs = scoping.restrict(qs, user, Action.VIEW, field="organisation")
    total = qs.count()
    rows = list(
        qs.prefetch_related("hours", "exceptions").only(
            "id", "code", "name", "lat", "lng", "status", "is_active", "always_open", "address"
        )[:limit]
    )
    return rows, total


# --- the keeper's stations ----------------------------------------------------------------------


def kept_stations(user) -> list[Station]:
    """The active stations whose keeper is ``user``, by number."""
    if not user.is_authenticated:
        return []
    return list(_active().filter(keeper_id=user.pk).order_by("code"))


def keeper_station_or_404(user, code: str) -> Station:
    """An active station ``user`` may keep (``permissions.require_keep``): its keeper or an
    officer who manages it; 403 for one who only sees it, 404 for anyone else."""
    station = public_station_or_404(code)
    permissions.require_keep(user, station)
    return station


def keeper_exception_or_404(station: Station, exception_id) -> HoursException:
    return get_object_or_404(
        HoursException.objects.select_related("station"), station=station, pk=exception_id
    )


def keeper_photo_or_404(station: Station, photo_id) -> Photo:
    return get_object_or_404(
        Photo.objects.defer("data").select_related("station"), station=station, pk=photo_id
    )


# --- the officers' view -------------------------------------------------------------------------


def station_or_404(user, station_id) -> Station:
    """A station (active or not) its keeper or a viewer of its union may see; else 404."""
    station = get_object_or_404(
        Station.objects.select_related("organisation", "keeper").prefetch_related("hours", "exceptions"),
        pk=station_id,
    )
    permissions.require_see(user, station)
    return station


def managed_stations(
    user,
    *,
    union: Organisation | None = None,
    status: str = "",
    tier: str = "",
    stale: bool = False,
    problems: bool = False,
) -> QuerySet:
    """The stations of the user's VIEW subtree for the officers' list, annotated with
    ``checkins_30d`` (check-ins in the last 30 days), ``open_tickets`` and ``is_stale``
    (never verified or more than 90 days ago). ``union`` narrows to an organisation's subtree."""
    today = timezone.localdate()
    stale_before = today - datetime.timedelta(days=STALE_DAYS)
    qs = scoping.restrict(Station.objects.filter(is_active=True), user, Action.VIEW)
    if union is not None:
        qs = qs.filter(permissions.below(union))
    if status:
        qs = qs.filter(status=status)
    if tier:
        qs = qs.filter(tier=tier)
    if stale:
        qs = qs.filter(Q(verified_on__isnull=True) | Q(verified_on__lt=stale_before))
    open_tickets = Ticket.objects.filter(station=OuterRef("pk"), status__in=OPEN_TICKET_STATUSES)
    if problems:
        qs = qs.filter(Exists(open_tickets))
    checkins = (
        CheckIn.objects.filter(station=OuterRef("pk"), day__gt=today - datetime.timedelta(days=USAGE_DAYS))
        .order_by()
        .values("station")
        .annotate(n=Count("id"))
        .values("n")
    )
    tickets = open_tickets.order_by().values("station").annotate(n=Count("id")).values("n")
    return (
        qs.select_related("organisation")
        .annotate(
            checkins_30d=Coalesce(Subquery(checkins, output_field=IntegerField()), Value(0)),
            open_tickets=Coalesce(Subquery(tickets, output_field=IntegerField()), Value(0)),
            is_stale=Case(
                When(Q(verified_on__isnull=True) | Q(verified_on__lt=stale_before), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            ),
        )
        .order_by("code")
    )


def managed_station_or_404(user, code: str) -> Station:
    """An active station the user may edit (``permissions.require_manage``): 404 outside their
    subtree (or for an unknown code), 403 when they see it but may not."""
    station = get_object_or_404(
        Station.objects.select_related("organisation", "keeper").prefetch_related("hours"),
        code=code,
        is_active=True,
    )
    permissions.require_manage(user, station)
    return station


def union_in_scope(user, code: str, action: str = Action.VIEW) -> Organisation | None:
    """An organisation by code in the user's scope for ``action``, else None."""
    org = Organisation.objects.filter(code=(code or "").strip(), is_active=True).first()
    if org is None or not scoping.can(user, action, org):
        return None
    return org


def _keeper_candidates(organisation: Organisation) -> QuerySet:
    # anyone holding a role in the owning union or below it
    return (
        get_user_model()
        .objects.filter(
            permissions.below(organisation, field="role_assignments__organisation"), is_active=True
        )
        .distinct()
    )


def keeper_candidates(organisation: Organisation, *, limit: int = 50) -> list:
    """Users holding any role in the organisation's subtree (who may be named keeper)."""
    return list(_keeper_candidates(organisation).order_by("username")[:limit])


def keeper_by_username(organisation: Organisation, username: str):
    """The user ``username`` if they hold a role in the organisation's subtree, else None."""
    return _keeper_candidates(organisation).filter(username=(username or "").strip()).first()


# --- check-ins ----------------------------------------------------------------------------------


def _days(days: int, today: datetime.date | None) -> tuple[datetime.date, datetime.date]:
    today = today or timezone.localdate()
    return today - datetime.timedelta(days=days - 1), today


def usage(station: Station, days: int = USAGE_DAYS, today: datetime.date | None = None) -> list:
    """[(day, check-ins)] for each of the last ``days`` days up to today, oldest first (days
    without a check-in count 0)."""
    first, last = _days(days, today)
    counts = dict(
        CheckIn.objects.filter(station=station, day__gte=first, day__lte=last)
        .values_list("day")
        .annotate(n=Count("pk"))
        .values_list("day", "n")
    )
    return [
        (first + datetime.timedelta(days=i), counts.get(first + datetime.timedelta(days=i), 0))
        for i in range(days)
    ]


def usage_total(
    organisation: Organisation, days: int = USAGE_DAYS, today: datetime.date | None = None
) -> int:
    """Check-ins at the stations of ``organisation``'s subtree over the last ``days`` days."""
    first, last = _days(days, today)
    return CheckIn.objects.filter(
        permissions.below(organisation, field="station__organisation"), day__gte=first, day__lte=last
    ).count()


def usage_by_station(stations, days: int = USAGE_DAYS, today: datetime.date | None = None) -> dict:
    """{station id: check-ins over the last ``days`` days} for a list of stations (one query)."""
    first, last = _days(days, today)
    return dict(
        CheckIn.objects.filter(station__in=list(stations), day__gte=first, day__lte=last)
        .values_list("station_id")
        .annotate(n=Count("pk"))
        .values_list("station_id", "n")
    )
