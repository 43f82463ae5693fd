"""API of station export (GeoJSON, POI sheet, registry sheet), under /api/v1/stations. Public:
anyone gets the public data of active stations; ``scope=subtree`` gives a signed-in officer
the stations of their subtree, inactive and closed ones included."""

from ninja import Router

from gonghui.accounts.api import AUTH
from gonghui.core.api import anyone, file_answer
from gonghui.stations.services import exporting
from gonghui.stations.web import download

router = Router(tags=["stations"])


PUBLIC = [*AUTH, anyone]
# the sheets' media types, without parameters (``text/csv``, the xlsx type)
SHEET_TYPES = sorted({exporting.CONTENT_TYPES[f].split(";")[0] for f in ("csv", "xlsx")})
FEATURE_COLLECTION = {
    "type": "object",
    "required": ["type", "features"],
    "properties": {
        "type": {"const": "FeatureCollection"},
        "features": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["type", "geometry", "properties"],
                "properties": {
                    "type": {"const": "Feature"},
                    "geometry": {
                        "type": "object",
                        "required": ["type", "coordinates"],
                        "properties": {
                            "type": {"const": "Point"},
                            "coordinates": {"type": "array", "items": {"type": "number"}, "minItems": 2},
                        },
                    },
                    "properties": {"type": "object"},
                },
            },
        },
    },
}


@router.get(
    "export.geojson",
    auth=PUBLIC,
    response=None,
    openapi_extra=file_answer(
        "application/geo+json",
        description="A GeoJSON FeatureCollection (RFC 7946).",
        schema=FEATURE_COLLECTION,
    ),
    url_name="stations_io_export_geojson",
    summary="Stations as a GeoJSON FeatureCollection",
)
def export_geojson(request, scope: str = "public", union: str = ""):
    """RFC 7946: WGS-84, ``[lng, lat]``. ``scope=public`` (default): active stations, public
    fields; ``scope=subtree``: the officer's subtree incl. inactive and closed (403 without an
    officer role; ``union`` out of scope → 404)."""
    scope, _crs, _fmt = exporting.clean_options(scope=scope)
    qs = exporting.stations(request.user, scope=scope, union=union)
    return download(
        exporting.geojson_chunks(qs, private=scope == "subtree"), fmt="geojson", name="stations.geojson"
    )


@router.get(
    "export.poi",
    auth=PUBLIC,
    response=None,
    openapi_extra=file_answer(*SHEET_TYPES, description="The POI sheet (``format`` xlsx or csv)."),
    url_name="stations_io_export_poi",
    summary="Stations as a POI sheet for map providers",
)
def export_poi(request, format: str = "xlsx", crs: str = "gcj02", scope: str = "public", union: str = ""):  # noqa: A002
    """名称, 地址, 经度, 纬度, 坐标系, 电话, 营业时间, 分类, 标签, 省, 市, 区; ``crs`` gcj02 (高德/腾讯,
    default), bd09 (百度) or wgs84; coordinates rounded to 6 decimals."""
    scope, crs, fmt = exporting.clean_options(scope=scope, crs=crs, fmt=format)
    qs = exporting.stations(request.user, scope=scope, union=union)
    body = exporting.poi_sheet(qs, crs=crs, fmt=fmt)
    return download(body, fmt=fmt, name=exporting.file_name("poi", fmt, crs))


@router.get(
    "export.registry",
    auth=PUBLIC,
    response=None,
    openapi_extra=file_answer(*SHEET_TYPES, description="The registry sheet (``format`` xlsx or csv)."),
    url_name="stations_io_export_registry",
    summary="Stations in the import template's columns",
)
def export_registry(request, format: str = "xlsx", scope: str = "public", union: str = ""):  # noqa: A002
    """The import template's columns (WGS-84): the file can be imported again."""
    scope, _crs, fmt = exporting.clean_options(scope=scope, fmt=format)
    qs = exporting.stations(request.user, scope=scope, union=union)
    return download(exporting.registry_sheet(qs, fmt=fmt), fmt=fmt, name=exporting.file_name("registry", fmt))
