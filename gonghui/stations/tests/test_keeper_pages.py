"""The keeper's phone pages: only the station's keeper (or an officer who manages it) may
update status, hours, exceptions, verification and photos; a viewer of its union gets 403,
everyone else 404; bad
input shows errors and writes nothing."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from gonghui.core.models import AuditEntry
from gonghui.stations.models import HoursException, OpeningHours, Photo, Station
from gonghui.stations.tests.helpers import make_keeper, make_station
from gonghui.testing import PNG, client_for


@pytest.fixture
def kept(world):
    keeper = make_keeper(world)
    station = make_station(world, name="钟楼驿站", hours="周一至周五 08:30-18:00", keeper=keeper)
    other = make_station(world, name="别人的驿站")
    return keeper, station, other


def _url(name, station, *args):
    return reverse(f"stations:{name}", args=[station.code, *args])


def _week(**days):
    """POST data for the per-day form; ``days`` maps weekday index → (opens, closes) or None."""
    data = {"mode": "days"}
    for day in range(7):
        value = days.get(str(day))
        if value is None:
            data[f"closed_{day}"] = "on"
        else:
            data[f"opens_{day}"], data[f"closes_{day}"] = value
    return data


def test_anonymous_is_sent_to_login(world, kept):
    _keeper, station, _other = kept
    for url in (reverse("stations:keeper"), _url("keeper_station", station)):
        r = Client(HTTP_ACCEPT_LANGUAGE="en").get(url)
        assert r.status_code == 302 and "/login" in r["Location"]
    r = Client(HTTP_ACCEPT_LANGUAGE="en").post(_url("keeper_status", station), {"status": "closed"})
    assert r.status_code == 302
    assert Station.objects.get(pk=station.pk).status == "open"


def test_keeper_sees_own_stations_only(world, kept):
    keeper, station, other = kept
    c = client_for(keeper, language="en")
    html = c.get(reverse("stations:keeper")).content.decode()
    assert "钟楼驿站" in html and "别人的驿站" not in html
    assert c.get(_url("keeper_station", station)).status_code == 200
    assert c.get(_url("keeper_station", other)).status_code == 404


@pytest.mark.parametrize(
    ("username", "status"), [("baoji", 404), ("gansu", 404), ("member", 404), ("xian_viewer", 403)]
)
def test_others_get_404_or_403_and_change_nothing(world, kept, username, status):
    """404 for who does not see the station at all; 403 for a viewer of its union, who sees it
    but may not keep it (docs/dev/permissions.md, as the QR page and the API answer)."""
    _keeper, station, _other = kept
    c = client_for(username, language="en")
    assert c.get(_url("keeper_station", station)).status_code == status
    assert c.post(_url("keeper_status", station), {"status": "closed", "note": "x"}).status_code == status
    assert c.post(_url("keeper_verify", station)).status_code == status
    assert c.post(_url("keeper_hours", station), {"always_open": "on", "mode": "days"}).status_code == status
    fresh = Station.objects.get(pk=station.pk)
    assert (fresh.status, fresh.verified_on, fresh.always_open) == ("open", None, False)


def test_officer_who_manages_the_station_may_use_the_keeper_page(world, kept):
    _keeper, station, _other = kept
    c = client_for("xian_officer", language="en")
    assert c.get(_url("keeper_station", station)).status_code == 200
    r = c.post(_url("keeper_status", station), {"status": "maintenance", "note": "维修"})
    assert r.status_code == 302
    assert Station.objects.get(pk=station.pk).status == "maintenance"


def test_keeper_updates_status_with_a_note(world, kept):
    keeper, station, _other = kept
    c = client_for(keeper, language="en")
    r = c.post(_url("keeper_status", station), {"status": "closed", "note": "今天停水 明天开放"})
    assert r.status_code == 302 and r["Location"] == _url("keeper_station", station)
    fresh = Station.objects.get(pk=station.pk)
    assert (fresh.status, fresh.note) == ("closed", "今天停水 明天开放")
    assert AuditEntry.objects.filter(action="stations.station.status").exists()
    html = (
        Client(HTTP_ACCEPT_LANGUAGE="en")
        .get(reverse("stations:detail", args=[station.code]))
        .content.decode()
    )
    assert "今天停水 明天开放" in html


def test_bad_status_shows_an_error_and_writes_nothing(world, kept):
    keeper, station, _other = kept
    r = client_for(keeper, language="en").post(
        _url("keeper_status", station), {"status": "party", "note": "x" * 300}
    )
    assert r.status_code == 200
    assert 'class="errorlist' in r.content.decode()
    assert Station.objects.get(pk=station.pk).status == "open"


def test_keeper_sets_weekly_hours_per_day(world, kept):
    keeper, station, _other = kept
    data = _week(**{str(d): ("09:00", "17:00") for d in range(5)}, **{"5": ("20:00", "06:00")})
    r = client_for(keeper, language="en").post(_url("keeper_hours", station), data)
    assert r.status_code == 302
    rows = list(OpeningHours.objects.filter(station=station).values_list("weekday", "opens", "closes"))
    assert len(rows) == 6
    assert (5, datetime.time(20), datetime.time(6)) in rows
    assert not any(day == 6 for day, _o, _c in rows)


def test_keeper_sets_24_hours_and_hours_as_text(world, kept):
    keeper, station, _other = kept
    c = client_for(keeper, language="en")
    assert c.post(_url("keeper_hours", station), {"always_open": "on", "mode": "days"}).status_code == 302
    fresh = Station.objects.get(pk=station.pk)
    assert fresh.always_open and not OpeningHours.objects.filter(station=station).exists()
    r = c.post(
        _url("keeper_hours", station),
        {"mode": "text", "text": "周一至周五 08:00-12:00，周一至周五 14:00-18:00"},
    )
    assert r.status_code == 302
    assert OpeningHours.objects.filter(station=station).count() == 10
    assert not Station.objects.get(pk=station.pk).always_open
    html = c.get(_url("keeper_station", station)).content.decode()
    assert "more than one opening time" in html


@pytest.mark.parametrize(
    "data",
    [
        {"mode": "days", "opens_0": "09:00"},  # no closing time
        {"mode": "days", "opens_0": "25:00", "closes_0": "18:00"},
        {"mode": "days", **{f"closed_{d}": "on" for d in range(7)}},  # closed every day, not 24 h
        {"mode": "text", "text": "whenever"},
        {"mode": "text", "text": ""},
        {"mode": "text", "text": "08:00-18:00\x01"},  # control character: an error, not a 500
    ],
)
def test_bad_hours_show_an_error_and_write_nothing(world, kept, data):
    keeper, station, _other = kept
    before = list(OpeningHours.objects.filter(station=station).values_list("weekday", "opens", "closes"))
    r = client_for(keeper, language="en").post(_url("keeper_hours", station), data)
    assert r.status_code == 200
    assert "errorlist" in r.content.decode()
    after = list(OpeningHours.objects.filter(station=station).values_list("weekday", "opens", "closes"))
    assert after == before and len(before) == 5


def test_keeper_adds_and_removes_an_exception(world, kept):
    keeper, station, _other = kept
    c = client_for(keeper, language="en")
    day = timezone.localdate() + datetime.timedelta(days=3)
    r = c.post(
        _url("keeper_exception_add", station), {"date": day.isoformat(), "closed": "on", "note": "节日"}
    )
    assert r.status_code == 302
    exception = HoursException.objects.get(station=station)
    assert exception.closed and exception.note == "节日"
    r = c.post(
        _url("keeper_exception_add", station),
        {"date": day.isoformat(), "opens": "10:00", "closes": "14:00"},
    )
    assert r.status_code == 302
    exception = HoursException.objects.get(station=station)
    assert not exception.closed and exception.opens == datetime.time(10)
    assert "10:00" in c.get(_url("keeper_station", station)).content.decode()
    assert c.post(_url("keeper_exception_delete", station, exception.pk)).status_code == 302
    assert not HoursException.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {"date": ""},
        {"date": "2026-02-30", "closed": "on"},
        {"date": "2000-01-01", "closed": "on"},  # in the past
        {"date": "2099-01-01", "opens": "10:00"},  # not closed, no closing time
    ],
)
def test_bad_exception_writes_nothing(world, kept, data):
    keeper, station, _other = kept
    r = client_for(keeper, language="en").post(_url("keeper_exception_add", station), data)
    assert r.status_code == 200 and "errorlist" in r.content.decode()
    assert not HoursException.objects.exists()


def test_keeper_cannot_remove_another_stations_exception(city_admin, kept):
    keeper, station, other = kept
    day = timezone.localdate() + datetime.timedelta(days=1)
    from gonghui.stations.services import registry

    exception = registry.exception_set(actor=city_admin, station=other, date=day, closed=True)
    c = client_for(keeper, language="en")
    assert c.post(_url("keeper_exception_delete", station, exception.pk)).status_code == 404
    assert c.post(_url("keeper_exception_delete", other, exception.pk)).status_code == 404
    assert HoursException.objects.filter(pk=exception.pk).exists()


def test_keeper_marks_verified_today(world, kept):
    keeper, station, _other = kept
    assert client_for(keeper, language="en").post(_url("keeper_verify", station)).status_code == 302
    assert Station.objects.get(pk=station.pk).verified_on == timezone.localdate()


def test_keeper_uploads_and_deletes_a_photo(world, kept):
    keeper, station, other = kept
    c = client_for(keeper, language="en")
    r = c.post(_url("keeper_photo_add", station), {"photo": SimpleUploadedFile("door.png", PNG, "image/png")})
    assert r.status_code == 302
    photo = Photo.objects.get(station=station)
    assert photo.content_type == "image/png"
    assert c.post(_url("keeper_photo_delete", other, photo.pk)).status_code == 404
    assert c.post(_url("keeper_photo_delete", station, photo.pk)).status_code == 302
    assert not Photo.objects.exists()


def test_bad_photo_shows_an_error_and_writes_nothing(world, kept):
    keeper, station, _other = kept
    c = client_for(keeper, language="en")
    r = c.post(
        _url("keeper_photo_add", station), {"photo": SimpleUploadedFile("x.png", b"GIF89a....", "image/png")}
    )
    assert r.status_code == 200 and "JPEG or PNG" in r.content.decode()
    r = c.post(_url("keeper_photo_add", station), {})
    assert r.status_code == 200 and "errorlist" in r.content.decode()
    assert not Photo.objects.exists()


def test_keeper_pages_refuse_get_on_actions(world, kept):
    keeper, station, _other = kept
    assert client_for(keeper, language="en").get(_url("keeper_verify", station)).status_code == 405
