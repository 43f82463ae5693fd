"""Station API (docs/product.md §4.4): list, nearest (contract, CRS round trip, ordering, filters,
bad input), detail, and the officer/keeper writes with their permissions."""

import json

import pytest
from django.core.cache import cache
from django.test import Client, override_settings

from gonghui.core.models import AuditEntry
from gonghui.stations import geo, search
from gonghui.stations.api import NearestList
from gonghui.stations.models import OpeningHours, Station
from gonghui.stations.tests.helpers import BELL_TOWER, make_keeper, make_station
from gonghui.testing import api_for

pytestmark = pytest.mark.django_db

NEAREST_KEYS = {"id", "name", "distance_m", "lat", "lng", "open_now", "facilities"}


@pytest.fixture(autouse=True)
def _fresh_throttle():
    cache.clear()


def send(c, method, url, body=None):
    return getattr(c, method)(
        f"/api/v1/stations{url}", json.dumps(body or {}), content_type="application/json"
    )


@pytest.fixture
def three(world):
    a = make_station(
        world, "xian", name="钟楼驿站", lat=34.2611, lng=108.9422, facilities=["water", "microwave"]
    )
    b = make_station(
        world, "xian", name="大雁塔驿站", lat=34.2192, lng=108.9595, hours="周一至周五 08:30-18:00"
    )
    c = make_station(world, "baoji", name="宝鸡驿站", lat=34.3619, lng=107.2376, status="maintenance")
    return a, b, c


# --- nearest ---------------------------------------------------------------------------------


def test_nearest_contract_and_ordering(world, three):
    r = Client().get("/api/v1/stations/nearest", {"lat": "34.25", "lng": "108.95"})
    assert r.status_code == 200
    body = r.json()
    assert set(body) == {"items"}
    items = body["items"]
    assert [i["name"] for i in items] == ["钟楼驿站", "大雁塔驿站", "宝鸡驿站"]
    for item in items:
        assert set(item) == NEAREST_KEYS
        assert isinstance(item["distance_m"], int)
    hits = search.brute_force(34.25, 108.95)
    assert [i["id"] for i in items] == [str(h.station.pk) for h in hits]
    assert [i["distance_m"] for i in items] == [round(h.distance_m) for h in hits]
    assert items[0]["lat"] == pytest.approx(34.2611) and items[0]["lng"] == pytest.approx(108.9422)
    assert items[0]["facilities"] == ["water", "microwave"]
    assert items[2]["open_now"] is False  # under maintenance, but it counts without open_now
    # The view renders its result without ninja's validation: it must be exactly the
    # documented schema, field for field, and served as the rest of the API is.
    assert NearestList.model_validate(body).model_dump() == body
    assert r["Content-Type"] == "application/json; charset=utf-8"
    assert "钟楼驿站" in r.content.decode()  # Chinese as characters, like every API answer


def test_nearest_crs_round_trip(world, three):
    a = three[0]
    for crs in ("gcj02", "bd09"):
        q_lat, q_lng = geo.from_wgs84(a.lat, a.lng, crs)  # the caller stands at the station
        r = Client().get("/api/v1/stations/nearest", {"lat": q_lat, "lng": q_lng, "crs": crs, "limit": 1})
        item = r.json()["items"][0]
        assert item["id"] == str(a.pk) and item["distance_m"] == 0
        assert (item["lat"], item["lng"]) == pytest.approx((round(q_lat, 7), round(q_lng, 7)), abs=1e-7)
        assert geo.to_wgs84(item["lat"], item["lng"], crs) == pytest.approx((a.lat, a.lng), abs=2e-7)


