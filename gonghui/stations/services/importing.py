"""Station import from a spreadsheet (.xlsx or CSV), all or nothing.

The officer uploads a file; :func:`check` reads every row and checks it with
``fields.clean_station`` plus the checks only a whole file can make (the union code is in the
importer's subtree, no duplicate within the file or with a station already registered). Nothing
is written until the officer confirms a preview without a single error; :func:`commit` then
checks the file again (the registry may have changed meanwhile) and creates every row in one
transaction through ``registry.stations_create_many`` (the rules of ``station_create``,
written in batches; each creation audited).

Reading uses the shared spreadsheet reader (``gonghui.core.spreadsheets.reader``): format by
content (``PK`` = .xlsx), CSV in UTF-8 with or without a BOM or GB18030, a workbook read in
a child process under the import limits (docs/ops/uploads.md). Limits of its own:
``GONGHUI_STATION_IMPORT_MAX_BYTES`` (16 MB) and ``GONGHUI_STATION_IMPORT_MAX_ROWS`` (20,000
data rows), read from settings with these defaults. The upload waiting for confirmation is
kept 0600 in a private folder and deleted after a day if never confirmed.

A duplicate is a station with the same name within 50 m, or any station within 5 m.
"""

import codecs
import datetime
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gonghui.core import audit, inputs, uploads
from gonghui.core.spreadsheets import reader
from gonghui.organisations import scoping
from gonghui.stations import geo, permissions, search
from gonghui.stations.choices import AuditAction, SixHas, Status, Tier
from gonghui.stations.models import Station
from gonghui.stations.services import fields, registry

DEFAULT_MAX_BYTES = 16 * 1024 * 1024  # 20,000 rows of long addresses and notes
DEFAULT_MAX_ROWS = 20_000
SAME_NAME_M = 50.0
SAME_PLACE_M = 5.0
MAX_SHOWN_ERRORS = 500

# (field, Chinese header, English header, required). The order is the template's.
COLUMNS = [
    ("name", "名称", "name", True),
    ("host_unit", "承建单位", "host_unit", False),
    ("union", "所属工会代码", "union", True),
    ("division_code", "行政区划代码", "division_code", True),
    ("address", "地址", "address", True),
    ("lat", "纬度", "lat", True),
    ("lng", "经度", "lng", True),
    ("crs", "坐标系", "crs", False),
    ("hours", "开放时间", "hours", True),
    ("facilities", "设施", "facilities", False),
    ("tier", "星级", "tier", False),
    ("status", "状态", "status", False),
    ("phone", "电话", "phone", False),
    ("six_has", "六有", "six_has", False),
    ("verified_on", "最近核实日期", "verified_on", False),
]
HEADER_ZH = {f: zh for f, zh, _en, _r in COLUMNS}
# Other headers people write (and the POI sheet's), mapped to a field.
_ALIASES = {
    "站点名称": "name",
    "驿站名称": "name",
    "承建单位名称": "host_unit",
    "工会代码": "union",
    "union_code": "union",
    "区划代码": "division_code",
    "latitude": "lat",
    "longitude": "lng",
    "lon": "lng",
    "营业时间": "hours",
    "开放时段": "hours",
    "标签": "facilities",
    "服务设施": "facilities",
    "等级": "tier",
    "联系电话": "phone",
    "核实日期": "verified_on",
}
_FIELD_LABELS = {
    "": gettext_lazy("row"),
    "crs": gettext_lazy("coordinate system"),
    "intervals": gettext_lazy("opening hours"),
    "note": gettext_lazy("note"),
}

