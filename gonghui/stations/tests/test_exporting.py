"""Station export: GeoJSON (RFC 7946), the POI sheet for map providers, the registry sheet and
its round trip through the importer, scoping."""

import csv
import io
import json
import zipfile

import pytest
from django.utils import translation
from openpyxl import load_workbook

from gonghui.stations import geo
from gonghui.stations.models import Station
from gonghui.stations.services import exporting, fields, importing
from gonghui.stations.tests.helpers import BAOJI_CENTRE, BELL_TOWER, BIG_GOOSE_PAGODA, make_station

GEOJSON = "/api/v1/stations/export.geojson"
POI = "/api/v1/stations/export.poi"
REGISTRY = "/api/v1/stations/export.registry"


@pytest.fixture(autouse=True)
def _english(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    with translation.override("en"):
        yield


@pytest.fixture
def stations(world):
    """Two public stations of 雁塔, one closed and one inactive in 西安, one public in 宝鸡."""
    s = {
        "bell": make_station(
            world,
            "xian",
            name="钟楼工会驿站",
            lat=BELL_TOWER[0],
            lng=BELL_TOWER[1],
            hours="周一至周五 08:30-17:30；周六 09:00-16:00",
            facilities=["seating", "water", "microwave"],
            host_unit="某银行钟楼支行",
            phone="029-87000000",
            six_has=["sign", "place", "staff"],
            verified_on="2026-03-01",
            tier="standard",
        ),
        "pagoda": make_station(
            world, "yanta", name="大雁塔加油站驿站", lat=BIG_GOOSE_PAGODA[0], lng=BIG_GOOSE_PAGODA[1]
        ),
        "closed": make_station(world, "xian", name="已关闭驿站", lat=34.30, lng=108.90, status="closed"),
        "gone": make_station(world, "xian", name="已撤销驿站", lat=34.31, lng=108.91),
        "baoji": make_station(
            world, "baoji", name="宝鸡驿站", lat=BAOJI_CENTRE[0], lng=BAOJI_CENTRE[1], division_code="610302"
        ),
    }
    Station.objects.filter(pk=s["gone"].pk).update(is_active=False)
    return s


def _body(response) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def _geojson(client, **params):
    response = client.get(GEOJSON, params)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/geo+json"
    return json.loads(_body(response))


# --- GeoJSON ---------------------------------------------------------------------------------


def test_geojson_structure_and_coordinate_order(client, stations):
    data = _geojson(client)
    assert data["type"] == "FeatureCollection"
    by_name = {f["properties"]["name"]: f for f in data["features"]}
    bell = by_name["钟楼工会驿站"]
    assert bell["type"] == "Feature"
    assert bell["geometry"] == {"type": "Point", "coordinates": [BELL_TOWER[1], BELL_TOWER[0]]}  # [lng, lat]
    props = bell["properties"]
    assert set(props) >= {
        "id", "code", "name", "address", "host_unit", "status", "hours", "facilities", "tier",
        "six_has_score", "phone", "union", "verified_on",
    }  # fmt: skip
    assert props["id"] == str(stations["bell"].id)
    assert props["code"] == stations["bell"].code
    assert props["hours"] == "周一至周五 08:30-17:30；周六 09:00-16:00"
    assert props["facilities"] == ["seating", "water", "microwave"]
    assert props["six_has_score"] == 3
    assert props["union"] == "西安市总工会"
    assert props["verified_on"] == "2026-03-01"
    assert props["tier"] == "standard" and props["status"] == "open"
    assert by_name["大雁塔加油站驿站"]["properties"]["hours"] == "24小时"


def test_public_geojson_has_only_active_stations_and_public_fields(client, stations):
    names = {f["properties"]["name"] for f in _geojson(client)["features"]}
    assert names == {"钟楼工会驿站", "大雁塔加油站驿站", "宝鸡驿站"}
    for feature in _geojson(client)["features"]:
        assert "is_active" not in feature["properties"]
        assert "union_code" not in feature["properties"]


def test_sibling_admin_sees_only_public_data_of_the_other_city(client, sibling_city_admin, stations):
    client.force_login(sibling_city_admin)
    public = {f["properties"]["name"] for f in _geojson(client)["features"]}
    assert public == {"钟楼工会驿站", "大雁塔加油站驿站", "宝鸡驿站"}
    subtree = {f["properties"]["name"] for f in _geojson(client, scope="subtree")["features"]}
    assert subtree == {"宝鸡驿站"}


def test_officer_subtree_includes_closed_and_inactive(client, city_officer, stations):
    client.force_login(city_officer)
    features = _geojson(client, scope="subtree")["features"]
    by_name = {f["properties"]["name"]: f["properties"] for f in features}
    assert set(by_name) == {"钟楼工会驿站", "大雁塔加油站驿站", "已关闭驿站", "已撤销驿站"}
    assert by_name["已关闭驿站"]["status"] == "closed"
    assert by_name["已撤销驿站"]["is_active"] is False
    only_yanta = _geojson(client, scope="subtree", union="610113")["features"]
    assert [f["properties"]["name"] for f in only_yanta] == ["大雁塔加油站驿站"]


def test_subtree_scope_errors(client, member_user, city_officer, stations):
    assert client.get(GEOJSON, {"scope": "subtree"}).status_code == 403  # anonymous
    client.force_login(member_user)
    assert client.get(GEOJSON, {"scope": "subtree"}).status_code == 403
    client.force_login(city_officer)
    assert client.get(GEOJSON, {"scope": "subtree", "union": "610300"}).status_code == 404  # 宝鸡
    response = client.get(GEOJSON, {"scope": "everything"})
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "scope"


# --- POI sheet -------------------------------------------------------------------------------


def _poi_csv(client, **params) -> list[dict]:
    response = client.get(POI, {"format": "csv", **params})
    assert response.status_code == 200, response.content
    text = _body(response).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))


