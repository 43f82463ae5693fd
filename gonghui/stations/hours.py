"""Is a station open at a given moment? Local time is the project's time zone (Asia/Shanghai).

Rules (docs/modules/stations.md): only a station whose status is *open* can be open. An
interval is open from ``opens`` (inclusive) to ``closes`` (exclusive); an interval whose
``closes`` is at or before ``opens`` runs past midnight (``20:00–06:00``; ``08:00–00:00`` is
open until midnight). A 24-hour station is open all day. An exception on a date replaces that
date's hours (closed all day, or the exception's interval), also for a 24-hour station; an
overnight interval belongs to the day it starts on, so it follows that day's hours.

The rules work on plain values (:func:`open_at`) so that the nearest-station search can decide
for rows it read without building model instances; :func:`is_open` applies them to a station
(using its prefetched ``hours`` and ``exceptions`` when present).
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils import timezone

from gonghui.stations.choices import Status

FULL_DAY = (datetime.time(0, 0), datetime.time(0, 0))
HORIZON_DAYS = 7  # how far :func:`next_change` looks ahead

Interval = tuple[datetime.time, datetime.time]
# (weekday, opens, closes) and (date, closed, opens, closes): the columns of the two tables.
HoursRow = tuple[int, datetime.time, datetime.time]
ExceptionRow = tuple[datetime.date, bool, datetime.time | None, datetime.time | None]


def intervals_from(
    always_open: bool, hours: Iterable[HoursRow], exceptions: Iterable[ExceptionRow], day: datetime.date
) -> list[Interval]:
    """The opening intervals that start on ``day``, from plain rows."""
    for date, closed, opens, closes in exceptions:
        if date == day:
            return [] if closed else [(opens, closes)]
    if always_open:
        return [FULL_DAY]
    weekday = day.weekday()
    return [(opens, closes) for wd, opens, closes in hours if wd == weekday]


def open_at(
    status: str,
    is_active: bool,
    always_open: bool,
    hours: Iterable[HoursRow],
    exceptions: Iterable[ExceptionRow],
    local: datetime.datetime,
) -> bool:
    """The rules of this module on plain values; ``local`` is a local (Asia/Shanghai) time."""
    if status != Status.OPEN or not is_active:
        return False
    hours, exceptions = list(hours), list(exceptions)
    day, now = local.date(), local.time()
    for opens, closes in intervals_from(always_open, hours, exceptions, day):
        if opens < closes:
            if opens <= now < closes:
                return True
        elif now >= opens:  # runs past midnight (or all day when opens == closes)
            return True
    for opens, closes in intervals_from(always_open, hours, exceptions, day - datetime.timedelta(days=1)):
        if closes <= opens and now < closes:
            return True
    return False


def _rows(station) -> tuple[list[HoursRow], list[ExceptionRow]]:
    return (
        [(h.weekday, h.opens, h.closes) for h in station.hours.all()],
        [(e.date, e.closed, e.opens, e.closes) for e in station.exceptions.all()],
    )


def intervals_on(station, day: datetime.date) -> list[Interval]:
    """The opening intervals that start on ``day`` (uses prefetched ``hours`` and ``exceptions``
    when present)."""
    hours, exceptions = _rows(station)
    return intervals_from(station.always_open, hours, exceptions, day)


def is_open(station, at: datetime.datetime | None = None) -> bool:
    if station.status != Status.OPEN or not station.is_active:
        return False
    hours, exceptions = _rows(station)
    local = timezone.localtime(at or timezone.now())
    return open_at(station.status, station.is_active, station.always_open, hours, exceptions, local)


@dataclass(frozen=True)
class Change:
    """The next change of an open station: ``kind`` is "opens" or "closes", ``at`` a local
    (aware) time."""

    kind: str
    at: datetime.datetime


def _periods(station, start: datetime.date, days: int) -> list[tuple[datetime.datetime, datetime.datetime]]:
    """Concrete open periods (naive local) of the intervals starting on ``start`` … ``start +
    days - 1``, merged where they touch or overlap."""
    hours, exceptions = _rows(station)
    periods = []
    for offset in range(days):
        day = start + datetime.timedelta(days=offset)
        for opens, closes in intervals_from(station.always_open, hours, exceptions, day):
            begin = datetime.datetime.combine(day, opens)
            end_day = day if opens < closes else day + datetime.timedelta(days=1)
            periods.append((begin, datetime.datetime.combine(end_day, closes)))
    periods.sort()
    merged: list[tuple[datetime.datetime, datetime.datetime]] = []
    for begin, end in periods:
        if merged and begin <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((begin, end))
    return merged


def next_change(station, at: datetime.datetime | None = None) -> Change | None:
    """When the station next opens (if closed now) or closes (if open now), within
    :data:`HORIZON_DAYS` days; None when nothing changes in that time (open around the clock,
    closed all week) or when its status is not *open* (closed until the keeper reopens it)."""
    if station.status != Status.OPEN or not station.is_active:
        return None
    local = timezone.localtime(at or timezone.now())
    now = local.replace(tzinfo=None)
    periods = _periods(station, local.date() - datetime.timedelta(days=1), HORIZON_DAYS + 2)
    horizon = now + datetime.timedelta(days=HORIZON_DAYS)
    for begin, end in periods:
        if begin <= now < end:
            if end > horizon:
                return None
            return Change("closes", timezone.make_aware(end, local.tzinfo))
        if begin > now:
            if begin > horizon:
                return None
            return Change("opens", timezone.make_aware(begin, local.tzinfo))
    return None