_TIER_NAMES = {"示范": Tier.MODEL, "示范站": Tier.MODEL, "标准": Tier.STANDARD, "普通": Tier.ORDINARY}
_STATUS_NAMES = {
    "开放": Status.OPEN,
    "正常": Status.OPEN,
    "运行": Status.OPEN,
    "关闭": Status.CLOSED,
    "停用": Status.CLOSED,
    "暂停": Status.CLOSED,
    "维修": Status.MAINTENANCE,
    "维护": Status.MAINTENANCE,
    "维修中": Status.MAINTENANCE,
}
_SIX_HAS_NAMES = {
    "有标识": SixHas.SIGN,
    "统一标识": SixHas.SIGN,
    "标识": SixHas.SIGN,
    "有场所": SixHas.PLACE,
    "固定场所": SixHas.PLACE,
    "场所": SixHas.PLACE,
    "有设施": SixHas.FACILITIES,
    "设施": SixHas.FACILITIES,
    "有制度": SixHas.RULES,
    "制度": SixHas.RULES,
    "管理制度": SixHas.RULES,
    "有人员": SixHas.STAFF,
    "专人": SixHas.STAFF,
    "人员": SixHas.STAFF,
    "有地图": SixHas.ON_MAP,
    "能导航": SixHas.ON_MAP,
    "地图可查": SixHas.ON_MAP,
}
SIX_HAS_ZH = {
    SixHas.SIGN: "有标识",
    SixHas.PLACE: "有场所",
    SixHas.FACILITIES: "有设施",
    SixHas.RULES: "有制度",
    SixHas.STAFF: "有人员",
    SixHas.ON_MAP: "地图可查",
}
TIER_ZH = {Tier.MODEL: "示范", Tier.STANDARD: "标准", Tier.ORDINARY: "普通"}
STATUS_ZH = {Status.OPEN: "开放", Status.CLOSED: "关闭", Status.MAINTENANCE: "维修"}


def max_bytes() -> int:
    return int(getattr(settings, "GONGHUI_STATION_IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES))


def max_rows() -> int:
    return int(getattr(settings, "GONGHUI_STATION_IMPORT_MAX_ROWS", DEFAULT_MAX_ROWS))


@dataclass
class RowError:
    row: int  # spreadsheet row number (the header is row 1 when it is the first row)
    field: str  # a field code ("" for the whole row)
    message: str

    @property
    def column(self) -> str:
        return HEADER_ZH.get(self.field) or str(_FIELD_LABELS.get(self.field, self.field))


@dataclass
class Preview:
    """What a file would import: ``error`` (the whole file is refused) or ``errors`` per row;
    ``rows`` the clean rows when there is no error at all."""

    error: str = ""
    code: str = ""
    total: int = 0
    errors: list[RowError] = field(default_factory=list)
    rows: list[tuple[int, object, dict]] = field(default_factory=list)  # (row no, union, data)
    ignored_columns: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.error and not self.errors and self.total > 0

    @property
    def shown_errors(self) -> list[RowError]:
        return self.errors[:MAX_SHOWN_ERRORS]


class FileRefused(Exception):
    def __init__(self, message: str, code: str):
        super().__init__(message)
        self.message, self.code = message, code


# --- reading ---------------------------------------------------------------------------------


def _header_field(text: object) -> str | None:
    try:
        key = inputs.text(str(text or ""), "").lstrip("\ufeff").strip("*＊ ")
    except ValidationError:
        return None  # control characters: not a column of ours
    for f, zh, en, _r in COLUMNS:
        if key == zh or key.lower() == en:
            return f
    return _ALIASES.get(key) or _ALIASES.get(key.lower())


def _cell(value) -> object:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, float) and value.is_integer() and abs(value) >= 1000:
        return str(int(value))  # a code typed as a number (610113.0)
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, str):
        value = value.strip()
        # An apostrophe a spreadsheet export put in front of formula-like text (CWE-1236).
        if value[:2] in {"'=", "'+", "'-", "'@"}:
            value = value[1:]
    return value


