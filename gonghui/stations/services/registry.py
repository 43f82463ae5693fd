"""The station registry: create and edit stations, their hours, exceptions, status, keeper,
六有 checklist and photos. Union officers (``manage_stations`` on the owning union's subtree)
may do everything; a station's keeper may update its status, hours, exceptions, photos and
verification from a phone, nothing else. Every change is audited.

Coordinates come in any supported system and are stored as WGS-84 (``geo.to_wgs84``).
"""

import datetime
import hashlib
import math
import re
import secrets

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core import audit, inputs, uploads
from gonghui.core.inputs import InputCode, field_error
from gonghui.core.validation import merge_errors
from gonghui.core.validators import validate_division_code
from gonghui.stations import geo, permissions, search
from gonghui.stations.choices import AuditAction, Crs, Facility, SixHas, Status, Tier
from gonghui.stations.models import HoursException, OpeningHours, Photo, Station

PHOTO_MAX_BYTES = 5 * 1024 * 1024
PHOTO_TYPES = {"image/jpeg", "image/png"}
MAX_PHOTOS = 12

# The choices' codes, once (``TextChoices.values`` builds a new list on every access).
_CRS = tuple(Crs.values)
_FACILITIES = tuple(Facility.values)  # in their canonical order
_SIX_HAS = frozenset(SixHas.values)

_TEXT_LIMITS = {"name": 80, "host_unit": 120, "address": 200, "phone": 20, "note": 200}
EXCEPTION_NOTE_MAX = 120


# --- parsing ---------------------------------------------------------------------------------


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


def _hours_required() -> ValidationError:
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
        raise _hours_required()
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
        raise _hours_required()
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
        raise _hours_required()
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
                data.get(f, ""), f, required=r, max_length=_TEXT_LIMITS[f], prose=f == "note"
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


# --- writing ---------------------------------------------------------------------------------


def _next_code(division_code: str) -> str:
    last = (
        Station.objects.filter(code__startswith=f"{division_code}-")
        .order_by("-code")
        .values_list("code", flat=True)
        .first()
    )
    number = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{division_code}-{number:05d}"


def _place(station: Station, lat: float, lng: float) -> None:
    station.lat, station.lng = lat, lng
    station.cell_y, station.cell_x = search.cell_of(lat, lng)


def _write_hours(station: Station, always_open: bool, intervals) -> None:
    station.always_open = always_open
    OpeningHours.objects.filter(station=station).delete()
    if not always_open:
        OpeningHours.objects.bulk_create(
            OpeningHours(station=station, weekday=d, opens=o, closes=c) for d, o, c in intervals
        )


def _new_station(*, organisation, values: dict, code: str, keeper=None) -> tuple[Station, list]:
    """An unsaved station from :func:`clean_station` values, and its weekly intervals (empty
    when always open)."""
    values = dict(values)
    intervals = values.pop("intervals")
    always_open = values.pop("always_open")
    station = Station(
        organisation=organisation,
        code=code,
        keeper=keeper,
        six_has_score=len(values.get("six_has", [])),
        always_open=always_open,
        checkin_key=secrets.token_urlsafe(16),
        **{k: v for k, v in values.items() if k not in {"lat", "lng"}},
    )
    _place(station, values["lat"], values["lng"])
    return station, intervals


def _created_entry(actor, station: Station):
    return audit.entry(
        actor=actor,
        action=AuditAction.STATION_CREATED,
        obj=station,
        organisation_id=station.organisation_id,
        changes={"name": [None, station.name], "code": [None, station.code]},
    )


def station_create(*, actor, organisation, data: dict, keeper=None) -> Station:
    """A new station owned by ``organisation`` (in the actor's subtree, manage_stations)."""
    permissions.require_manage_in(actor, organisation)
    values = clean_station(data)
    for attempt in range(5):
        try:
            with transaction.atomic():
                station, intervals = _new_station(
                    organisation=organisation,
                    values=values,
                    code=_next_code(values["division_code"]),
                    keeper=keeper,
                )
                station.save()
                _write_hours(station, station.always_open, intervals)
                audit.record_many([_created_entry(actor, station)])
            return station
        except IntegrityError:
            if attempt == 4:
                raise
    raise AssertionError("unreachable")


