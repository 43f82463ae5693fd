"""Reads of the station pages (views/pages.py, keeper.py, officer.py): the public station page
and map, the keeper's stations, the officers' list with usage, open tickets and stale
verification. Out of scope answers 404 like a missing station (``organisations.scoping``)."""

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
    Subquery,
    Value,
    When,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from gonghui.organisations import scoping
from gonghui.organisations.models import Organisation
from gonghui.stations.choices import OPEN_TICKET_STATUSES
from gonghui.stations.models import CheckIn, HoursException, Photo, Station, Ticket
from gonghui.stations.services import registry

STALE_DAYS = 90
USAGE_DAYS = 30
DISTRICTS_CACHE_KEY = "stations:pages:districts"
DISTRICTS_CACHE_SECONDS = 300


def page_station_or_404(code: str):
    """An active station by its code, with what its public page shows prefetched."""
    station = (
        Station.objects.filter(code=code, is_active=True)
        .select_related("organisation", "keeper")
        .prefetch_related("hours", "exceptions")
        .first()
    )
    if station is None:
        raise Http404
    return station


def with_hours(stations: list) -> list:
    """Prefetch the hours and exceptions of a few stations (the search's hits carry none)."""
    prefetch_related_objects(stations, "hours", "exceptions")
    return stations


def page_photo_or_404(code: str, photo_id):
    """A photo of an active station (public, like the station page)."""
    photo = Photo.objects.filter(pk=photo_id, station__code=code, station__is_active=True).first()
    if photo is None:
        raise Http404
    return photo


def page_photos(station) -> list:
    """The photos of a station without their bytes."""
    return list(Photo.objects.filter(station=station).defer("data").order_by("created_at"))


def page_upcoming_exceptions(station, *, days: int = 60) -> list:
    today = timezone.localdate()
    return list(
        HoursException.objects.filter(
            station=station, date__gte=today, date__lte=today + datetime.timedelta(days=days)
        ).order_by("date")
    )


def page_districts() -> list[dict]:
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


def page_markers(user=None, *, limit: int = 5000) -> tuple[list, int]:
    """Active stations for a map: (rows, total). ``user`` None = every station (the public
    map), else the stations of the user's VIEW subtree. At most ``limit`` rows."""
    qs = Station.objects.filter(is_active=True)
    if user is not None:
        qs = scoping.restrict(qs, user, scoping.Action.VIEW, field="organisation")
    total = qs.count()
    rows = list(
        qs.prefetch_related("hours", "exceptions").only(
            "id", "code", "name", "lat", "lng", "status", "is_active", "always_open", "address"
        )[:limit]
    )
    return rows, total


def kept_stations(user) -> list:
    """The active stations whose keeper is ``user``."""
    if not getattr(user, "is_authenticated", False):
        return []
    return list(
        Station.objects.filter(keeper_id=user.pk, is_active=True)
        .prefetch_related("hours", "exceptions")
        .order_by("code")
    )


def keeper_station_or_404(user, code: str):
    """A station ``user`` keeps or manages (registry.can_keep); anything else is 404."""
    station = (
        Station.objects.filter(code=code, is_active=True)
        .select_related("organisation", "keeper")
        .prefetch_related("hours", "exceptions")
        .first()
    )
    if station is None or not registry.can_keep(user, station):
        raise Http404
    return station


def keeper_exception_or_404(station, exception_id):
    exception = (
        HoursException.objects.filter(station=station, pk=exception_id).select_related("station").first()
    )
    if exception is None:
        raise Http404
    return exception


def keeper_photo_or_404(station, photo_id):
    photo = Photo.objects.filter(station=station, pk=photo_id).defer("data").select_related("station").first()
    if photo is None:
        raise Http404
    return photo


def managed_stations(
    user,
    *,
    union=None,
    status: str = "",
    tier: str = "",
    stale: bool = False,
    problems: bool = False,
):
    """The stations of the user's VIEW subtree for the officers' list, annotated with
    ``checkins_30d`` (check-ins in the last 30 days), ``open_tickets`` and ``is_stale``
    (never verified or more than 90 days ago). ``union`` narrows to an organisation's subtree."""
    today = timezone.localdate()
    stale_before = today - datetime.timedelta(days=STALE_DAYS)
    qs = scoping.restrict(Station.objects.filter(is_active=True), user, scoping.Action.VIEW)
    if union is not None:
        qs = qs.filter(organisation__path__startswith=union.path)
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


def managed_station_or_404(user, code: str, action: str | None = None):
    """A station of the user's subtree: 404 outside it (or for an unknown code), 403 when
    visible but ``action`` (default MANAGE_STATIONS) is not allowed there."""
    action = action or scoping.Action.MANAGE_STATIONS
    station = (
        scoping.restrict(Station.objects.filter(code=code, is_active=True), user, scoping.Action.VIEW)
        .select_related("organisation", "keeper")
        .prefetch_related("hours")
        .first()
    )
    if station is None:
        raise Http404
    scoping.require(user, action, station.organisation)
    return station


def union_in_scope(user, code: str, action: str | None = None):
    """An organisation by code in the user's scope for ``action`` (default VIEW), else None."""
    action = action or scoping.Action.VIEW
    org = Organisation.objects.filter(code=(code or "").strip(), is_active=True).first()
    if org is None or not scoping.can(user, action, org):
        return None
    return org


def keeper_candidates(organisation, *, limit: int = 50) -> list:
    """Users holding any role in the organisation's subtree (who may be named keeper)."""
    return list(
        get_user_model()
        .objects.filter(role_assignments__organisation__path__startswith=organisation.path, is_active=True)
        .distinct()
        .order_by("username")[:limit]
    )


def keeper_by_username(organisation, username: str):
    """The user ``username`` if they hold a role in the organisation's subtree, else None."""
    return (
        get_user_model()
        .objects.filter(
            username=(username or "").strip(),
            is_active=True,
            role_assignments__organisation__path__startswith=organisation.path,
        )
        .distinct()
        .first()
    )