def read_rows(path: str) -> tuple[list[tuple[int, dict]], list[str]]:
    """Rows of the file as (row number, {field: value}) and the ignored header names; raises
    :class:`FileRefused`."""
    size = Path(path).stat().st_size
    if size > max_bytes():
        raise FileRefused(
            _("The file is larger than %(mb)s MB; split it into smaller files.")
            % {"mb": f"{max_bytes() / (1024 * 1024):g}"},
            "file_too_large",
        )
    with open(path, "rb") as fh:
        start = fh.read(4)
    if start.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # (the reader would call it binary because of its NUL bytes)
        raise FileRefused(
            _("The file is saved as UTF-16; save it as CSV UTF-8 or as an Excel workbook."), "encoding"
        )
    rows = None
    try:
        source = reader.detect(path)
        header: dict[int, str] | None = None
        ignored: list[str] = []
        out: list[tuple[int, dict]] = []
        rows = reader.rows(source, max_rows=max_rows())
        for number, row in rows:
            if reader.is_blank(row):
                continue
            if header is None:
                header, seen = {}, set()
                for index, text in enumerate(row):
                    f = _header_field(text)
                    if f is None or f in seen:
                        if str(text or "").strip():
                            ignored.append(str(text).strip())
                        continue
                    header[index] = f
                    seen.add(f)
                missing = [f for f, _zh, _en, required in COLUMNS if required and f not in seen]
                if missing:
                    raise FileRefused(
                        _("Required columns are missing: %(columns)s. Use the template's header row.")
                        % {"columns": "、".join(f"{HEADER_ZH[f]} ({f})" for f in missing)},
                        "missing_columns",
                    )
                continue
            if len(out) >= max_rows():
                raise FileRefused(
                    _("The file has more than %(n)s rows; split it into smaller files.")
                    % {"n": f"{max_rows():,}"},
                    "too_many_rows",
                )
            out.append((number, {f: _cell(row[i]) if i < len(row) else "" for i, f in header.items()}))
    except reader.FileError as exc:
        raise FileRefused(exc.message, exc.code) from None
    finally:
        if rows is not None:
            rows.close()  # stops the .xlsx parser process at once on a refusal
    if header is None:
        raise FileRefused(_("The file is empty."), "empty")
    if not out:
        raise FileRefused(_("The file has a header row but no stations."), "no_rows")
    return out, ignored


# --- checking --------------------------------------------------------------------------------


def _codes(value, names: dict, *, field_name: str) -> object:
    """A Chinese name → its code; a code or anything else unchanged (the registry checks)."""
    if not isinstance(value, str):
        return value
    text = inputs.text(value, field_name)
    return names.get(text, text.lower() if text.isascii() else text)


def _six_has(value) -> list[str]:
    if isinstance(value, (list, tuple)):
        items = list(value)
    else:
        items = [v for v in re.split(r"[,，、;；\s]+", inputs.text(value, "six_has")) if v]
    return [_SIX_HAS_NAMES.get(v, v) for v in items]


def _crs(value) -> str:
    text = inputs.text(value, "crs").lower().replace("-", "").replace("_", "").replace(" ", "")
    return text or "wgs84"


def _station_data(raw: dict) -> dict:
    """A raw row → the data ``fields.clean_station`` reads (names turned into codes); a cell
    that cannot be read raises a ValidationError naming its column."""
    data = {k: v for k, v in raw.items() if k not in {"union"}}
    names = fields.read_all(
        {
            "crs": lambda: _crs(raw.get("crs")),
            "tier": lambda: _codes(raw.get("tier") or "", _TIER_NAMES, field_name="tier") or "",
            "status": lambda: _codes(raw.get("status") or "", _STATUS_NAMES, field_name="status") or "",
            "six_has": lambda: _six_has(raw.get("six_has")),
        }
    )
    data.update(names)
    if isinstance(data.get("verified_on"), datetime.date):
        data["verified_on"] = data["verified_on"].isoformat()
    for key in ("division_code", "phone", "name", "address", "host_unit"):
        if key in data and data[key] is not None and not isinstance(data[key], str):
            data[key] = str(data[key])
    return data


def _errors_of(number: int, exc: ValidationError) -> list[RowError]:
    if hasattr(exc, "error_dict"):
        return [
            RowError(number, f if f != "__all__" else "", " ".join(ValidationError(e).messages))
            for f, e in exc.error_dict.items()
        ]
    return [RowError(number, "", " ".join(exc.messages))]


class _Places:
    """Stations by grid cell, to find one within a few metres of a point."""

    def __init__(self) -> None:
        self.cells: dict[tuple[int, int], list[tuple[str, float, float, str]]] = {}

    def add(self, name: str, lat: float, lng: float, label: str) -> None:
        self.cells.setdefault(search.cell_of(lat, lng), []).append((name, lat, lng, label))

    def clash(self, name: str, lat: float, lng: float) -> str | None:
        cy, cx = search.cell_of(lat, lng)
        for dy in (-1, 0, 1):
            for dx in (-1, 0, 1):
                for other_name, olat, olng, label in self.cells.get((cy + dy, cx + dx), ()):
                    distance = geo.haversine_m(lat, lng, olat, olng)
                    if distance <= SAME_PLACE_M or (other_name == name and distance <= SAME_NAME_M):
                        return label
        return None