def stations_create_many(*, actor, items: list[tuple[object, dict]], batch_size: int = 500) -> list[Station]:
    """Create many stations at once — the spreadsheet import: ``items`` are (owning union,
    field data) pairs. The same checks, numbering and one audit entry per station as
    :func:`station_create`, written in batches (a few queries per 500 stations instead of
    seven per station). All or nothing: any error raises and writes nothing. Numbers continue
    each district's sequence; when another import took the same numbers meanwhile, the whole
    batch is numbered again (up to 3 times)."""
    for organisation in {o.pk: o for o, _data in items}.values():
        permissions.require_manage_in(actor, organisation)
    prepared = [(organisation, clean_station(data)) for organisation, data in items]
    for attempt in range(3):
        try:
            with transaction.atomic():
                numbers: dict[str, int] = {}
                stations, hours = [], []
                for organisation, values in prepared:
                    division = values["division_code"]
                    if division not in numbers:
                        numbers[division] = int(_next_code(division).rsplit("-", 1)[1])
                    code = f"{division}-{numbers[division]:05d}"
                    numbers[division] += 1
                    station, intervals = _new_station(organisation=organisation, values=values, code=code)
                    stations.append(station)
                    hours += [
                        OpeningHours(station=station, weekday=d, opens=o, closes=c) for d, o, c in intervals
                    ]
                Station.objects.bulk_create(stations, batch_size=batch_size)
                OpeningHours.objects.bulk_create(hours, batch_size=batch_size * 4)
                audit.record_many((_created_entry(actor, s) for s in stations), batch_size=batch_size)
            return stations
        except IntegrityError:
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


_EDITABLE = [
    "name",
    "host_unit",
    "address",
    "division_code",
    "phone",
    "note",
    "facilities",
    "six_has",
    "status",
    "tier",
    "verified_on",
]


def station_update(*, actor, station: Station, data: dict) -> Station:
    """Edit a station (officers). Only the given keys change; hours if ``hours``/``intervals``
    given; coordinates if ``lat``/``lng`` given (with ``crs``)."""
    permissions.require_manage(actor, station)
    values = clean_station(data, partial=True)
    with transaction.atomic():
        station = Station.objects.select_for_update().get(pk=station.pk)
        changes = {}
        for field in _EDITABLE:
            if field in values and getattr(station, field) != values[field]:
                changes[field] = [str(getattr(station, field)), str(values[field])]
                setattr(station, field, values[field])
        if "six_has" in values:
            station.six_has_score = len(station.six_has)
        if "lat" in values and (station.lat, station.lng) != (values["lat"], values["lng"]):
            changes["location"] = [f"{station.lat},{station.lng}", f"{values['lat']},{values['lng']}"]
            _place(station, values["lat"], values["lng"])
        if "intervals" in values:
            _write_hours(station, values["always_open"], values["intervals"])
            changes["hours"] = ["", format_hours(station)]
        station.save()
        audit.record(
            actor=actor, action=AuditAction.STATION_UPDATED, obj=station,
            organisation_id=station.organisation_id, changes=changes,
        )  # fmt: skip
    return station


def status_set(*, actor, station: Station, status: str, note: str = "") -> Station:
    """The keeper (or an officer) opens or closes the station or marks it under maintenance;
    ``note`` tells workers why (shown on the station page)."""
    permissions.require_keep(actor, station)
    status = inputs.choice(inputs.text(status, "status"), "status", Status)
    note = inputs.text(note, "note", prose=True, max_length=_TEXT_LIMITS["note"])
    with transaction.atomic():
        before = station.status
        station.status, station.note = status, note
        station.save(update_fields=["status", "note", "updated_at"])
        audit.record(
            actor=actor, action=AuditAction.STATION_STATUS, obj=station,
            organisation_id=station.organisation_id, changes={"status": [before, status]}, reason=note,
        )  # fmt: skip
    return station


def hours_set(
    *, actor, station: Station, text: object = None, always_open: bool = False, intervals=None
) -> Station:
    """Replace the weekly hours (keeper or officer): ``text`` as written ("24小时", "周一至周五
    08:30-18:00；周六 09:00-12:00"), or ``always_open``, or ``intervals`` of (weekday, opens,
    closes) with the times as typed ("08:30") or read; read here, once, for every caller
    (:func:`clean_hours`)."""
    permissions.require_keep(actor, station)
    always_open, intervals = clean_hours(text=text, always_open=always_open, intervals=intervals)
    with transaction.atomic():
        before = format_hours(station)
        _write_hours(station, always_open, intervals)
        station.save(update_fields=["always_open", "updated_at"])
        station = Station.objects.get(pk=station.pk)
        audit.record(
            actor=actor, action=AuditAction.STATION_HOURS, obj=station,
            organisation_id=station.organisation_id, changes={"hours": [before, format_hours(station)]},
        )  # fmt: skip
    return station


