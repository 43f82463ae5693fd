"""Reading stations: the public registry (any active station, for workers and the API), the
officer's view (stations of unions in the user's scope, ``organisations.scoping``) and single
stations for both. Out of scope answers 404 like a missing station.
"""

import datetime

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from gonghui.organisations import scoping
from gonghui.organisations.models import Organisation
from gonghui.stations.models import HoursException, Station

Action = scoping.Action


def _filtered(
    qs: QuerySet,
    *,
    organisation: Organisation | None = None,
    facility: str = "",
    status: str = "",
    q: str = "",
) -> QuerySet:
    if organisation is not None:
        qs = qs.filter(organisation__path__startswith=organisation.path)
    if facility:
        # JSON text contains "code" (with its quotes): works on SQLite and PostgreSQL alike.
        qs = qs.filter(facilities__icontains=f'"{facility}"')
    if status:
        qs = qs.filter(status=status)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(address__icontains=q) | Q(code__startswith=q))
    return qs


def public_stations(**filters) -> QuerySet:
    """Active stations of the whole country (the public registry), with their union, hours and
    exceptions; ``filters``: organisation (its subtree), facility, status, q."""
    qs = Station.objects.filter(is_active=True).select_related("organisation")
    return _filtered(qs, **filters).prefetch_related("hours", "exceptions").order_by("code")


def stations_for(user, action: str = Action.VIEW, *, include_inactive: bool = False, **filters) -> QuerySet:
    """Stations owned by unions in the user's scope for ``action`` (officers); ``filters`` as
    :func:`public_stations`."""
    qs = scoping.restrict(Station.objects.all(), user, action, field="organisation")
    if not include_inactive:
        qs = qs.filter(is_active=True)
    qs = _filtered(qs.select_related("organisation", "keeper"), **filters)
    return qs.prefetch_related("hours", "exceptions").order_by("code")


def kept_stations(user) -> QuerySet:
    """The stations the user keeps (station keepers' own list)."""
    if not getattr(user, "is_authenticated", False):
        return Station.objects.none()
    return (
        Station.objects.filter(keeper_id=user.pk, is_active=True)
        .select_related("organisation")
        .prefetch_related("hours", "exceptions")
        .order_by("code")
    )


def station_or_404(user, station_id) -> Station:
    """A station the user may see as an officer (its union in scope) or keeps; else 404."""
    station = (
        Station.objects.select_related("organisation", "keeper")
        .prefetch_related("hours", "exceptions")
        .filter(pk=station_id)
        .first()
    )
    if station is None:
        raise Http404
    if getattr(user, "is_authenticated", False) and station.keeper_id == user.pk:
        return station
    if not scoping.can(user, Action.VIEW, station.organisation):
        raise Http404
    return station


def public_station_or_404(code: str) -> Station:
    """An active station by its number (the public pages /stations/s/<code>/)."""
    station = (
        Station.objects.select_related("organisation")
        .prefetch_related("hours", "exceptions")
        .filter(code=code, is_active=True)
        .first()
    )
    if station is None:
        raise Http404
    return station


def public_station_by_id_or_404(station_id) -> Station:
    station = (
        Station.objects.select_related("organisation")
        .prefetch_related("hours", "exceptions")
        .filter(pk=station_id, is_active=True)
        .first()
    )
    if station is None:
        raise Http404
    return station


def upcoming_exceptions(station: Station, today: datetime.date | None = None) -> list[HoursException]:
    """Exceptions from today on (from the prefetched ones when present)."""
    today = today or timezone.localdate()
    return sorted((e for e in station.exceptions.all() if e.date >= today), key=lambda e: e.date)


def organisation_by_code(code: str) -> Organisation | None:
    """An active union by its code (codes are public: the station list filters by any union)."""
    return Organisation.objects.filter(code=code, is_active=True).first()


def station_ids_by_pk(ids) -> dict:
    """{pk: station} with union, hours and exceptions, for shaping search hits."""
    return {
        s.pk: s
        for s in Station.objects.filter(pk__in=list(ids))
        .select_related("organisation")
        .prefetch_related("hours", "exceptions")
    }