def _poi_xlsx(client, **params) -> list[dict]:
    response = client.get(POI, {"format": "xlsx", **params})
    assert response.status_code == 200, response.content
    sheet = load_workbook(io.BytesIO(_body(response))).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    return [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]


@pytest.mark.parametrize("crs", ["gcj02", "bd09", "wgs84"])
def test_poi_sheet_coordinates_are_converted(client, stations, crs):
    lat, lng = geo.from_wgs84(BELL_TOWER[0], BELL_TOWER[1], crs)
    for rows in (_poi_csv(client, crs=crs), _poi_xlsx(client, crs=crs)):
        bell = next(r for r in rows if r["名称"] == "钟楼工会驿站")
        assert float(bell["经度"]) == round(lng, 6)
        assert float(bell["纬度"]) == round(lat, 6)
        assert bell["坐标系"] == exporting.CRS_LABEL[crs]
    if crs != "wgs84":  # in China the shift is a few hundred metres
        assert geo.haversine_m(lat, lng, *BELL_TOWER) > 100


def test_poi_sheet_columns_and_default_gcj02(client, stations):
    rows = _poi_xlsx(client)
    assert list(rows[0]) == exporting.POI_HEADERS
    bell = next(r for r in rows if r["名称"] == "钟楼工会驿站")
    lat, lng = geo.wgs84_to_gcj02(*BELL_TOWER)
    assert (bell["纬度"], bell["经度"], bell["坐标系"]) == (round(lat, 6), round(lng, 6), "GCJ02")
    assert bell["分类"] == "工会驿站;户外劳动者服务站点"
    assert bell["标签"] == "座椅、饮用水、微波炉"
    assert bell["营业时间"] == "周一至周五 08:30-17:30；周六 09:00-16:00"
    assert bell["电话"] == "029-87000000"
    assert (bell["省"], bell["市"], bell["区"]) == ("陕西省", "西安市", "雁塔区")
    baoji = next(r for r in rows if r["名称"] == "宝鸡驿站")
    assert (baoji["省"], baoji["市"], baoji["区"]) == ("陕西省", "宝鸡市", "渭滨区")
    assert {r["名称"] for r in rows} == {"钟楼工会驿站", "大雁塔加油站驿站", "宝鸡驿站"}


