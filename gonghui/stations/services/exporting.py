"""Station export: GeoJSON (RFC 7946), a POI sheet for map providers and the registry sheet.

Who gets what: anyone may export the public data of active stations (``scope=public``: not
deleted, not closed); an officer may export the stations of the subtree where they may view
(``scope=subtree``), inactive and closed ones included, optionally narrowed to one union.

* GeoJSON: a FeatureCollection of Points, coordinates ``[lng, lat]`` in WGS-84 as RFC 7946
  requires, streamed so memory stays flat.
* POI sheet (.xlsx or .csv) in the column set 高德/腾讯/百度 accept for bulk POI submission:
  名称, 地址, 经度, 纬度, 坐标系, 电话, 营业时间, 分类, 标签, 省, 市, 区 — coordinates converted
  from WGS-84 with ``geo.from_wgs84`` (GCJ-02 by default, BD-09 for 百度) and rounded to 6
  decimals.
* Registry sheet: the import template's columns (WGS-84, full precision), so an export can be
  imported again.

Spreadsheet formula injection (CWE-1236): text cells starting with ``=``, ``+``, ``-``, ``@``, a
tab or a carriage return get a leading apostrophe in CSV (the importer removes it again); in
.xlsx every text cell is written as an explicit string, which is never evaluated.
"""

import csv
import io
import json
from collections.abc import Iterable, Iterator

from django.db.models import Prefetch, QuerySet

from gonghui.core import divisions
from gonghui.core.spreadsheets.cells import neutralise
from gonghui.organisations import scoping
from gonghui.stations import geo, permissions
from gonghui.stations.choices import Crs, Facility, Status
from gonghui.stations.models import OpeningHours, Station
from gonghui.stations.services import fields, importing

SCOPES = ("public", "subtree")
SHEET_FORMATS = ("xlsx", "csv")
POI_CATEGORY = "工会驿站;户外劳动者服务站点"
POI_HEADERS = ["名称", "地址", "经度", "纬度", "坐标系", "电话", "营业时间", "分类", "标签", "省", "市", "区"]
CRS_LABEL = {Crs.WGS84: "WGS84", Crs.GCJ02: "GCJ02", Crs.BD09: "BD09"}
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "geojson": "application/geo+json",
}
FACILITY_ZH = {
    Facility.SEATING: "座椅",
    Facility.WATER: "饮用水",
    Facility.MICROWAVE: "微波炉",
    Facility.CHARGING: "充电",
    Facility.TOILET: "卫生间",
    Facility.AIR_CONDITIONING: "空调",
    Facility.FIRST_AID: "急救箱",
    Facility.BOOKS: "图书",
    Facility.BATTERY_SWAP: "换电柜",
    Facility.WIFI: "无线网络",
    Facility.LOCKERS: "储物柜",
    Facility.REPAIR_KIT: "维修工具",
    Facility.UMBRELLA: "雨伞",
    Facility.SHOWER: "淋浴",
}


# --- selection -------------------------------------------------------------------------------


def clean_options(*, scope: str = "public", crs: str = Crs.GCJ02, fmt: str = "xlsx") -> tuple[str, str, str]:
    """Check the query options (blank: the default); a ValidationError names every bad one."""
    values = fields.read_all(
        {
            "scope": lambda: fields.one_of(scope, "scope", SCOPES, default="public"),
            "crs": lambda: fields.clean_crs(crs or Crs.GCJ02),
            "format": lambda: fields.one_of(fmt, "format", SHEET_FORMATS, default="xlsx"),
        }
    )
    return values["scope"], values["crs"], values["format"]


def stations(user, *, scope: str = "public", union: str = "") -> QuerySet:
    """The stations ``user`` may export. ``scope=subtree`` needs a role that may view stations
    somewhere (403 otherwise); ``union`` (a code) narrows to that union's subtree (404 when it is
    out of scope)."""
    qs = Station.objects.select_related("organisation").prefetch_related(
        Prefetch("hours", queryset=OpeningHours.objects.order_by("weekday", "opens"))
    )
    if scope == "subtree":
        permissions.require_export_subtree(user)
        qs = scoping.restrict(qs, user, scoping.Action.VIEW)
        if union:
            qs = qs.filter(permissions.below(scoping.get_organisation_or_404(user, union)))
    else:
        qs = qs.filter(is_active=True).exclude(status=Status.CLOSED)
        if union:
            qs = qs.filter(organisation__code=union)
    return qs.order_by("code")


def _each(qs: QuerySet) -> Iterator[Station]:
    return qs.iterator(chunk_size=2000)


# --- GeoJSON ---------------------------------------------------------------------------------


def feature(station: Station, *, private: bool = False) -> dict:
    properties = {
        "id": str(station.id),
        "code": station.code,
        "name": station.name,
        "address": station.address,
        "host_unit": station.host_unit,
        "division_code": station.division_code,
        "status": station.status,
        "hours": fields.format_hours(station),
        "facilities": list(station.facilities),
        "tier": station.tier,
        "six_has_score": station.six_has_score,
        "phone": station.phone,
        "union": station.organisation.name,
        "verified_on": station.verified_on.isoformat() if station.verified_on else None,
    }
    if private:
        properties["union_code"] = station.organisation.code
        properties["is_active"] = station.is_active
    return {
        "type": "Feature",
        "id": str(station.id),
        "geometry": {"type": "Point", "coordinates": [station.lng, station.lat]},
        "properties": properties,
    }