def test_nearest_filters(world, three):
    a, b, c = three
    r = Client().get("/api/v1/stations/nearest", {"lat": "34.25", "lng": "108.95", "facility": "microwave"})
    assert [i["id"] for i in r.json()["items"]] == [str(a.pk)]
    r = Client().get("/api/v1/stations/nearest", {"lat": "34.25", "lng": "108.95", "open_now": "true"})
    ids = [i["id"] for i in r.json()["items"]]
    assert str(a.pk) in ids and str(c.pk) not in ids  # 24 h yes, maintenance never
    assert all(i["open_now"] for i in r.json()["items"])
    r = Client().get("/api/v1/stations/nearest", {"lat": "34.25", "lng": "108.95", "limit": "1"})
    assert len(r.json()["items"]) == 1


@pytest.mark.parametrize(
    "params,field",
    [
        ({"lng": "108.9"}, "lat"),
        ({"lat": "abc", "lng": "108.9"}, "lat"),
        ({"lat": "NaN", "lng": "108.9"}, "lat"),
        ({"lat": "91", "lng": "108.9"}, "lat"),
        ({"lat": "34", "lng": "180.5"}, "lng"),
        ({"lat": "34", "lng": "inf"}, "lng"),
        ({"lat": "34", "lng": "108", "crs": "utm"}, "crs"),
        ({"lat": "34", "lng": "108", "facility": "sauna"}, "facility"),
        ({"lat": "34", "lng": "108", "limit": "0"}, "limit"),
        ({"lat": "34", "lng": "108", "limit": "51"}, "limit"),
        ({"lat": "34", "lng": "108", "limit": "ten"}, "limit"),
        ({"lat": "34", "lng": "108", "open_now": "maybe"}, "open_now"),
    ],
)
def test_nearest_bad_input_is_400_naming_the_field(world, params, field):
    before = AuditEntry.objects.count()
    r = Client().get("/api/v1/stations/nearest", params)
    assert r.status_code == 400
    body = r.json()
    assert body["code"] and body["detail"].startswith(f"{field}:")
    assert field in {e["field"] for e in body["errors"]}
    assert AuditEntry.objects.count() == before and Station.objects.count() == 0


def test_nearest_names_every_bad_field_at_once_the_point_first_and_a_wrong_crs_once(world):
    r = Client().get("/api/v1/stations/nearest", {"lat": "91", "lng": "108", "crs": "utm", "limit": "0"})
    assert r.status_code == 400
    body = r.json()
    assert body["detail"].startswith("lat:") and body["code"] == "number_too_large"
    assert [e["field"] for e in body["errors"]] == ["lat", "crs", "limit"]


@override_settings(GONGHUI_STATIONS_NEAREST_RATE=3)
def test_nearest_is_throttled_per_client(world):
    c = Client()
    for _ in range(3):
        assert c.get("/api/v1/stations/nearest", {"lat": 34, "lng": 108}).status_code == 200
    r = c.get("/api/v1/stations/nearest", {"lat": 34, "lng": 108})
    assert r.status_code == 429 and r.json()["code"] == "throttled"


# --- list and detail -------------------------------------------------------------------------


def test_list_is_public_paginated_and_filtered(world, three):
    a, b, c = three
    r = Client().get("/api/v1/stations")
    body = r.json()
    assert r.status_code == 200 and body["count"] == 3 and len(body["items"]) == 3
    item = next(i for i in body["items"] if i["id"] == str(a.pk))
    assert set(item) >= {"id", "code", "name", "lat", "lng", "open_now", "facilities", "status", "tier",
                         "address", "organisation"}  # fmt: skip
    assert item["organisation"] == {"code": world.orgs["xian"].code, "name": world.orgs["xian"].name}
    assert (item["lat"], item["lng"]) == (34.2611, 108.9422)
    codes = lambda **p: {i["id"] for i in Client().get("/api/v1/stations", p).json()["items"]}  # noqa: E731
    assert codes(organisation=world.orgs["xian"].code) == {str(a.pk), str(b.pk)}
    assert codes(organisation=world.orgs["shaanxi"].code) == {str(a.pk), str(b.pk), str(c.pk)}
    assert codes(facility="microwave") == {str(a.pk)}
    assert codes(status="maintenance") == {str(c.pk)}
    assert codes(q="大雁塔") == {str(b.pk)}
    page = Client().get("/api/v1/stations", {"page_size": 2, "page": 2}).json()
    assert page["count"] == 3 and len(page["items"]) == 1
    gcj = Client().get("/api/v1/stations", {"crs": "gcj02", "q": "钟楼"}).json()["items"][0]
    assert (gcj["lat"], gcj["lng"]) == pytest.approx(geo.wgs84_to_gcj02(34.2611, 108.9422), abs=1e-7)
    for bad, field in (({"facility": "x"}, "facility"), ({"status": "x"}, "status"),
                       ({"organisation": "NOPE"}, "organisation"), ({"crs": "x"}, "crs")):  # fmt: skip
        r = Client().get("/api/v1/stations", bad)
        assert r.status_code == 400 and r.json()["detail"].startswith(field)


