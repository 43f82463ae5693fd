"""A station's fields read from what a form, the API or a spreadsheet row sends, and written back
as text: coordinates in any supported system (stored as WGS-84, ``geo.to_wgs84``), coordinate
systems and other codes, facilities (codes or their Chinese names), the 六有 checklist, opening
hours as written ("周一至周五 08:30-18:00", "24小时") or as weekly intervals, and the whole
station (:func:`clean_station`, the one set of rules of the form, the API and the import).
Errors are ``core.inputs`` ValidationErrors naming their field."""

import datetime
import math
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from gonghui.core import inputs
from gonghui.core.inputs import InputCode, field_error
from gonghui.core.validation import merge_errors
from gonghui.core.validators import validate_division_code
from gonghui.stations import geo
from gonghui.stations.choices import Crs, Facility, SixHas, Status, Tier
from gonghui.stations.models import Station

# The choices' codes, once (``TextChoices.values`` builds a new list on every access).
_CRS = tuple(Crs.values)
_FACILITIES = tuple(Facility.values)  # in their canonical order
_SIX_HAS = frozenset(SixHas.values)

# The longest text of each free-text field of a station.
TEXT_LIMITS = {"name": 80, "host_unit": 120, "address": 200, "phone": 20, "note": 200}
EXCEPTION_NOTE_MAX = 120


def parse_coordinate(value: object, field: str, *, low: float, high: float) -> float:
    """A number within [low, high] (a decimal string or a number), else a ValidationError
    naming ``field``."""
    if isinstance(value, str):
        value = inputs.text(value, field)  # control characters are refused, naming the field
    try:
        number = None if isinstance(value, bool) else float(value)
    except (TypeError, ValueError):
        number = None
    if number is None or math.isnan(number):
        raise field_error(field, _("Give a number."), InputCode.NUMBER_INVALID)
    if not low <= number <= high:
        raise field_error(
            field,
            _("Must be between %(low)s and %(high)s."),
            InputCode.NUMBER_TOO_SMALL if number < low else InputCode.NUMBER_TOO_LARGE,
            {"low": low, "high": high},
        )
    return number


def one_of(value: object, field: str, choices: tuple[str, ...], *, default: str) -> str:
    """A code of ``choices`` written in any case (blank: ``default``), else a ValidationError
    naming ``field`` that lists them (for codes a program or a spreadsheet sends: a coordinate
    system, a file format)."""
    code = inputs.text(value, field).lower() or default
    if code not in choices:
        raise field_error(
            field, _("Use one of %(choices)s."), InputCode.INVALID_CHOICE, {"choices": ", ".join(choices)}
        )
    return code


def clean_crs(value: object, field: str = "crs") -> str:
    """A coordinate system: ``wgs84`` (also for blank), ``gcj02`` or ``bd09``, in any case."""
    return one_of(value, field, _CRS, default=Crs.WGS84)


def read_all(readers: dict) -> dict:
    """``{field: parse}`` → ``{field: parse()}``, every field's error gathered into one
    ValidationError (a plain error filed under its field), so a caller learns every mistake at
    once."""
    errors: dict = {}
    out: dict = {}
    for field, read in readers.items():
        try:
            out[field] = read()
        except ValidationError as exc:
            merge_errors(errors, exc, field=field)
    if errors:
        raise ValidationError(errors)
    return out


def parse_point(lat: object, lng: object, crs: object = Crs.WGS84) -> tuple[float, float]:
    """(lat, lng) in WGS-84 from a point in ``crs``; errors name ``lat``, ``lng`` or ``crs``."""
    values = read_all(
        {
            "crs": lambda: clean_crs(crs),
            "lat": lambda: parse_coordinate(lat, "lat", low=-90.0, high=90.0),
            "lng": lambda: parse_coordinate(lng, "lng", low=-180.0, high=180.0),
        }
    )
    return geo.to_wgs84(values["lat"], values["lng"], values["crs"])


def clean_facilities(values) -> list[str]:
    """Facility codes or their Chinese names (a list, or text separated by 、 , ; or spaces),
    in the canonical order without repeats."""
    if isinstance(values, str):
        values = [v for v in re.split(r"[,，、;；\s]+", values) if v]
    chosen = []
    for value in values or []:
        value = inputs.text(value, "facilities")
        code = value if value in _FACILITIES else _FACILITY_BY_LABEL.get(value)
        if code is None:
            raise field_error(
                "facilities", _("Unknown facility %(value)s."), InputCode.INVALID_CHOICE, {"value": value}
            )
        if code not in chosen:
            chosen.append(code)
    return [f for f in _FACILITIES if f in chosen]  # canonical order


