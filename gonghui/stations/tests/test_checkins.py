"""Check-ins: once per visitor, station and day; a wrong key writes nothing; usage counts."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import Http404

from gonghui.stations.models import CheckIn
from gonghui.stations.selectors import stations as selectors
from gonghui.stations.services import checkins
from gonghui.stations.tests.helpers import make_station

SH = ZoneInfo("Asia/Shanghai")
MORNING = datetime.datetime(2026, 6, 10, 9, 0, tzinfo=SH)
TOKEN_A = "a" * 32
TOKEN_B = "b" * 32


@pytest.fixture(autouse=True)
def _fresh_throttles(db):
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def station(world):
    return make_station(world, "xian", name="钟楼驿站")


def test_every_station_gets_a_random_checkin_key(world, station):
    other = make_station(world, "xian")
    assert len(station.checkin_key) >= 16 and station.checkin_key != other.checkin_key


def test_one_check_in_per_visitor_per_day(world, station):
    first, created = checkins.check_in(station=station, key=station.checkin_key, token=TOKEN_A, at=MORNING)
    assert created and first.day == datetime.date(2026, 6, 10)
    again, created = checkins.check_in(
        station=station, key=station.checkin_key, token=TOKEN_A, at=MORNING + datetime.timedelta(hours=8)
    )
    assert not created and again.pk == first.pk
    _other, created = checkins.check_in(station=station, key=station.checkin_key, token=TOKEN_B, at=MORNING)
    assert created
    _next_day, created = checkins.check_in(
        station=station, key=station.checkin_key, token=TOKEN_A, at=MORNING + datetime.timedelta(days=1)
    )
    assert created
    assert CheckIn.objects.count() == 3


def test_the_day_is_the_local_day(world, station):
    # 23:30 UTC on the 9th is 07:30 on the 10th in 西安.
    checkin, _ = checkins.check_in(
        station=station,
        key=station.checkin_key,
        token=TOKEN_A,
        at=datetime.datetime(2026, 6, 9, 23, 30, tzinfo=datetime.UTC),
    )
    assert checkin.day == datetime.date(2026, 6, 10)


def test_a_signed_in_user_counts_once_whatever_the_cookie(member_user, station):
    user = member_user
    checkins.check_in(station=station, key=station.checkin_key, user=user, token=TOKEN_A, at=MORNING)
    _c, created = checkins.check_in(
        station=station, key=station.checkin_key, user=user, token=TOKEN_B, at=MORNING
    )
    assert not created
    stored = CheckIn.objects.get()
    assert stored.user == user
    assert str(user.pk) not in stored.visitor and len(stored.visitor) == 32


def test_the_visitor_is_a_keyed_hash_not_the_token(world, station):
    checkin, _ = checkins.check_in(station=station, key=station.checkin_key, token=TOKEN_A, at=MORNING)
    assert TOKEN_A not in checkin.visitor
    assert checkin.visitor == checkins.visitor_id(token=TOKEN_A)
    assert checkin.visitor != checkins.visitor_id(token=TOKEN_B)


@pytest.mark.parametrize("key", ["", "wrong", None, "x" * 200])
def test_a_wrong_key_is_404_and_writes_nothing(world, station, key):
    with pytest.raises(Http404):
        checkins.check_in(station=station, key=key, token=TOKEN_A, at=MORNING)
    assert CheckIn.objects.count() == 0


def test_another_stations_key_does_not_work(world, station):
    other = make_station(world, "xian")
    with pytest.raises(Http404):
        checkins.check_in(station=station, key=other.checkin_key, token=TOKEN_A)
    assert CheckIn.objects.count() == 0


def test_an_anonymous_visitor_without_a_token_is_refused(world, station):
    with pytest.raises(ValidationError) as exc:
        checkins.check_in(station=station, key=station.checkin_key, user=AnonymousUser(), token="short")
    assert "visitor" in exc.value.error_dict
    assert CheckIn.objects.count() == 0


def test_usage_per_day_with_zeros(world, station):
    other = make_station(world, "xian")
    baoji = make_station(world, "baoji")
    for i, token in enumerate(["a" * 20, "b" * 20, "c" * 20]):
        checkins.check_in(station=station, key=station.checkin_key, token=token, at=MORNING)
        if i < 2:
            checkins.check_in(
                station=station, key=station.checkin_key, token=token, at=MORNING - datetime.timedelta(days=2)
            )
    checkins.check_in(station=other, key=other.checkin_key, token=TOKEN_A, at=MORNING)
    checkins.check_in(station=baoji, key=baoji.checkin_key, token=TOKEN_A, at=MORNING)
    checkins.check_in(
        station=station, key=station.checkin_key, token=TOKEN_A, at=MORNING - datetime.timedelta(days=40)
    )
    rows = selectors.usage(station, days=3, today=datetime.date(2026, 6, 10))
    assert rows == [
        (datetime.date(2026, 6, 8), 2),
        (datetime.date(2026, 6, 9), 0),
        (datetime.date(2026, 6, 10), 3),
    ]
    assert len(selectors.usage(station, today=datetime.date(2026, 6, 10))) == 30
    assert sum(n for _d, n in selectors.usage(station, today=datetime.date(2026, 6, 10))) == 5
    today = datetime.date(2026, 6, 10)
    assert selectors.usage_total(world.orgs["xian"], today=today) == 6
    assert selectors.usage_total(world.orgs["shaanxi"], today=today) == 7
    assert selectors.usage_total(world.orgs["gansu"], today=today) == 0
    assert selectors.usage_by_station([station, other], today=today) == {station.pk: 5, other.pk: 1}


def test_the_keeper_can_replace_a_copied_code(city_viewer, city_officer, station):
    from django.core.exceptions import PermissionDenied

    from gonghui.core.models import AuditEntry

    old = station.checkin_key
    with pytest.raises(PermissionDenied):
        checkins.key_rotate(actor=city_viewer, station=station)
    station.refresh_from_db()
    assert station.checkin_key == old
    checkins.key_rotate(actor=city_officer, station=station)
    station.refresh_from_db()
    assert station.checkin_key != old and len(station.checkin_key) >= 16
    assert AuditEntry.objects.filter(action="stations.station.checkin_key_rotated").count() == 1
    with pytest.raises(Http404):
        checkins.check_in(station=station, key=old, token=TOKEN_A)
    assert CheckIn.objects.count() == 0
