"""Station import: every row checked, all or nothing, each bad input a clear error with nothing
written."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from gonghui.core.models import AuditEntry
from gonghui.stations import geo, search
from gonghui.stations.models import OpeningHours, Station
from gonghui.stations.services import fields, importing, registry
from gonghui.stations.tests.helpers import make_station
from gonghui.stations.tests.helpers_io import csv_bytes, row, spread, write, xlsx_bytes


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    with translation.override("en"):
        yield


@pytest.fixture
def officer(city_officer):
    return city_officer


def refused(user, path, *, code: str = "", field: str = "", contains: str = "", row: int | None = None):
    """The file is refused (a file error with ``code``, or a row error on ``field``), the
    confirmation raises, and no station exists."""
    preview = importing.check(user, path)
    assert not preview.ok
    assert preview.rows == []
    if code:
        assert preview.code == code, preview.error
        assert contains in preview.error
    else:
        assert preview.error == ""
        matching = [e for e in preview.errors if e.field == field and (row is None or e.row == row)]
        assert matching, [(e.row, e.field, e.message) for e in preview.errors]
        assert any(contains in e.message for e in matching), [e.message for e in matching]
    with pytest.raises(ValidationError):
        importing.commit(actor=user, path=path)
    assert Station.objects.count() == 0
    assert OpeningHours.objects.count() == 0
    return preview


# --- good files ------------------------------------------------------------------------------


def test_csv_utf8_imports_every_field(world, officer, tmp_path):
    path = write(tmp_path, csv_bytes([row()]))
    preview = importing.check(officer, path)
    assert preview.ok, [(e.row, e.field, e.message) for e in preview.errors]
    assert preview.total == 1
    created = importing.commit(actor=officer, path=path, file_name="stations.csv")
    assert len(created) == 1
    station = Station.objects.get()
    assert station.name == "雁塔区测试驿站"
    assert station.organisation == world.orgs["yanta"]
    assert station.division_code == "610113"
    assert (station.lat, station.lng) == (34.2236, 108.9475)
    assert station.facilities == ["seating", "water", "microwave"]
    assert station.tier == "standard"
    assert station.status == "open"
    assert station.six_has == ["sign", "place"] and station.six_has_score == 2
    assert station.verified_on == datetime.date(2026, 1, 5)
    assert fields.format_hours(station) == "周一至周五 08:30-17:30；周六 09:00-16:00"
    assert AuditEntry.objects.filter(action="stations.import.finished").count() == 1
    assert AuditEntry.objects.filter(action="stations.station.created").count() == 1


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gb18030"])
def test_csv_with_bom_and_gb18030(world, officer, tmp_path, encoding):
    path = write(tmp_path, csv_bytes(spread(3), encoding=encoding))
    assert importing.check(officer, path).ok
    assert len(importing.commit(actor=officer, path=path)) == 3
    assert set(Station.objects.values_list("name", flat=True)) == {f"雁塔区测试驿站{i}" for i in range(3)}


def test_xlsx_with_numbers_dates_and_english_headers(world, officer, tmp_path):
    english = [
        "name",
        "union",
        "division_code",
        "address",
        "lat",
        "lng",
        "crs",
        "hours",
        "facilities",
        "verified_on",
    ]
    rows = [
        {
            "name": "未央区张家堡加油站驿站",
            "union": 610113,  # a code typed as a number
            "division_code": 610113,
            "address": "未央路1号",
            "lat": 34.3301,
            "lng": 108.9462,
            "crs": "wgs-84",
            "hours": "24小时",
            "facilities": "water,charging",
            "verified_on": datetime.datetime(2025, 12, 1),
        }
    ]
    path = write(tmp_path, xlsx_bytes(rows, headers=english), "stations.xlsx")
    preview = importing.check(officer, path)
    assert preview.ok, [(e.row, e.field, e.message) for e in preview.errors]
    importing.commit(actor=officer, path=path)
    station = Station.objects.get()
    assert station.always_open is True
    assert station.facilities == ["water", "charging"]
    assert station.verified_on == datetime.date(2025, 12, 1)
    assert station.status == "open" and station.tier == "ordinary"


def test_gcj02_coordinates_are_stored_as_wgs84(world, officer, tmp_path):
    g_lat, g_lng = geo.wgs84_to_gcj02(34.2236, 108.9475)
    path = write(tmp_path, csv_bytes([row(纬度=f"{g_lat:.9f}", 经度=f"{g_lng:.9f}", 坐标系="GCJ02")]))
    importing.commit(actor=officer, path=path)
    station = Station.objects.get()
    assert abs(station.lat - 34.2236) < 1e-7 and abs(station.lng - 108.9475) < 1e-7


def test_the_templates_read_back(world, tmp_path):
    operator = world.users["operator"]
    for name, data in (("t.csv", importing.template_csv()), ("t.xlsx", importing.template_xlsx())):
        preview = importing.check(operator, write(tmp_path, data, name))
        assert preview.total == 2
        # the test tree has 雁塔区 (610113) but not 碑林区 (610103): only that error
        assert [(e.row, e.field) for e in preview.errors] == [(3, "union")], name


# --- whole-file errors -----------------------------------------------------------------------


def test_empty_file(world, officer, tmp_path):
    refused(officer, write(tmp_path, b""), code="empty", contains="empty")


def test_blank_lines_only_is_empty(world, officer, tmp_path):
    refused(officer, write(tmp_path, b"\n\n,,\n"), code="empty")


def test_header_without_rows(world, officer, tmp_path):
    refused(officer, write(tmp_path, csv_bytes([])), code="no_rows", contains="no stations")


def test_wrong_encoding_utf16(world, officer, tmp_path):
    data = csv_bytes([row()]).decode("utf-8").encode("utf-16")
    refused(officer, write(tmp_path, data), code="encoding", contains="UTF-16")


def test_unrecognised_encoding(world, officer, tmp_path):
    # neither UTF-8 nor GB18030 (0x80 and 0xff cannot start a character in either)
    data = csv_bytes([row()]) + b"\x80\xff\x80\xff\n"
    refused(officer, write(tmp_path, data), code="encoding", contains="encoding")


def test_damaged_xlsx(world, officer, tmp_path):
    data = xlsx_bytes([row()])[:300]
    refused(officer, write(tmp_path, data, "cut.xlsx"), code="damaged", contains="damaged")


def test_binary_file_is_not_a_table(world, officer, tmp_path):
    refused(officer, write(tmp_path, b"\x89PNG\r\n\x1a\n\x00\x00\x00", "x.csv"), code="not_a_table")


def test_missing_required_column(world, officer, tmp_path):
    headers = [h for h in importing.template_headers() if h != "开放时间"]
    path = write(tmp_path, csv_bytes([row()], headers=headers))
    refused(officer, path, code="missing_columns", contains="开放时间")


def test_oversized_file(world, officer, tmp_path, settings):
    settings.GONGHUI_STATION_IMPORT_MAX_BYTES = 1000
    path = write(tmp_path, csv_bytes(spread(20)))
    refused(officer, path, code="file_too_large", contains="MB")


def test_too_many_rows(world, officer, tmp_path, settings):
    settings.GONGHUI_STATION_IMPORT_MAX_ROWS = 3
    path = write(tmp_path, csv_bytes(spread(4)))
    refused(officer, path, code="too_many_rows", contains="3")


def test_default_limits():
    assert importing.max_bytes() == 16 * 1024 * 1024
    assert importing.max_rows() == 20_000


# --- row errors ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "field", "text"),
    [
        ({"纬度": "abc"}, "lat", "number"),
        ({"纬度": "95"}, "lat", "between"),
        ({"经度": ""}, "lng", "number"),
        ({"经度": "200.5"}, "lng", "between"),
        ({"坐标系": "CGCS2000"}, "crs", "wgs84"),
        ({"开放时间": "早上八点到晚上"}, "hours", "Cannot read the opening hours"),
        ({"开放时间": "周一至周五 08:30-25:00"}, "hours", "Cannot read"),
        ({"开放时间": ""}, "hours", "Give the opening hours"),
        ({"设施": "座椅、游泳池"}, "facilities", "游泳池"),
        ({"六有": "有标识、有游泳池"}, "six_has", "有游泳池"),
        ({"星级": "五星"}, "tier", "Choose"),
        ({"状态": "营业中?"}, "status", "Choose"),
        ({"名称": ""}, "name", "required"),
        ({"行政区划代码": "999999"}, "division_code", ""),
        ({"最近核实日期": "2999-01-01"}, "verified_on", "future"),
        ({"所属工会代码": "NOPE-1"}, "union", "NOPE-1"),
        ({"所属工会代码": ""}, "union", "required"),
    ],
)
def test_bad_row_values(world, officer, tmp_path, overrides, field, text):
    rows = [row(), row(**{"名称": "另一个驿站", "纬度": "34.25", **overrides})]
    preview = refused(officer, write(tmp_path, csv_bytes(rows)), field=field, contains=text, row=3)
    assert all(e.row == 3 for e in preview.errors)  # the good row has none


def test_every_error_is_reported_with_row_and_field(world, officer, tmp_path):
    rows = [row(纬度="x", 开放时间="whenever"), row(名称="B", 纬度="34.25", 设施="泳池")]
    preview = refused(officer, write(tmp_path, csv_bytes(rows)), field="lat", row=2)
    assert {(e.row, e.field) for e in preview.errors} == {(2, "lat"), (2, "hours"), (3, "facilities")}
    assert {e.column for e in preview.errors} == {"纬度", "开放时间", "设施"}


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"所属工会代码": "6101\x0113"}, "union"),
        ({"星级": "标\x01准"}, "tier"),
        ({"坐标系": "WGS\x0284"}, "crs"),
    ],
)
def test_a_control_character_in_a_cell_is_an_error_of_its_column(world, officer, tmp_path, overrides, field):
    rows = [row(), row(**{"名称": "另一个驿站", "纬度": "34.25", **overrides})]
    refused(officer, write(tmp_path, csv_bytes(rows)), field=field, contains="control characters", row=3)


def test_a_header_with_a_control_character_is_an_unknown_column(world, officer, tmp_path):
    path = write(tmp_path, csv_bytes([row()], headers=[*importing.template_headers(), "备\x01注"]))
    preview = importing.check(officer, path)
    assert preview.ok and preview.ignored_columns == ["备\x01注"]


def test_union_of_a_sibling_is_out_of_scope(sibling_city_admin, tmp_path):
    baoji = sibling_city_admin  # sibling city admin: 雁塔区 (610113) is not theirs
    refused(baoji, write(tmp_path, csv_bytes([row()])), field="union", contains="not in your scope")


def test_union_of_another_province_is_out_of_scope(sibling_admin, tmp_path):
    gansu = sibling_admin
    refused(gansu, write(tmp_path, csv_bytes([row()])), field="union", contains="610113")


def test_viewer_may_not_import(city_viewer, member_user, tmp_path):
    path = write(tmp_path, csv_bytes([row()]))
    for user in (city_viewer, member_user):
        with pytest.raises(PermissionDenied):
            importing.commit(actor=user, path=path)
    assert Station.objects.count() == 0


def test_the_batch_writer_checks_scope_itself(world, sibling_city_admin, officer):
    """``stations_create_many`` does not rely on the preview's scope check: a sibling city's
    admin (宝鸡) cannot create stations for a 西安 union through it, and nothing is written."""
    data = {
        "name": "越权驿站",
        "address": "小寨东路1号",
        "division_code": "610113",
        "lat": 34.22,
        "lng": 108.94,
        "hours": "24小时",
    }
    with pytest.raises(Http404):  # out of scope looks like missing, as everywhere
        registry.stations_create_many(actor=sibling_city_admin, items=[(world.orgs["yanta"], data)])
    assert Station.objects.count() == 0
    assert not AuditEntry.objects.filter(action__startswith="stations.").exists()
    created = registry.stations_create_many(actor=officer, items=[(world.orgs["yanta"], data)])
    assert [s.name for s in created] == ["越权驿站"]


def test_one_bad_item_in_a_batch_writes_nothing(world, officer):
    good = {
        "name": "好驿站",
        "address": "小寨东路1号",
        "division_code": "610113",
        "lat": 34.22,
        "lng": 108.94,
        "hours": "24小时",
    }
    bad = {**good, "name": "坏驿站", "lat": 95.0}
    with pytest.raises(ValidationError) as exc:
        registry.stations_create_many(
            actor=officer, items=[(world.orgs["yanta"], good), (world.orgs["yanta"], bad)]
        )
    assert "lat" in exc.value.message_dict
    assert Station.objects.count() == 0 and OpeningHours.objects.count() == 0


# --- duplicates ------------------------------------------------------------------------------


def test_duplicate_name_within_50_m_in_the_file(world, officer, tmp_path):
    # 0.0003° of latitude ≈ 33 m
    rows = [row(), row(纬度="34.2239")]
    refused(officer, write(tmp_path, csv_bytes(rows)), field="name", contains="row 2", row=3)


def test_same_place_within_5_m_in_the_file(world, officer, tmp_path):
    rows = [row(), row(名称="另一个名字", 纬度="34.22362")]  # ≈ 2 m
    refused(officer, write(tmp_path, csv_bytes(rows)), field="name", contains="row 2", row=3)


def test_same_name_far_apart_is_not_a_duplicate(world, officer, tmp_path):
    rows = [row(), row(纬度="34.2266")]  # ≈ 330 m
    path = write(tmp_path, csv_bytes(rows))
    assert importing.check(officer, path).ok
    assert len(importing.commit(actor=officer, path=path)) == 2


def test_duplicate_of_an_existing_station(world, officer, tmp_path):
    existing = make_station(world, "yanta", name="雁塔区测试驿站", lat=34.2238, lng=108.9475)  # ≈ 22 m
    preview = importing.check(officer, write(tmp_path, csv_bytes([row()])))
    assert [(e.row, e.field) for e in preview.errors] == [(2, "name")]
    assert existing.code in preview.errors[0].message
    with pytest.raises(ValidationError):
        importing.commit(actor=officer, path=write(tmp_path, csv_bytes([row()])))
    assert list(Station.objects.all()) == [existing]


def test_existing_station_of_another_union_at_the_same_spot(world, city_officer, tmp_path):
    other = make_station(world, "baoji", name="别家驿站", lat=34.2236, lng=108.94751, division_code="610302")
    officer = city_officer
    preview = importing.check(officer, write(tmp_path, csv_bytes([row()])))
    assert [(e.row, e.field) for e in preview.errors] == [(2, "name")]
    assert other.code not in preview.errors[0].message  # not revealed outside the scope
    assert "another union" in preview.errors[0].message
    assert Station.objects.count() == 1


# --- all or nothing --------------------------------------------------------------------------


def test_a_failure_half_way_writes_nothing(world, officer, tmp_path, monkeypatch):
    path = write(tmp_path, csv_bytes(spread(5)))

    def failing(entries, **kwargs):
        list(entries)
        assert Station.objects.count() == 5 and OpeningHours.objects.exists()  # written by now
        raise RuntimeError("disk full")

    monkeypatch.setattr(registry.audit, "record_many", failing)
    with pytest.raises(RuntimeError):
        importing.commit(actor=officer, path=path)
    assert Station.objects.count() == 0
    assert OpeningHours.objects.count() == 0
    assert not AuditEntry.objects.filter(action__startswith="stations.").exists()


def test_a_large_file_is_written_in_batches_like_one_by_one(world, officer, tmp_path):
    """The import creates stations in batches: a few queries per batch, not seven per row;
    each station gets what ``station_create`` gives it (number, cell, hours, key, audit)."""
    existing = make_station(world, "yanta", name="已有驿站", lat=34.1, lng=108.8)
    rows = spread(60) + [
        row(
            **{
                "名称": "碑林区测试驿站",
                "所属工会代码": "610100",
                "行政区划代码": "610103",
                "开放时间": "24小时",
            }
        )
    ]
    path = write(tmp_path, csv_bytes(rows))
    with CaptureQueriesContext(connection) as ctx:
        created = importing.commit(actor=officer, path=path)
    writes = [q for q in ctx.captured_queries if q["sql"].lstrip().upper().startswith("INSERT")]
    assert len(created) == 61 and len(writes) <= 6, len(writes)
    yanta = sorted(s.code for s in Station.objects.filter(division_code="610113").exclude(pk=existing.pk))
    number = int(existing.code.rsplit("-", 1)[1])
    assert yanta == [f"610113-{number + i:05d}" for i in range(1, 61)]
    beilin = Station.objects.get(division_code="610103")
    assert beilin.code.endswith("-00001") and beilin.always_open and not beilin.hours.exists()
    one = Station.objects.get(name="雁塔区测试驿站7")
    assert fields.format_hours(one) == "周一至周五 08:30-17:30；周六 09:00-16:00"
    assert (one.cell_y, one.cell_x) == search.cell_of(one.lat, one.lng)
    keys = set(Station.objects.values_list("checkin_key", flat=True))
    assert len(keys) == 62 and "" not in keys
    entries = AuditEntry.objects.filter(action="stations.station.created", object_id=str(one.pk))
    assert [e.changes for e in entries] == [{"name": [None, one.name], "code": [None, one.code]}]
    assert entries[0].organisation_id == world.orgs["yanta"].pk and entries[0].actor == officer


def test_numbers_taken_meanwhile_are_drawn_again(world, officer, tmp_path, monkeypatch):
    """Another import took this district's next numbers between reading and writing: the
    whole batch is numbered again instead of failing."""
    taken = make_station(world, "yanta", name="已有驿站", lat=34.1, lng=108.8)
    real = registry._next_code
    calls = []

    def stale(division):
        calls.append(division)
        return taken.code if len(calls) == 1 else real(division)

    monkeypatch.setattr(registry, "_next_code", stale)
    path = write(tmp_path, csv_bytes(spread(3)))
    created = importing.commit(actor=officer, path=path)
    assert len(created) == 3 and len(calls) == 2
    assert Station.objects.count() == 4 and len(set(Station.objects.values_list("code", flat=True))) == 4


def test_commit_checks_again(world, officer, tmp_path):
    """A station registered between preview and confirmation makes the row a duplicate."""
    path = write(tmp_path, csv_bytes([row()]))
    assert importing.check(officer, path).ok
    make_station(world, "yanta", name="雁塔区测试驿站", lat=34.2236, lng=108.9475)
    with pytest.raises(ValidationError, match="nothing was imported"):
        importing.commit(actor=officer, path=path)
    assert Station.objects.count() == 1


def test_stored_upload_tokens(world, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    token = importing.store(SimpleUploadedFile("a.csv", csv_bytes([row()])))
    assert importing.stored_path(token)
    assert importing.stored_path("../../etc/passwd") is None
    assert importing.stored_path("0" * 32) is None
    importing.discard(token)
    assert importing.stored_path(token) is None