def clean_six_has(values) -> list[str]:
    """六有 codes, in the checklist's order without repeats."""
    chosen = set()
    for value in values or []:
        if not isinstance(value, str) or value not in _SIX_HAS:
            raise field_error(
                "six_has", _("Unknown 六有 item %(value)s."), InputCode.INVALID_CHOICE, {"value": value}
            )
        chosen.add(value)
    return [v for v in SixHas.values if v in chosen]


def _facility_labels() -> dict[str, str]:
    # Chinese names used in spreadsheets; the codes themselves are accepted too.
    return {
        "座椅": Facility.SEATING,
        "桌椅": Facility.SEATING,
        "饮用水": Facility.WATER,
        "饮水": Facility.WATER,
        "热水": Facility.WATER,
        "微波炉": Facility.MICROWAVE,
        "充电": Facility.CHARGING,
        "充电设施": Facility.CHARGING,
        "卫生间": Facility.TOILET,
        "厕所": Facility.TOILET,
        "空调": Facility.AIR_CONDITIONING,
        "急救箱": Facility.FIRST_AID,
        "医药箱": Facility.FIRST_AID,
        "药箱": Facility.FIRST_AID,
        "图书": Facility.BOOKS,
        "书籍": Facility.BOOKS,
        "换电": Facility.BATTERY_SWAP,
        "换电柜": Facility.BATTERY_SWAP,
        "无线网络": Facility.WIFI,
        "WiFi": Facility.WIFI,
        "wifi": Facility.WIFI,
        "储物柜": Facility.LOCKERS,
        "维修工具": Facility.REPAIR_KIT,
        "工具箱": Facility.REPAIR_KIT,
        "雨伞": Facility.UMBRELLA,
        "淋浴": Facility.SHOWER,
    }


_FACILITY_BY_LABEL = _facility_labels()

_DAY_NAMES = {
    "一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6,
    "mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6,
}  # fmt: skip
_ALWAYS = re.compile(r"^(24\s*(h|小时|小時)|全天|全天候|00:00\s*[-–~至]\s*24:00)$", re.IGNORECASE)
_TIME = r"(\d{1,2}):(\d{2})"
_PART = re.compile(
    r"^(?:(?:周|星期)?(?P<d1>[一二三四五六日天]|mon|tue|wed|thu|fri|sat|sun)"
    r"(?:\s*(?:[-–~至到])\s*(?:周|星期)?(?P<d2>[一二三四五六日天]|mon|tue|wed|thu|fri|sat|sun))?\s*)?"
    rf"{_TIME}\s*[-–~至到]\s*{_TIME}$",
    re.IGNORECASE,
)


def clock(value: object, field: str) -> datetime.time:
    """A time of day in opening hours: what ``core.inputs.time`` reads (``08:30``, a time), also
    with a one-digit hour (``8:30``) and ``24:00`` for the midnight that ends a day."""
    if isinstance(value, str):
        text = inputs.text(value, field)
        if text == "24:00":
            return datetime.time(0, 0)
        value = f"0{text}" if len(text) == 4 and text[1] == ":" else text
    return inputs.time(value, field)


def hours_required() -> ValidationError:
    """The error of hours that never open (blank, or no day with times)."""
    return field_error("hours", _("Give the opening hours."), InputCode.REQUIRED)


def _times(match: re.Match) -> tuple[datetime.time, datetime.time] | None:
    """The opening and closing time of one part of written hours; None when out of range."""
    try:
        return clock(f"{match.group(3)}:{match.group(4)}", "hours"), clock(
            f"{match.group(5)}:{match.group(6)}", "hours"
        )
    except ValidationError:
        return None


def parse_hours(text: object) -> tuple[bool, list[tuple[int, datetime.time, datetime.time]]]:
    """Opening hours as written in a spreadsheet → (always_open, [(weekday, opens, closes)]).

    Accepts "24小时" / "24h" / "全天"; or parts separated by ";" / "；" / "," / newline, each
    "周一至周五 08:30-18:00", "周六 09:00-17:00", "Mon-Fri 08:30-18:00" or just "07:00-21:00"
    (every day); "24:00" means midnight. Raises a ValidationError naming ``hours``."""
    text = inputs.text(text, "hours")
    if not text:
        raise hours_required()
    if _ALWAYS.match(text):
        return True, []
    intervals = []
    for part in re.split(r"[;；,，\n]+", text):
        part = part.strip()
        if not part:
            continue
        match = _PART.match(part)
        times = _times(match) if match else None
        if times is None:
            raise field_error(
                "hours",
                _("Cannot read the opening hours %(part)s (write e.g. 周一至周五 08:30-18:00)."),
                "hours_invalid",
                {"part": part},
            )
        opens, closes = times
        d1, d2 = match.group("d1"), match.group("d2")
        if d1 is None:
            days = range(7)
        else:
            first, last = _DAY_NAMES[d1.lower()], _DAY_NAMES[(d2 or d1).lower()]
            days = range(first, last + 1) if first <= last else [*range(first, 7), *range(0, last + 1)]
        intervals.extend((day, opens, closes) for day in days)
    if not intervals:
        raise hours_required()
    return False, sorted(set(intervals))