def test_poi_sheet_bad_options(client, stations):
    response = client.get(POI, {"crs": "cgcs2000"})
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "crs"
    response = client.get(POI, {"format": "pdf"})
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "format"


def test_sheets_are_formula_injection_safe(client, world):
    make_station(world, "xian", name='=HYPERLINK("http://x","y")', host_unit="+1+1", address="@SUM(A1)")
    rows = _poi_csv(client)
    assert rows[0]["名称"] == '\'=HYPERLINK("http://x","y")'
    assert rows[0]["地址"] == "'@SUM(A1)"
    response = client.get(POI, {"format": "xlsx"})
    with zipfile.ZipFile(io.BytesIO(_body(response))) as zf:
        sheet_xml = zf.read("xl/worksheets/sheet1.xml").decode("utf-8")
    assert "<f>" not in sheet_xml and "<f " not in sheet_xml
    assert _poi_xlsx(client)[0]["名称"] == '=HYPERLINK("http://x","y")'  # kept as text


# --- round trip ------------------------------------------------------------------------------


def _snapshot():
    return sorted(
        (
            s.name,
            s.lat,
            s.lng,
            fields.format_hours(s),
            tuple(s.facilities),
            s.status,
            s.tier,
            s.organisation_id,
        )
        for s in Station.objects.prefetch_related("hours")
    )


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_export_then_import_gives_the_same_stations(client, world, city_officer, tmp_path, fmt):
    make_station(
        world, "yanta", name="雁塔区小寨工会驿站", lat=34.22365123, lng=108.94752987,
        hours="周一至周五 08:30-17:30；周六 09:00-16:00", facilities=["seating", "water", "charging"],
        six_has=["sign", "rules"], phone="+86 29 8526 0000",
    )  # fmt: skip
    make_station(world, "xian", name="=夜班驿站", lat=34.3, lng=108.95, hours="周一至周日 20:00-06:00")
    make_station(world, "xian", name="全天驿站", lat=34.25, lng=109.01, hours="24小时", status="maintenance")
    before = _snapshot()
    officer = city_officer
    client.force_login(officer)
    response = client.get(REGISTRY, {"format": fmt, "scope": "subtree"})
    assert response.status_code == 200
    path = tmp_path / f"export.{fmt}"
    path.write_bytes(_body(response))

    Station.objects.all().delete()
    preview = importing.check(officer, str(path))
    assert preview.ok, [(e.row, e.field, e.message) for e in preview.errors]
    importing.commit(actor=officer, path=str(path))
    after = _snapshot()
    assert len(after) == len(before) == 3
    for (n1, lat1, lng1, *rest1), (n2, lat2, lng2, *rest2) in zip(before, after, strict=True):
        assert n1 == n2
        assert abs(lat1 - lat2) <= 1e-6 and abs(lng1 - lng2) <= 1e-6
        assert rest1 == rest2
    phone = Station.objects.get(name="雁塔区小寨工会驿站").phone
    assert phone == "+86 29 8526 0000"


def test_geojson_coordinates_match_the_import(client, city_officer, tmp_path):
    """GeoJSON [lng, lat] of an imported row are the row's WGS-84 coordinates."""
    from gonghui.stations.tests.helpers_io import csv_bytes, row, write

    officer = city_officer
    importing.commit(actor=officer, path=write(tmp_path, csv_bytes([row(纬度="34.2236", 经度="108.9475")])))
    [feature] = _geojson(client)["features"]
    assert feature["geometry"]["coordinates"] == [108.9475, 34.2236]