def exception_set(
    *, actor, station: Station, date: object, closed: bool, opens=None, closes=None, note: str = ""
) -> HoursException:
    """Other hours on one date (holiday, repairs): closed all day, or open opens–closes (times
    as typed or read)."""
    permissions.require_keep(actor, station)

    def times():
        if closed:
            return None, None
        if opens in (None, "") or closes in (None, ""):
            raise field_error(
                "opens", _("Give the opening and closing time, or mark the day closed."), "hours_invalid"
            )
        return clock(opens, "opens"), clock(closes, "closes")

    values = read_all(
        {
            "date": lambda: inputs.date(date, "date"),
            "times": times,
            "note": lambda: inputs.text(note, "note", prose=True, max_length=EXCEPTION_NOTE_MAX),
        }
    )
    values["opens"], values["closes"] = values.pop("times")
    with transaction.atomic():
        exception, _created = HoursException.objects.update_or_create(
            station=station,
            date=values["date"],
            defaults={
                "closed": closed,
                "opens": values["opens"],
                "closes": values["closes"],
                "note": values["note"],
            },
        )
        audit.record(
            actor=actor, action=AuditAction.STATION_EXCEPTION, obj=station,
            organisation_id=station.organisation_id,
            changes={"date": [None, values["date"].isoformat()], "closed": [None, closed]},
            reason=values["note"],
        )  # fmt: skip
    return exception


def exception_delete(*, actor, exception: HoursException) -> None:
    """Remove a special day (keeper or officer)."""
    permissions.require_keep(actor, exception.station)
    with transaction.atomic():
        audit.record(
            actor=actor, action=AuditAction.STATION_EXCEPTION_REMOVED, obj=exception.station,
            organisation_id=exception.station.organisation_id, changes={"date": [exception.date.isoformat(), None]},
        )  # fmt: skip
        exception.delete()


def verify(*, actor, station: Station, on: object = None) -> Station:
    """Someone checked on site that the record is right (keeper or officer): today, or the day
    ``on`` (``YYYY-MM-DD`` or a date), which may not be in the future."""
    permissions.require_keep(actor, station)
    on = inputs.date(on, "on", required=False, not_future=True) or timezone.localdate()
    with transaction.atomic():
        before = station.verified_on
        station.verified_on = on
        station.save(update_fields=["verified_on", "updated_at"])
        audit.record(
            actor=actor, action=AuditAction.STATION_VERIFIED, obj=station,
            organisation_id=station.organisation_id,
            changes={"verified_on": [before.isoformat() if before else None, on.isoformat()]},
        )  # fmt: skip
    return station


def keeper_set(*, actor, station: Station, keeper) -> Station:
    """Name the keeper (a user account; an officer of the owning union does this)."""
    permissions.require_manage(actor, station)
    with transaction.atomic():
        before = station.keeper_id
        station.keeper = keeper
        station.save(update_fields=["keeper", "updated_at"])
        audit.record(
            actor=actor, action=AuditAction.STATION_KEEPER, obj=station,
            organisation_id=station.organisation_id,
            changes={"keeper": [str(before) if before else None, str(keeper.pk) if keeper else None]},
        )  # fmt: skip
    return station


def photo_add(*, actor, station: Station, upload) -> Photo:
    """A JPEG or PNG photo (type by its first bytes, ≤ 5 MB, at most 12 per station)."""
    permissions.require_keep(actor, station)
    data = uploads.read_bounded(upload, PHOTO_MAX_BYTES)
    if data is None:
        raise field_error("photo", _("The photo is larger than 5 MB."), "too_large")
    content_type = uploads.sniff(data)
    if content_type not in PHOTO_TYPES:
        raise field_error("photo", _("Upload a JPEG or PNG photo."), "bad_type")
    if station.photos.count() >= MAX_PHOTOS:
        raise field_error("photo", _("A station has at most 12 photos."), "too_many")
    with transaction.atomic():
        photo = Photo.objects.create(
            station=station,
            name=uploads.safe_name(getattr(upload, "name", "")),
            content_type=content_type,
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            data=data,
            uploaded_by=actor if permissions.signed_in(actor) else None,
        )
        audit.record(
            actor=actor, action=AuditAction.PHOTO_ADDED, obj=station,
            organisation_id=station.organisation_id, changes={"photo": [None, photo.name]},
        )  # fmt: skip
    return photo


def photo_delete(*, actor, photo: Photo) -> None:
    """Remove a photo (keeper or officer)."""
    permissions.require_keep(actor, photo.station)
    with transaction.atomic():
        audit.record(
            actor=actor, action=AuditAction.PHOTO_REMOVED, obj=photo.station,
            organisation_id=photo.station.organisation_id, changes={"photo": [photo.name, None]},
        )  # fmt: skip
        photo.delete()