def test_detail_is_public_without_the_keeper(world):
    keeper = make_keeper(world)
    s = make_station(
        world, hours="周一至周五 08:30-18:00；周六 09:00-12:00", keeper=keeper, phone="029-87654321"
    )
    r = Client().get(f"/api/v1/stations/{s.pk}")
    body = r.json()
    assert r.status_code == 200
    assert body["hours_text"] == "周一至周五 08:30-18:00；周六 09:00-12:00"
    assert {"weekday": 5, "opens": "09:00", "closes": "12:00"} in body["hours"]
    assert body["phone"] == "029-87654321" and "keeper" not in body
    assert "keeper" not in json.dumps(body) and keeper.username not in json.dumps(body, ensure_ascii=False)
    assert Client().get("/api/v1/stations/00000000-0000-0000-0000-000000000000").status_code == 404


# --- writes ----------------------------------------------------------------------------------


def _create_body(world, **over):
    body = {"organisation": world.orgs["xian"].code, "name": "新驿站", "address": "雁塔路1号",
            "division_code": "610113", "lat": 34.22, "lng": 108.96, "hours": "24小时",
            "facilities": ["water"]}  # fmt: skip
    body.update(over)
    return body


def test_create_and_update_by_the_officer(world):
    c = api_for("xian_officer")
    r = send(c, "post", "", _create_body(world, crs="gcj02", lat=34.2231, lng=108.9650))
    assert r.status_code == 201, r.content
    body = r.json()
    s = Station.objects.get(pk=body["id"])
    assert (s.lat, s.lng) == pytest.approx(geo.gcj02_to_wgs84(34.2231, 108.9650), abs=1e-9)
    assert (s.cell_y, s.cell_x) == search.cell_of(s.lat, s.lng)
    r = send(c, "patch", f"/{s.pk}", {"name": "改名驿站", "lat": 34.3, "lng": 108.9})
    assert r.status_code == 200 and r.json()["name"] == "改名驿站"
    s.refresh_from_db()
    assert (s.lat, s.lng, (s.cell_y, s.cell_x)) == (34.3, 108.9, search.cell_of(34.3, 108.9))


def test_writes_need_sign_in(world):
    s = make_station(world)
    before = AuditEntry.objects.count()
    c = Client()
    assert send(c, "post", "", _create_body(world)).status_code == 401
    assert send(c, "patch", f"/{s.pk}", {"name": "x"}).status_code == 401
    assert send(c, "post", f"/{s.pk}/status", {"status": "closed"}).status_code == 401
    assert send(c, "put", f"/{s.pk}/hours", {"hours": "08:00-09:00"}).status_code == 401
    assert send(c, "post", f"/{s.pk}/verify").status_code == 401
    assert AuditEntry.objects.count() == before and Station.objects.count() == 1


