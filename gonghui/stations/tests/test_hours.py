"""Open now at the boundaries: opening and closing minute, midnight, overnight, 24 h, closed
days, exceptions, status, other time zones; and the next change."""

import datetime
import zoneinfo

import pytest

from gonghui.stations import hours
from gonghui.stations.services import registry
from gonghui.stations.tests.helpers import make_station, t

pytestmark = pytest.mark.django_db

SH = zoneinfo.ZoneInfo("Asia/Shanghai")
MON = datetime.date(2025, 6, 2)  # a Monday


def at(day_offset, hh, mm=0, tz=SH):
    d = MON + datetime.timedelta(days=day_offset)
    return datetime.datetime(d.year, d.month, d.day, hh, mm, tzinfo=tz)


def test_weekday_hours_opening_minute_open_closing_minute_closed(world):
    s = make_station(world, hours="周一至周五 08:30-18:00")
    assert not hours.is_open(s, at(0, 8, 29))
    assert hours.is_open(s, at(0, 8, 30))
    assert hours.is_open(s, at(0, 17, 59))
    assert not hours.is_open(s, at(0, 18, 0))
    assert not hours.is_open(s, at(5, 10, 0))  # Saturday: closed weekday


def test_overnight_interval_belongs_to_the_day_it_starts(world):
    s = make_station(world, hours="周一至周五 20:00-06:00")
    assert hours.is_open(s, at(0, 20, 0))
    assert hours.is_open(s, at(0, 23, 59))
    assert hours.is_open(s, at(1, 0, 0))  # midnight, Tuesday: Monday's night
    assert hours.is_open(s, at(1, 5, 59))
    assert not hours.is_open(s, at(1, 6, 0))
    assert not hours.is_open(s, at(0, 5, 0))  # Monday early: Sunday had no night
    assert hours.is_open(s, at(5, 5, 0))  # Saturday early: Friday's night
    assert not hours.is_open(s, at(5, 20, 0))


def test_until_midnight_and_24_hours(world):
    s = make_station(world, hours="08:00-24:00")
    assert hours.is_open(s, at(0, 23, 59))
    assert not hours.is_open(s, at(1, 0, 0))  # 24:00 is midnight: closed from then
    assert not hours.is_open(s, at(1, 7, 59))
    always = make_station(world, hours="24小时")
    for moment in (at(0, 0, 0), at(3, 12, 0), at(6, 23, 59)):
        assert hours.is_open(always, moment)
    assert hours.intervals_on(always, MON) == [hours.FULL_DAY]


def test_exception_closed_day_also_for_24_hours(world):
    s = make_station(world, hours="24小时")
    registry.exception_set(actor=world.users["operator"], station=s, date=MON, closed=True, note="春节")
    s.refresh_from_db()
    assert not hours.is_open(s, at(0, 12, 0))
    assert not hours.is_open(s, at(0, 0, 0))
    assert hours.is_open(s, at(1, 0, 0))
    assert hours.is_open(s, at(-1, 23, 59))


def test_exception_special_hours_and_overnight_follows_its_day(world):
    s = make_station(world, hours="20:00-06:00")
    op = world.users["operator"]
    registry.exception_set(actor=op, station=s, date=MON, closed=False, opens=t(10), closes=t(12))
    s.refresh_from_db()
    assert hours.is_open(s, at(0, 5, 0))  # Sunday's night reaches into Monday
    assert hours.is_open(s, at(0, 10, 0)) and not hours.is_open(s, at(0, 12, 0))
    assert not hours.is_open(s, at(0, 20, 0))  # the exception replaced Monday's night
    assert not hours.is_open(s, at(1, 3, 0))


@pytest.mark.parametrize("status", ["closed", "maintenance"])
def test_status_other_than_open_is_never_open(world, status):
    s = make_station(world, hours="24小时", status=status)
    assert not hours.is_open(s, at(0, 12, 0))
    assert hours.next_change(s, at(0, 12, 0)) is None


def test_aware_datetimes_in_other_zones(world):
    s = make_station(world, hours="周一至周五 08:30-18:00")
    utc = zoneinfo.ZoneInfo("UTC")
    assert hours.is_open(s, datetime.datetime(2025, 6, 2, 0, 30, tzinfo=utc))  # 08:30 in 西安
    assert not hours.is_open(s, datetime.datetime(2025, 6, 2, 0, 29, tzinfo=utc))
    ny = zoneinfo.ZoneInfo("America/New_York")  # in DST; Shanghai has none
    assert hours.is_open(s, datetime.datetime(2025, 6, 2, 5, 59, tzinfo=ny))  # 17:59 Shanghai
    assert not hours.is_open(s, datetime.datetime(2025, 6, 2, 6, 0, tzinfo=ny))


def test_open_at_matches_is_open_on_plain_rows(world):
    s = make_station(world, hours="周一至周五 08:30-18:00；周六 20:00-02:00")
    rows = [(h.weekday, h.opens, h.closes) for h in s.hours.all()]
    for day in range(8):
        for hh in range(0, 24, 1):
            moment = at(day, hh, 30)
            assert hours.open_at(s.status, True, False, rows, [], moment) == hours.is_open(s, moment)


def test_next_change(world):
    s = make_station(world, hours="周一至周五 08:30-18:00")
    change = hours.next_change(s, at(0, 7, 0))
    assert (change.kind, change.at) == ("opens", at(0, 8, 30))
    change = hours.next_change(s, at(0, 9, 0))
    assert (change.kind, change.at) == ("closes", at(0, 18, 0))
    change = hours.next_change(s, at(4, 19, 0))  # Friday evening → Monday
    assert (change.kind, change.at) == ("opens", at(7, 8, 30))
    night = make_station(world, hours="20:00-06:00")
    assert hours.next_change(night, at(0, 23, 0)) == hours.Change("closes", at(1, 6, 0))
    assert hours.next_change(make_station(world, hours="24小时"), at(0, 12)) is None
    # Back-to-back intervals are one opening: 08:00–12:00 and 12:00–18:00 close at 18:00.
    split = make_station(world, hours="周一 08:00-12:00；周一 12:00-18:00")
    assert hours.next_change(split, at(0, 9, 0)) == hours.Change("closes", at(0, 18, 0))
