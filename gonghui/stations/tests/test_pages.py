"""Public station pages: find the nearest open station (plain GET, works without JS), the
station page, its photos and the map."""

import datetime
import json
import re

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from gonghui.stations import geo
from gonghui.stations.models import Photo
from gonghui.stations.services import registry
from gonghui.stations.tests.helpers import BAOJI_CENTRE, BELL_TOWER, BIG_GOOSE_PAGODA, make_station
from gonghui.stations.views import pages
from gonghui.testing import PNG

FIND = reverse("stations:find")
FAKE_TILES = "https://tiles.invalid/{z}/{x}/{y}.png"


def _names(html: str) -> list[str]:
    return re.findall(r'class="station-name" href="[^"]+">([^<]+)</a>', html)


@pytest.fixture(autouse=True)
def _fresh_cache(db):
    cache.clear()  # the district list is cached between requests
    yield
    cache.clear()


@pytest.fixture
def three(world):
    """Three stations at increasing distance from the Bell Tower; the middle one closed."""
    near = make_station(world, name="钟楼驿站", lat=BELL_TOWER[0] + 0.001, lng=BELL_TOWER[1])
    middle = make_station(
        world, name="南门驿站", lat=BELL_TOWER[0] - 0.02, lng=BELL_TOWER[1], status="closed",
        facilities=["water", "microwave"],
    )  # fmt: skip
    far = make_station(
        world, name="大雁塔驿站", lat=BIG_GOOSE_PAGODA[0], lng=BIG_GOOSE_PAGODA[1], facilities=["microwave"]
    )
    return near, middle, far


def test_find_page_without_location_shows_button_and_fallback(world, three):
    r = Client(HTTP_ACCEPT_LANGUAGE="en").get(FIND)
    assert r.status_code == 200
    html = r.content.decode()
    assert 'id="locate"' in html and 'id="fallback"' in html
    assert 'name="district"' in html and 'value="610113"' in html  # district with stations
    assert 'name="open" value="1" checked' in html  # open now only: on by default
    assert "station-results" not in html


def test_find_lists_stations_by_distance_open_now_only_by_default(world, three):
    near, middle, far = three
    r = Client(HTTP_ACCEPT_LANGUAGE="en").get(
        FIND, {"lat": BELL_TOWER[0], "lng": BELL_TOWER[1], "crs": "wgs84"}
    )
    assert r.status_code == 200
    html = r.content.decode()
    assert _names(html) == ["钟楼驿站", "大雁塔驿站"]  # the closed one left out
    assert "111 m" in html  # 0.001° of latitude
    assert "open now" in html
    # the plain form, unticked "open now only" (JS off): closed stations too, in distance order
    r = Client(HTTP_ACCEPT_LANGUAGE="en").get(FIND, {"sent": "1", "lat": BELL_TOWER[0], "lng": BELL_TOWER[1]})
    assert _names(r.content.decode()) == ["钟楼驿站", "南门驿站", "大雁塔驿站"]
    assert "closed now" in r.content.decode()


def test_find_result_has_navigation_links_in_map_app_coordinates(world, three):
    near = three[0]
    html = (
        Client(HTTP_ACCEPT_LANGUAGE="en")
        .get(FIND, {"lat": BELL_TOWER[0], "lng": BELL_TOWER[1]})
        .content.decode()
    )
    g_lat, g_lng = geo.from_wgs84(near.lat, near.lng, "gcj02")
    b_lat, b_lng = geo.from_wgs84(near.lat, near.lng, "bd09")
    assert f"https://uri.amap.com/marker?position={g_lng:.6f},{g_lat:.6f}&amp;name=" in html
    assert f"https://api.map.baidu.com/marker?location={b_lat:.6f},{b_lng:.6f}&amp;title=" in html
    assert f"geo:{near.lat:.6f},{near.lng:.6f}" in html


def test_find_facility_filter(world, three):
    r = Client(HTTP_ACCEPT_LANGUAGE="en").get(
        FIND, {"sent": "1", "facility": "microwave", "lat": BELL_TOWER[0], "lng": BELL_TOWER[1]}
    )
    assert _names(r.content.decode()) == ["南门驿站", "大雁塔驿站"]
    r = Client(HTTP_ACCEPT_LANGUAGE="en").get(
        FIND, {"sent": "1", "open": "1", "facility": "microwave", "lat": BELL_TOWER[0], "lng": BELL_TOWER[1]}
    )
    assert _names(r.content.decode()) == ["大雁塔驿站"]


def test_find_accepts_gcj02_coordinates(world, three):
    g_lat, g_lng = geo.from_wgs84(three[0].lat, three[0].lng, "gcj02")
    r = Client(HTTP_ACCEPT_LANGUAGE="en").get(FIND, {"lat": g_lat, "lng": g_lng, "crs": "gcj02"})
    assert _names(r.content.decode())[0] == "钟楼驿站"
    assert re.search(r'class="distance">[0-9] m<', r.content.decode())  # back on the station