def test_sibling_admin_gets_404_and_nothing_is_written(world):
    s = make_station(world, "xian")
    c = api_for("baoji")
    before = AuditEntry.objects.count()
    assert send(c, "post", "", _create_body(world)).status_code == 404
    assert send(c, "patch", f"/{s.pk}", {"name": "x"}).status_code == 404
    assert send(c, "post", f"/{s.pk}/status", {"status": "closed"}).status_code == 404
    assert send(c, "put", f"/{s.pk}/hours", {"hours": "08:00-09:00"}).status_code == 404
    assert send(c, "post", f"/{s.pk}/verify").status_code == 404
    s.refresh_from_db()
    assert (s.name, s.status, s.always_open, s.verified_on) != ("x", "closed", False, None)
    assert AuditEntry.objects.count() == before and Station.objects.count() == 1


def test_viewer_gets_403(world):
    s = make_station(world, "xian")
    c = api_for("xian_viewer")
    before = AuditEntry.objects.count()
    assert send(c, "post", "", _create_body(world)).status_code == 403
    assert send(c, "patch", f"/{s.pk}", {"name": "x"}).status_code == 403
    assert send(c, "post", f"/{s.pk}/status", {"status": "closed"}).status_code == 403
    assert send(c, "put", f"/{s.pk}/hours", {"hours": "bad"}).status_code == 403
    assert send(c, "post", f"/{s.pk}/verify").status_code == 403
    assert AuditEntry.objects.count() == before


def test_keeper_sets_status_hours_and_verifies_but_cannot_edit(world):
    keeper = make_keeper(world, "keeper1")
    s = make_station(world, keeper=keeper)
    c = api_for("keeper1")
    r = send(c, "post", f"/{s.pk}/status", {"status": "maintenance", "note": "换水管"})
    assert r.status_code == 200 and r.json()["status"] == "maintenance" and r.json()["note"] == "换水管"
    r = send(c, "put", f"/{s.pk}/hours", {"intervals": [{"weekday": 0, "opens": "20:00", "closes": "06:00"}]})
    assert r.status_code == 200 and r.json()["hours"] == [{"weekday": 0, "opens": "20:00", "closes": "06:00"}]
    r = send(c, "put", f"/{s.pk}/hours", {"hours": "周一至周五 08:30-18:00"})
    assert r.status_code == 200 and r.json()["hours_text"] == "周一至周五 08:30-18:00"
    r = send(c, "post", f"/{s.pk}/verify")
    assert r.status_code == 200 and r.json()["verified_on"]
    before = AuditEntry.objects.count()
    assert send(c, "patch", f"/{s.pk}", {"name": "x"}).status_code == 403
    other = make_station(world)
    assert send(c, "post", f"/{other.pk}/status", {"status": "closed"}).status_code == 404
    assert AuditEntry.objects.count() == before + 1  # only the other station's creation


@pytest.mark.parametrize(
    "body,field",
    [
        ({"lat": 95}, "lat"),
        ({"lng": "east"}, "lng"),
        ({"crs": "utm"}, "crs"),
        ({"facilities": ["sauna"]}, "facilities"),
        ({"hours": "sometimes"}, "hours"),
        ({"name": ""}, "name"),
    ],
)
def test_create_bad_input_is_400_and_nothing_written(world, body, field):
    c = api_for("xian")
    before = AuditEntry.objects.count()
    r = send(c, "post", "", _create_body(world, **body))
    assert r.status_code == 400, r.content
    assert r.json()["detail"].startswith(field)
    assert Station.objects.count() == 0 and AuditEntry.objects.count() == before