def _existing(cells: set[tuple[int, int]], user) -> _Places:
    """Registered active stations in and around ``cells`` (one query per 100 grid rows)."""
    places = _Places()
    wanted = set()
    for cy, cx in cells:
        wanted.update((cy + dy, cx + dx) for dy in (-1, 0, 1) for dx in (-1, 0, 1))
    by_row: dict[int, list[int]] = {}
    for cy, cx in sorted(wanted):
        by_row.setdefault(cy, []).append(cx)
    sees = permissions.sees_path(user)
    ys = sorted(by_row)
    for start in range(0, len(ys), 100):
        q = Q()
        for cy in ys[start : start + 100]:
            q |= Q(cell_y=cy, cell_x__in=by_row[cy])
        rows = Station.objects.filter(q, is_active=True).values_list(
            "name", "lat", "lng", "code", "organisation__path"
        )
        for name, lat, lng, code, org_path in rows:
            label = (
                _("station %(code)s %(name)s") % {"code": code, "name": name}
                if sees(org_path)
                else _("a station registered by another union")
            )
            places.add(name, lat, lng, label)
    return places


def _union_code(raw: dict) -> str | None:
    """The row's union code, cleaned; None when it holds control characters."""
    try:
        return inputs.text(str(raw.get("union") or ""), "union")
    except ValidationError:
        return None


def check(user, path: str) -> Preview:
    """Read and check the whole file; nothing is written."""
    preview = Preview()
    try:
        raw_rows, preview.ignored_columns = read_rows(path)
    except FileRefused as exc:
        preview.error, preview.code = exc.message, exc.code
        return preview
    preview.total = len(raw_rows)
    codes = {_union_code(raw) for _n, raw in raw_rows}
    unions = {
        o.code: o
        for o in scoping.visible_organisations(user, scoping.Action.MANAGE_STATIONS).filter(
            code__in=codes - {"", None}
        )
    }
    cleaned: list[tuple[int, object, dict, dict]] = []
    for number, raw in raw_rows:
        row_errors: list[RowError] = []
        code = _union_code(raw)
        union = unions.get(code)
        if code is None:
            row_errors.append(RowError(number, "union", _("The text contains invalid control characters.")))
        elif not code:
            row_errors.append(RowError(number, "union", _("This field is required.")))
        elif union is None:
            row_errors.append(
                RowError(
                    number,
                    "union",
                    _("Union %(code)s is unknown or not in your scope.") % {"code": code},
                )
            )
        try:
            data = _station_data(raw)
            values = fields.clean_station(data)
        except ValidationError as exc:
            row_errors.extend(_errors_of(number, exc))
            values = None
        preview.errors.extend(row_errors)
        if values is not None:
            cleaned.append((number, union, data, values))

    existing = _existing({search.cell_of(v["lat"], v["lng"]) for *_x, v in cleaned}, user)
    in_file = _Places()
    for number, union, data, values in cleaned:
        clash = existing.clash(values["name"], values["lat"], values["lng"])
        if clash:
            preview.errors.append(
                RowError(number, "name", _("Duplicate of %(other)s (same place).") % {"other": clash})
            )
        clash = in_file.clash(values["name"], values["lat"], values["lng"])
        if clash:
            preview.errors.append(
                RowError(number, "name", _("Duplicate of %(other)s in this file.") % {"other": clash})
            )
        in_file.add(values["name"], values["lat"], values["lng"], _("row %(n)d") % {"n": number})
        if union is not None:
            preview.rows.append((number, union, data))
    preview.errors.sort(key=lambda e: (e.row, e.field))
    if preview.errors:
        preview.rows = []
    return preview


# --- the stored upload between preview and confirmation --------------------------------------


STALE_HOURS = 24  # a preview not confirmed within a day is thrown away


def _folder() -> Path:
    """MEDIA_ROOT/station_imports, private (0700): an upload may hold phone numbers."""
    return uploads.private_folder(Path(settings.MEDIA_ROOT) / "station_imports")