def test_find_by_district_uses_the_mean_of_its_stations(world, three):
    make_station(world, "baoji", name="宝鸡驿站", lat=BAOJI_CENTRE[0], lng=BAOJI_CENTRE[1])
    r = Client(HTTP_ACCEPT_LANGUAGE="en").get(FIND, {"sent": "1", "district": "610302", "use": "district"})
    assert r.status_code == 200
    assert _names(r.content.decode())[0] == "宝鸡驿站"
    assert "0 m" in r.content.decode()


@pytest.mark.parametrize(
    "params",
    [
        {"lat": "abc", "lng": "108.9"},
        {"lat": "91", "lng": "108.9"},
        {"lat": "34.2", "lng": "-181"},
        {"lat": "34.2", "lng": ""},
        {"lat": "nan", "lng": "108.9"},
        {"lat": "34.2", "lng": "108.9", "crs": "mars"},
        {"district": "999999", "use": "district"},
        # control characters: an error on the page, not a 500
        {"lat": "\x01", "lng": "108.9"},
        {"lat": "34.2", "lng": "108.9", "crs": "wgs84\x01"},
    ],
)
def test_find_bad_place_is_a_400_with_the_fallback(world, three, params):
    r = Client(HTTP_ACCEPT_LANGUAGE="en").get(FIND, params)
    assert r.status_code == 400
    html = r.content.decode()
    assert 'id="find-errors"' in html
    assert 'id="fallback" open' in html
    assert "station-results" not in html


def test_station_page_shows_everything(world, city_officer, city_admin):
    keeper = city_officer
    station = make_station(
        world,
        name="钟楼驿站",
        hours="周一至周五 08:30-18:00",
        facilities=["water", "microwave"],
        six_has=["sign", "place", "rules"],
        phone="029-12345678",
        host_unit="某银行钟楼支行",
        tier="model",
        keeper=keeper,
    )
    registry.status_set(actor=city_admin, station=station, status="maintenance", note="更换饮水机")
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    registry.exception_set(actor=city_admin, station=station, date=tomorrow, closed=True, note="停电")
    r = Client(HTTP_ACCEPT_LANGUAGE="en").get(reverse("stations:detail", args=[station.code]))
    assert r.status_code == 200
    html = r.content.decode()
    for text in ("钟楼驿站", "更换饮水机", "周一至周五 08:30-18:00", "08:30–18:00", "停电", "029-12345678",
                 "某银行钟楼支行", "3 of 6", "drinking water", "uri.amap.com", "geo:"):  # fmt: skip
        assert text in html, text
    assert 'id="stale"' in html  # never verified
    assert 'class="station-actions"' in html  # the reports helper's actions
    assert "closed now" in html  # under maintenance
    markers = json.loads(re.search(r'id="station-markers"[^>]*>(.*?)</script>', html).group(1))
    assert markers[0]["code"] == station.code


def test_station_page_recently_verified_is_not_stale(world):
    station = make_station(world, verified_on=timezone.localdate() - datetime.timedelta(days=10))
    html = (
        Client(HTTP_ACCEPT_LANGUAGE="en")
        .get(reverse("stations:detail", args=[station.code]))
        .content.decode()
    )
    assert 'id="stale"' not in html


def test_unknown_or_inactive_station_is_404(world):
    station = make_station(world)
    station.is_active = False
    station.save()
    assert (
        Client(HTTP_ACCEPT_LANGUAGE="en").get(reverse("stations:detail", args=[station.code])).status_code
        == 404
    )
    assert (
        Client(HTTP_ACCEPT_LANGUAGE="en").get(reverse("stations:detail", args=["000000-00000"])).status_code
        == 404
    )


def test_photo_is_served_publicly_with_its_type(world, city_admin):
    from django.core.files.uploadedfile import SimpleUploadedFile

    station = make_station(world)
    other = make_station(world)
    photo = registry.photo_add(
        actor=city_admin, station=station, upload=SimpleUploadedFile("a.png", PNG, "image/png")
    )
    r = Client(HTTP_ACCEPT_LANGUAGE="en").get(reverse("stations:photo", args=[station.code, photo.pk]))
    assert r.status_code == 200
    assert r["Content-Type"] == "image/png" and r["X-Content-Type-Options"] == "nosniff"
    assert r.content == PNG
    assert (
        Client(HTTP_ACCEPT_LANGUAGE="en")
        .get(reverse("stations:photo", args=[other.code, photo.pk]))
        .status_code
        == 404
    )
    html = (
        Client(HTTP_ACCEPT_LANGUAGE="en")
        .get(reverse("stations:detail", args=[station.code]))
        .content.decode()
    )
    assert reverse("stations:photo", args=[station.code, photo.pk]) in html
    assert Photo.objects.count() == 1