def geojson_chunks(qs: QuerySet, *, private: bool = False) -> Iterator[bytes]:
    """A FeatureCollection, one feature per chunk (for a streaming response)."""
    yield b'{"type":"FeatureCollection","features":['
    first = True
    for station in _each(qs):
        text = json.dumps(feature(station, private=private), ensure_ascii=False, separators=(",", ":"))
        yield (text if first else "," + text).encode("utf-8")
        first = False
    yield b"]}"


def geojson(qs: QuerySet, *, private: bool = False) -> dict:
    return json.loads(b"".join(geojson_chunks(qs, private=private)))


# --- sheets ----------------------------------------------------------------------------------


def _region(code: str) -> tuple[str, str, str]:
    names = {1: "", 2: "", 3: ""}
    for ancestor in divisions.ancestors(code):
        row = divisions.get(ancestor)
        if row and row["level"] in names:
            names[row["level"]] = row["name"]
    return names[1], names[2], names[3]


def facilities_zh(codes: Iterable[str]) -> str:
    return "、".join(FACILITY_ZH.get(c, c) for c in codes)


def poi_row(station: Station, crs: str) -> list:
    lat, lng = geo.from_wgs84(station.lat, station.lng, crs)
    province, city, district = _region(station.division_code)
    return [
        station.name,
        station.address,
        round(lng, 6),
        round(lat, 6),
        CRS_LABEL[crs],
        station.phone,
        fields.format_hours(station),
        POI_CATEGORY,
        facilities_zh(station.facilities),
        province,
        city,
        district,
    ]


def registry_row(station: Station) -> list:
    values = {
        "name": station.name,
        "host_unit": station.host_unit,
        "union": station.organisation.code,
        "division_code": station.division_code,
        "address": station.address,
        "lat": station.lat,
        "lng": station.lng,
        "crs": "WGS84",
        "hours": fields.format_hours(station),
        "facilities": facilities_zh(station.facilities),
        "tier": importing.TIER_ZH.get(station.tier, station.tier),
        "status": importing.STATUS_ZH.get(station.status, station.status),
        "phone": station.phone,
        "six_has": "、".join(importing.SIX_HAS_ZH.get(c, c) for c in station.six_has),
        "verified_on": station.verified_on.isoformat() if station.verified_on else "",
    }
    return [values[f] for f, *_rest in importing.COLUMNS]


def _csv_text(value) -> str:
    if isinstance(value, float):
        return repr(value) if abs(value) >= 1e-4 else f"{value:.10f}"
    return neutralise(str(value))


def csv_chunks(headers: list[str], rows: Iterable[list]) -> Iterator[bytes]:
    """UTF-8 with a BOM (Excel reads the Chinese headers), one chunk per row."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def flush() -> bytes:
        data = buffer.getvalue().encode("utf-8")
        buffer.seek(0)
        buffer.truncate(0)
        return data

    writer.writerow(headers)
    yield b"\xef\xbb\xbf" + flush()
    for row in rows:
        writer.writerow([_csv_text(v) for v in row])
        yield flush()


def xlsx_bytes(sheet_name: str, headers: list[str], rows: Iterable[list]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_name)

    def cell(value):
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return WriteOnlyCell(sheet, value=value)
        c = WriteOnlyCell(sheet, value=str(value))
        c.data_type = "s"  # never a formula
        return c

    sheet.append([cell(h) for h in headers])
    for row in rows:
        sheet.append([cell(v) for v in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def poi_sheet(qs: QuerySet, *, crs: str, fmt: str):
    """bytes (xlsx) or an iterator of bytes (csv)."""
    rows = (poi_row(s, crs) for s in _each(qs))
    if fmt == "csv":
        return csv_chunks(POI_HEADERS, rows)
    return xlsx_bytes("POI", POI_HEADERS, rows)


def registry_sheet(qs: QuerySet, *, fmt: str):
    rows = (registry_row(s) for s in _each(qs))
    headers = importing.template_headers()
    if fmt == "csv":
        return csv_chunks(headers, rows)
    return xlsx_bytes("驿站", headers, rows)


def file_name(kind: str, fmt: str, crs: str = "") -> str:
    suffix = f"-{crs}" if crs else ""
    return f"stations-{kind}{suffix}.{fmt}"


def _geojson_file(qs: QuerySet, *, private: bool, crs: str, fmt: str) -> tuple:
    return geojson_chunks(qs, private=private), "geojson", "stations.geojson"


def _poi_file(qs: QuerySet, *, private: bool, crs: str, fmt: str) -> tuple:
    return poi_sheet(qs, crs=crs, fmt=fmt), fmt, file_name("poi", fmt, crs)


def _registry_file(qs: QuerySet, *, private: bool, crs: str, fmt: str) -> tuple:
    return registry_sheet(qs, fmt=fmt), fmt, file_name("registry", fmt)


# What to export → (body, file format, file name) from the stations and the checked options
# (``private``: the subtree's own fields; ``crs`` for the POI sheet; ``fmt`` for the sheets).
FILES = {"geojson": _geojson_file, "poi": _poi_file, "registry": _registry_file}