def store(upload) -> str:
    """Keep the upload for the confirmation step (0600, in the private folder); returns its
    token. Raises FileRefused when it is larger than the limit (nothing is kept). Uploads
    older than ``STALE_HOURS`` (previews never confirmed) are deleted on the way."""
    data = uploads.read_bounded(upload, max_bytes())
    if data is None:
        raise FileRefused(
            _("The file is larger than %(mb)s MB; split it into smaller files.")
            % {"mb": f"{max_bytes() / (1024 * 1024):g}"},
            "file_too_large",
        )
    folder = _folder()
    prune_stored(folder)
    path, out = uploads.private_file(folder, prefix="")
    try:
        with out:
            out.write(data)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return path.name


def prune_stored(folder: Path | None = None) -> int:
    """Delete stored uploads older than ``STALE_HOURS``; returns how many."""
    folder = folder or _folder()
    cutoff = time.time() - STALE_HOURS * 3600
    removed = 0
    for path in folder.iterdir():
        if stored_path(path.name) and path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)
            removed += 1
    return removed


def stored_path(token: str) -> str | None:
    if not isinstance(token, str) or len(token) != 32 or not all(c in "0123456789abcdef" for c in token):
        return None
    path = _folder() / token
    return str(path) if path.is_file() else None


def discard(token: str) -> None:
    path = stored_path(token)
    if path:
        Path(path).unlink(missing_ok=True)


# --- writing ---------------------------------------------------------------------------------


def commit(*, actor, path: str, file_name: str = "") -> list[Station]:
    """Check the file again and create every station in one transaction; raises a
    ValidationError (nothing written) when the file or any row has an error."""
    permissions.require_manage_somewhere(actor)
    preview = check(actor, path)
    if preview.error:
        raise inputs.field_error("file", preview.error, preview.code)
    if preview.errors:
        raise inputs.field_error(
            "file",
            _("The file has %(n)d errors; nothing was imported.") % {"n": len(preview.errors)},
            "row_errors",
        )
    with transaction.atomic():
        created = registry.stations_create_many(
            actor=actor, items=[(union, data) for _n, union, data in preview.rows]
        )
        audit.record(
            actor=actor,
            action=AuditAction.IMPORT,
            object_type="stations.station",
            object_repr=uploads.safe_name(file_name)[:200],
            changes={"stations": [None, len(created)]},
        )
    return created


# --- the template ----------------------------------------------------------------------------

EXAMPLES = [
    {
        "name": "雁塔区小寨工会驿站",
        "host_unit": "中国工商银行西安小寨支行",
        "union": "610113",
        "division_code": "610113",
        "address": "陕西省西安市雁塔区长安中路与小寨东路十字东北角",
        "lat": "34.223650",
        "lng": "108.947520",
        "crs": "WGS84",
        "hours": "周一至周五 08:30-17:30；周六 09:00-16:00",
        "facilities": "座椅、饮用水、微波炉、充电、急救箱",
        "tier": "标准",
        "status": "开放",
        "phone": "029-85260000",
        "six_has": "有标识、有场所、有设施、有制度、有人员、地图可查",
        "verified_on": "2026-09-01",
    },
    {
        "name": "碑林区南门加油站爱心驿站",
        "host_unit": "中国石化西安南门加油站",
        "union": "610103",
        "division_code": "610103",
        "address": "陕西省西安市碑林区环城南路西段18号",
        "lat": "34.251790",
        "lng": "108.942640",
        "crs": "WGS84",
        "hours": "24小时",
        "facilities": "座椅、饮用水、卫生间、充电",
        "tier": "普通",
        "status": "开放",
        "phone": "",
        "six_has": "有标识、有场所",
        "verified_on": "",
    },
]


def template_headers() -> list[str]:
    return [zh for _f, zh, _en, _r in COLUMNS]


def template_csv() -> bytes:
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(template_headers())
    for example in EXAMPLES:
        writer.writerow([example[f] for f, *_rest in COLUMNS])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def template_xlsx() -> bytes:
    import io

    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = "驿站"
    ws.append(template_headers())
    for example in EXAMPLES:
        ws.append([example[f] for f, *_rest in COLUMNS])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            cell.data_type = "s"
            cell.number_format = "@"
    for index, (f, *_rest) in enumerate(COLUMNS, 1):
        letter = ws.cell(row=1, column=index).column_letter
        ws.column_dimensions[letter].width = 36 if f in {"name", "address", "hours", "six_has"} else 14
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