def clean_intervals(intervals) -> list[tuple[int, datetime.time, datetime.time]]:
    """Weekly intervals ``(weekday, opens, closes)`` — weekday 0 (Monday) to 6, times as typed
    (``08:30``) or already read —, sorted and without repeats. An error names its place:
    ``intervals.<i>.weekday``, ``.opens`` or ``.closes``."""
    out = []
    for i, item in enumerate(intervals or []):
        try:
            day, opens, closes = item
        except (TypeError, ValueError):
            raise field_error(
                f"intervals.{i}",
                _("Each interval needs a weekday, an opening and a closing time."),
                "hours_invalid",
            ) from None
        out.append(
            (
                inputs.integer(day, f"intervals.{i}.weekday", minimum=0, maximum=6),
                clock(opens, f"intervals.{i}.opens"),
                clock(closes, f"intervals.{i}.closes"),
            )
        )
    return sorted(set(out))


def clean_hours(*, text: object = None, always_open: bool = False, intervals=None) -> tuple[bool, list]:
    """The weekly hours → (always_open, intervals): from ``text`` as written
    (:func:`parse_hours`) when given, else from ``always_open`` or ``intervals``
    (:func:`clean_intervals`). Hours that never open are refused (``hours``)."""
    if text is not None:
        return parse_hours(text)
    if always_open:
        return True, []
    intervals = clean_intervals(intervals)
    if not intervals:
        raise hours_required()
    return False, intervals


def format_hours(station: Station) -> str:
    """The hours as one line of text (the inverse of :func:`parse_hours`)."""
    if station.always_open:
        return "24小时"
    by_times: dict[tuple, list[int]] = {}
    for h in station.hours.all():
        by_times.setdefault((h.opens, h.closes), []).append(h.weekday)
    names = "一二三四五六日"
    parts = []
    for (opens, closes), days in sorted(by_times.items(), key=lambda kv: (min(kv[1]), kv[0])):
        days = sorted(set(days))
        runs, start = [], days[0]
        for prev, cur in zip(days, [*days[1:], None], strict=True):
            if cur != prev + 1 if cur is not None else True:
                runs.append((start, prev))
                start = cur
        label = "、".join(f"周{names[a]}" if a == b else f"周{names[a]}至周{names[b]}" for a, b in runs)
        end = "24:00" if closes == datetime.time(0, 0) else closes.strftime("%H:%M")
        parts.append(f"{label} {opens.strftime('%H:%M')}-{end}")
    return "；".join(parts)


def clean_station(data: dict, *, partial: bool = False) -> dict:
    """Validate station fields (from a form, the API or a spreadsheet row) → clean values.
    Raises one ValidationError with every field's error. With ``partial`` only the given keys
    are checked. Hours come as ``hours`` text, or as ``always_open`` and ``intervals``."""

    def wanted(*keys):
        return not partial or any(k in data for k in keys)

    readers: dict = {}
    for field, required in (
        ("name", True),
        ("address", True),
        ("host_unit", False),
        ("phone", False),
        ("note", False),
    ):
        if wanted(field):
            # the note to workers is prose (Chinese punctuation kept); names are cleaned
            readers[field] = lambda f=field, r=required: inputs.text(
                data.get(f, ""), f, required=r, max_length=TEXT_LIMITS[f], prose=f == "note"
            )
    if wanted("division_code"):
        readers["division_code"] = lambda: validate_division_code(data.get("division_code"))
    if wanted("lat", "lng", "crs"):
        readers["lat"] = lambda: parse_point(data.get("lat"), data.get("lng"), data.get("crs"))
    if wanted("facilities"):
        readers["facilities"] = lambda: clean_facilities(data.get("facilities") or [])
    if wanted("six_has"):
        readers["six_has"] = lambda: clean_six_has(data.get("six_has") or [])
    for field, choices, default in (("status", Status, Status.OPEN), ("tier", Tier, Tier.ORDINARY)):
        if wanted(field):
            readers[field] = lambda f=field, c=choices, d=default: inputs.choice(
                inputs.text(data.get(f), f) or d, f, c
            )
    if wanted("hours", "always_open"):
        if "intervals" in data:
            readers["hours"] = lambda: clean_hours(
                always_open=data.get("always_open"), intervals=data["intervals"]
            )
        else:
            readers["hours"] = lambda: parse_hours(data.get("hours"))
    if wanted("verified_on") and data.get("verified_on"):
        readers["verified_on"] = lambda: inputs.date(data["verified_on"], "verified_on", not_future=True)
    out = read_all(readers)
    if "lat" in out:
        out["lat"], out["lng"] = out["lat"]
    if "hours" in out:
        out["always_open"], out["intervals"] = out.pop("hours")
    return out