def _markers(html):
    return json.loads(re.search(r'id="station-markers"[^>]*>(.*?)</script>', html).group(1))


def _settings(html):
    return json.loads(re.search(r'id="map-settings"[^>]*>(.*?)</script>', html).group(1))


def test_map_without_tiles_shows_a_note(world, three, settings):
    settings.GONGHUI_MAP_TILE_URL = ""
    r = Client(HTTP_ACCEPT_LANGUAGE="en").get(reverse("stations:map"))
    assert r.status_code == 200
    html = r.content.decode()
    assert 'id="no-tiles"' in html
    assert "vendor/leaflet/leaflet.js" in html
    markers = _markers(html)
    assert {m["name"]: m["open"] for m in markers} == {
        "钟楼驿站": True,
        "南门驿站": False,
        "大雁塔驿站": True,
    }
    assert _settings(html)["tiles"] == ""


def test_map_tiles_in_gcj02_shift_the_markers(world, three, settings):
    settings.GONGHUI_MAP_TILE_URL = FAKE_TILES
    settings.GONGHUI_MAP_TILE_ATTRIBUTION = "© test"
    settings.GONGHUI_MAP_TILE_CRS = "gcj02"
    html = Client(HTTP_ACCEPT_LANGUAGE="en").get(reverse("stations:map")).content.decode()
    assert 'id="no-tiles"' not in html
    assert _settings(html) | {} == _settings(html) and _settings(html)["tiles"] == FAKE_TILES
    near = three[0]
    marker = next(m for m in _markers(html) if m["code"] == near.code)
    g_lat, g_lng = geo.from_wgs84(near.lat, near.lng, "gcj02")
    assert (marker["lat"], marker["lng"]) == (round(g_lat, 6), round(g_lng, 6))
    assert marker["url"] == reverse("stations:detail", args=[near.code])
    settings.GONGHUI_MAP_TILE_CRS = "wgs84"
    marker = next(
        m
        for m in _markers(Client(HTTP_ACCEPT_LANGUAGE="en").get(reverse("stations:map")).content.decode())
        if m["code"] == near.code
    )
    assert (marker["lat"], marker["lng"]) == (round(near.lat, 6), round(near.lng, 6))


def test_map_caps_the_markers_and_says_so(world, three, monkeypatch):
    monkeypatch.setattr(pages, "MAP_MARKER_LIMIT", 2)
    html = Client(HTTP_ACCEPT_LANGUAGE="en").get(reverse("stations:map")).content.decode()
    assert len(_markers(html)) == 2
    assert "Showing the first 2 of 3 stations" in html


def test_district_list_is_cached_between_requests(world, three, django_assert_max_num_queries):
    Client(HTTP_ACCEPT_LANGUAGE="en").get(FIND)
    make_station(world, "baoji", name="宝鸡驿站", lat=BAOJI_CENTRE[0], lng=BAOJI_CENTRE[1])
    with django_assert_max_num_queries(2):  # session/auth only: no aggregate over the stations
        html = Client(HTTP_ACCEPT_LANGUAGE="en").get(FIND).content.decode()
    assert 'value="610302"' not in html  # until the cache expires
    cache.clear()
    assert 'value="610302"' in Client(HTTP_ACCEPT_LANGUAGE="en").get(FIND).content.decode()


def test_find_queries_do_not_grow_with_the_results(world, django_assert_max_num_queries):
    from gonghui.stations.tests.helpers import bulk_stations

    bulk_stations(world.orgs["xian"], [(BELL_TOWER[0] + i * 0.001, BELL_TOWER[1]) for i in range(30)])
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.get(FIND)  # warm the district cache
    with django_assert_max_num_queries(8):  # the search's reads + one page of prefetches
        html = client.get(FIND, {"lat": BELL_TOWER[0], "lng": BELL_TOWER[1]}).content.decode()
    assert len(_names(html)) == pages.RESULT_LIMIT


def test_a_refused_photo_answers_the_file_codes_of_every_app_and_writes_nothing(
    world, city_admin, monkeypatch
):
    from django.core.exceptions import ValidationError
    from django.core.files.uploadedfile import SimpleUploadedFile

    station = make_station(world)

    def code_of(content: bytes) -> str:
        with pytest.raises(ValidationError) as exc:
            registry.photo_add(actor=city_admin, station=station, upload=SimpleUploadedFile("a.png", content))
        return exc.value.error_dict["photo"][0].code

    assert code_of(b"GIF89a....") == "file_type"
    monkeypatch.setattr(registry, "PHOTO_MAX_BYTES", len(PNG) - 1)
    assert code_of(PNG) == "file_too_large"
    monkeypatch.setattr(registry, "PHOTO_MAX_BYTES", 5 * 1024 * 1024)
    monkeypatch.setattr(registry, "MAX_PHOTOS", 0)
    assert code_of(PNG) == "too_many_files"
    assert Photo.objects.count() == 0