def test_bad_hours_and_status_are_400_and_nothing_written(world):
    s = make_station(world, hours="24小时")
    c = api_for("xian")
    before = AuditEntry.objects.count()
    r = send(c, "put", f"/{s.pk}/hours", {"intervals": [{"weekday": 7, "opens": "08:00", "closes": "09:00"}]})
    assert r.status_code == 400 and "weekday" in r.json()["detail"]
    r = send(c, "put", f"/{s.pk}/hours", {"intervals": [{"weekday": 1, "opens": "25:00", "closes": "09:00"}]})
    assert r.status_code == 400 and "opens" in r.json()["detail"]
    r = send(c, "post", f"/{s.pk}/status", {"status": "gone"})
    assert r.status_code == 400 and r.json()["detail"].startswith("status")
    r = send(c, "post", f"/{s.pk}/verify", {"on": "2999-01-01"})
    assert r.status_code == 400 and r.json()["detail"].startswith("on") and r.json()["code"] == "date_future"
    r = send(c, "patch", f"/{s.pk}", {"lat": 34.0})  # lat without lng
    assert r.status_code == 400 and r.json()["detail"].startswith("lng")
    s.refresh_from_db()
    assert s.always_open and s.status == "open" and s.verified_on is None and s.lat == BELL_TOWER[0]
    assert not OpeningHours.objects.filter(station=s).exists()
    assert AuditEntry.objects.count() == before


# --- control characters: a 400 naming the field, never a 500 --------------------------------


@pytest.mark.parametrize(
    "params,field",
    [
        ({"lat": "\x01", "lng": "108.9"}, "lat"),
        ({"lat": "34", "lng": "108\x7f"}, "lng"),
        ({"lat": "34", "lng": "108", "crs": "wgs84\x02"}, "crs"),
        ({"lat": "34", "lng": "108", "limit": "\x03"}, "limit"),
        ({"lat": "34", "lng": "108", "open_now": "\x04"}, "open_now"),
        ({"lat": "34", "lng": "108", "facility": "water\x05"}, "facility"),
    ],
)
def test_nearest_with_control_characters_is_400_naming_the_field(world, params, field):
    r = Client().get("/api/v1/stations/nearest", params)
    assert r.status_code == 400, r.content
    body = r.json()
    assert body["code"] == "control_characters" and body["detail"].startswith(f"{field}:")
    assert [e["field"] for e in body["errors"]] == [field]


@pytest.mark.parametrize(
    "body,field",
    [
        ({"lat": "\x01", "lng": 108.9}, "lat"),
        ({"lat": 34.2, "lng": 108.9, "crs": "\x01"}, "crs"),
        ({"facilities": ["water", "\x01"]}, "facilities"),
        ({"hours": "08:00-\x0118:00"}, "hours"),
        ({"name": "驿站\x01"}, "name"),
        ({"note": "\x1f"}, "note"),
    ],
)
def test_station_patch_with_control_characters_is_400_and_nothing_written(world, body, field):
    s = make_station(world, "xian")
    c = api_for("xian")
    before = AuditEntry.objects.count()
    r = send(c, "patch", f"/{s.pk}", body)
    assert r.status_code == 400, r.content
    assert r.json()["code"] == "control_characters" and r.json()["detail"].startswith(f"{field}:")
    fresh = Station.objects.get(pk=s.pk)
    assert (fresh.name, fresh.lat, fresh.lng, fresh.facilities) == (s.name, s.lat, s.lng, s.facilities)
    assert AuditEntry.objects.count() == before


@pytest.mark.parametrize(
    "body,field",
    [
        ({"lat": "\x01", "lng": "108.9"}, "lat"),
        ({"lat": "34.2", "lng": "108.9", "crs": "gcj02\x01"}, "crs"),
        ({"name": "\x01"}, "name"),
        ({"address": "路\x0b"}, "address"),
    ],
)
def test_suggestion_with_control_characters_is_400_and_nothing_written(world, body, field):
    from gonghui.stations.models import Suggestion

    payload = {
        "name": "小寨地铁站C口",
        "address": "长安中路",
        "division_code": "610113",
        "reason": "歇脚",
        **body,
    }
    before = AuditEntry.objects.count()
    r = Client().post("/api/v1/stations/suggestions", json.dumps(payload), content_type="application/json")
    assert r.status_code == 400, r.content
    assert r.json()["code"] == "control_characters" and r.json()["detail"].startswith(f"{field}:")
    assert Suggestion.objects.count() == 0 and AuditEntry.objects.count() == before
