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

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core import audit, uploads
from gonghui.core.text import clean, prose
from gonghui.core.validation import keyed, merge_errors
from gonghui.core.validators import validate_division_code
from gonghui.organisations import scoping
from gonghui.stations import geo, search
from gonghui.stations.choices import Crs, Facility, SixHas, Status, Tier
from gonghui.stations.models import HoursException, OpeningHours, Photo, Station

Action = scoping.Action

PHOTO_MAX_BYTES = 5 * 1024 * 1024
PHOTO_TYPES = {"image/jpeg", "image/png"}
MAX_PHOTOS = 12

# The choices' codes, once (``TextChoices.values`` builds a new list on every access).
_FACILITIES = tuple(Facility.values)  # in their canonical order
_SIX_HAS = frozenset(SixHas.values)
_STATUSES = frozenset(Status.values)
_TIERS = frozenset(Tier.values)

_TEXT_LIMITS = {"name": 80, "host_unit": 120, "address": 200, "phone": 20, "note": 200}


# --- who may do what -------------------------------------------------------------------------


def can_manage(user, station: Station) -> bool:
    return scoping.can(user, Action.MANAGE_STATIONS, station.organisation)


def can_keep(user, station: Station) -> bool:
    """The keeper of the station, or an officer who manages it."""
    if getattr(user, "is_authenticated", False) and station.keeper_id == user.pk:
        return True
    return can_manage(user, station)


def _require_keep(user, station: Station) -> None:
    if not can_keep(user, station):
        raise PermissionDenied


# --- parsing ---------------------------------------------------------------------------------


def parse_coordinate(value: object, field: str, *, low: float, high: float) -> float:
    """A finite number within [low, high] (a decimal string or a number), else a ValidationError
    naming ``field``."""
    if isinstance(value, bool):
        value = None
    try:
        number = float(clean(value)) if isinstance(value, str) else float(value)
    except ValidationError as exc:  # control characters
        raise keyed(exc, field) from None
    except (TypeError, ValueError):
        raise ValidationError({field: ValidationError(_("Give a number."), code="not_a_number")}) from None
    if not math.isfinite(number) or not low <= number <= high:
        raise ValidationError(
            {
                field: ValidationError(
                    _("Must be between %(low)s and %(high)s.") % {"low": low, "high": high},
                    code="out_of_range",
                )
            }
        )
    return number


def parse_point(lat: object, lng: object, crs: object = Crs.WGS84) -> tuple[float, float]:
    """(lat, lng) in WGS-84 from a point in ``crs``; errors name ``lat``, ``lng`` or ``crs``."""
    errors = {}
    try:
        crs = clean(crs or Crs.WGS84).lower()
    except ValidationError as exc:
        merge_errors(errors, exc, field="crs")
    else:
        if crs not in Crs.values:
            errors["crs"] = ValidationError(
                _("Use one of %(choices)s.") % {"choices": ", ".join(Crs.values)}, code="invalid_choice"
            )
    values = {}
    for field, raw, low, high in (("lat", lat, -90.0, 90.0), ("lng", lng, -180.0, 180.0)):
        try:
            values[field] = parse_coordinate(raw, field, low=low, high=high)
        except ValidationError as exc:
            merge_errors(errors, exc, field=field)
    if errors:
        raise ValidationError(errors)
    return geo.to_wgs84(values["lat"], values["lng"], crs)


def clean_facilities(values) -> list[str]:
    if isinstance(values, str):
        values = [v for v in re.split(r"[,，、;；\s]+", values) if v]
    chosen = []
    for value in values or []:
        try:
            value = clean(value)
        except ValidationError as exc:
            raise keyed(exc, "facilities") from None
        code = value if value in _FACILITIES else _FACILITY_BY_LABEL.get(value)
        if code is None:
            raise ValidationError(
                {
                    "facilities": ValidationError(
                        _("Unknown facility %(value)s.") % {"value": value}, code="invalid_choice"
                    )
                }
            )
        if code not in chosen:
            chosen.append(code)
    return [f for f in _FACILITIES if f in chosen]  # canonical order


def clean_six_has(values) -> list[str]:
    chosen = set()
    for value in values or []:
        if value not in _SIX_HAS:
            raise ValidationError(
                {
                    "six_has": ValidationError(
                        _("Unknown 六有 item %(value)s.") % {"value": value}, code="invalid_choice"
                    )
                }
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


def _time(hours: str, minutes: str) -> datetime.time:
    h, m = int(hours), int(minutes)
    if h == 24 and m == 0:
        return datetime.time(0, 0)
    return datetime.time(h, m)  # raises ValueError when out of range


def parse_hours(text: object) -> tuple[bool, list[tuple[int, datetime.time, datetime.time]]]:
    """Opening hours as written in a spreadsheet → (always_open, [(weekday, opens, closes)]).

    Accepts "24小时" / "24h" / "全天"; or parts separated by ";" / "；" / "," / newline, each
    "周一至周五 08:30-18:00", "周六 09:00-17:00", "Mon-Fri 08:30-18:00" or just "07:00-21:00"
    (every day); "24:00" means midnight. Raises a ValidationError naming ``hours``."""
    try:
        text = clean(text)
    except ValidationError as exc:
        raise keyed(exc, "hours") from None
    if not text:
        raise ValidationError({"hours": ValidationError(_("Give the opening hours."), code="hours_required")})
    if _ALWAYS.match(text):
        return True, []
    intervals = []
    for part in re.split(r"[;；,，\n]+", text):
        part = part.strip()
        if not part:
            continue
        match = _PART.match(part)
        try:
            if match is None:
                raise ValueError
            opens = _time(match.group(3), match.group(4))
            closes = _time(match.group(5), match.group(6))
        except ValueError:
            raise ValidationError(
                {
                    "hours": ValidationError(
                        _("Cannot read the opening hours %(part)s (write e.g. 周一至周五 08:30-18:00).")
                        % {"part": part},
                        code="hours_invalid",
                    )
                }
            ) from None
        d1, d2 = match.group("d1"), match.group("d2")
        if d1 is None:
            days = range(7)
        else:
            first, last = _DAY_NAMES[d1.lower()], _DAY_NAMES[(d2 or d1).lower()]
            days = range(first, last + 1) if first <= last else [*range(first, 7), *range(0, last + 1)]
        intervals.extend((day, opens, closes) for day in days)
    if not intervals:
        raise ValidationError({"hours": ValidationError(_("Give the opening hours."), code="hours_required")})
    return False, sorted(set(intervals))


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


def _text(data: dict, field: str, *, required: bool, errors: dict) -> str:
    # the note to workers is prose (Chinese punctuation kept); names and addresses are cleaned
    try:
        value = (prose if field == "note" else clean)(data.get(field, ""))
    except ValidationError as exc:
        merge_errors(errors, exc, field=field)
        return ""
    if required and not value:
        errors[field] = ValidationError(_("This field is required."), code="required")
    elif len(value) > _TEXT_LIMITS[field]:
        errors[field] = ValidationError(
            _("At most %(n)d characters.") % {"n": _TEXT_LIMITS[field]}, code="too_long"
        )
    return value


def clean_station(data: dict, *, partial: bool = False) -> dict:
    """Validate station fields (from a form, the API or a spreadsheet row) → clean values.
    Raises one ValidationError with every field's error. With ``partial`` only the given keys
    are checked."""
    errors: dict[str, ValidationError] = {}
    out: dict = {}

    def wanted(*keys):
        return not partial or any(k in data for k in keys)

    for field, required in (
        ("name", True),
        ("address", True),
        ("host_unit", False),
        ("phone", False),
        ("note", False),
    ):
        if wanted(field):
            out[field] = _text(data, field, required=required, errors=errors)
    if wanted("division_code"):
        try:
            out["division_code"] = validate_division_code(data.get("division_code"))
        except ValidationError as exc:
            merge_errors(errors, exc, field="division_code")
    if wanted("lat", "lng", "crs"):
        try:
            out["lat"], out["lng"] = parse_point(
                data.get("lat"), data.get("lng"), data.get("crs") or Crs.WGS84
            )
        except ValidationError as exc:
            merge_errors(errors, exc, field="lat")
    for field, fn in (("facilities", clean_facilities), ("six_has", clean_six_has)):
        if wanted(field):
            try:
                out[field] = fn(data.get(field) or [])
            except ValidationError as exc:
                merge_errors(errors, exc, field=field)
    for field, choices in (("status", _STATUSES), ("tier", _TIERS)):
        if wanted(field):
            try:
                value = clean(data.get(field) or (Status.OPEN if field == "status" else Tier.ORDINARY))
            except ValidationError as exc:
                merge_errors(errors, exc, field=field)
                continue
            if value not in choices:
                errors[field] = ValidationError(_("Choose a value from the list."), code="invalid_choice")
            else:
                out[field] = value
    if wanted("hours", "always_open"):
        if "intervals" in data:
            out["always_open"] = bool(data.get("always_open"))
            out["intervals"] = list(data["intervals"])
        else:
            try:
                out["always_open"], out["intervals"] = parse_hours(data.get("hours"))
            except ValidationError as exc:
                merge_errors(errors, exc, field="hours")
    if wanted("verified_on") and data.get("verified_on"):
        value = data["verified_on"]
        if isinstance(value, str):
            try:
                value = datetime.date.fromisoformat(value.strip())
            except ValueError:
                value = None
        if not isinstance(value, datetime.date) or value > timezone.localdate():
            errors["verified_on"] = ValidationError(
                _("Give a date that is not in the future."), code="date_invalid"
            )
        else:
            out["verified_on"] = value
    if errors:
        raise ValidationError(errors)
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


def _validate_intervals(intervals) -> list[tuple[int, datetime.time, datetime.time]]:
    clean_intervals = []
    for item in intervals:
        try:
            day, opens, closes = item
            if not (
                isinstance(day, int)
                and 0 <= day <= 6
                and isinstance(opens, datetime.time)
                and isinstance(closes, datetime.time)
            ):
                raise ValueError
        except (TypeError, ValueError):
            raise ValidationError(
                {
                    "hours": ValidationError(
                        _("Each interval needs a weekday, an opening and a closing time."),
                        code="hours_invalid",
                    )
                }
            ) from None
        clean_intervals.append((day, opens, closes))
    return sorted(set(clean_intervals))


def _new_station(*, organisation, values: dict, code: str, keeper=None) -> tuple[Station, list]:
    """An unsaved station from :func:`clean_station` values, and its weekly intervals (empty
    when always open); raises a ValidationError when the hours are missing or overlap."""
    values = dict(values)
    intervals = _validate_intervals(values.pop("intervals"))
    always_open = values.pop("always_open")
    if not always_open and not intervals:
        raise ValidationError({"hours": ValidationError(_("Give the opening hours."), code="hours_required")})
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
        action="stations.station.created",
        obj=station,
        organisation_id=station.organisation_id,
        changes={"name": [None, station.name], "code": [None, station.code]},
    )


def station_create(*, actor, organisation, data: dict, keeper=None) -> Station:
    """A new station owned by ``organisation`` (in the actor's subtree, manage_stations)."""
    scoping.require(actor, Action.MANAGE_STATIONS, organisation)
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
        scoping.require(actor, Action.MANAGE_STATIONS, organisation)
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
    scoping.require(actor, Action.MANAGE_STATIONS, station.organisation)
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
            _write_hours(station, values["always_open"], _validate_intervals(values["intervals"]))
            changes["hours"] = ["", format_hours(station)]
        station.save()
        audit.record(
            actor=actor, action="stations.station.updated", obj=station,
            organisation_id=station.organisation_id, changes=changes,
        )  # fmt: skip
    return station


def status_set(*, actor, station: Station, status: str, note: str = "") -> Station:
    """The keeper (or an officer) opens or closes the station or marks it under maintenance;
    ``note`` tells workers why (shown on the station page)."""
    _require_keep(actor, station)
    if status not in Status.values:
        raise ValidationError(
            {"status": ValidationError(_("Choose a value from the list."), code="invalid_choice")}
        )
    note = prose(note)
    if len(note) > _TEXT_LIMITS["note"]:
        raise ValidationError(
            {"note": ValidationError(_("At most %(n)d characters.") % {"n": 200}, code="too_long")}
        )
    with transaction.atomic():
        before = station.status
        station.status, station.note = status, note
        station.save(update_fields=["status", "note", "updated_at"])
        audit.record(
            actor=actor, action="stations.station.status", obj=station,
            organisation_id=station.organisation_id, changes={"status": [before, status]}, reason=note,
        )  # fmt: skip
    return station


def hours_set(*, actor, station: Station, always_open: bool, intervals) -> Station:
    """Replace the weekly hours (keeper or officer)."""
    _require_keep(actor, station)
    intervals = _validate_intervals(intervals)
    if not always_open and not intervals:
        raise ValidationError({"hours": ValidationError(_("Give the opening hours."), code="hours_required")})
    with transaction.atomic():
        before = format_hours(station)
        _write_hours(station, always_open, intervals)
        station.save(update_fields=["always_open", "updated_at"])
        station = Station.objects.get(pk=station.pk)
        audit.record(
            actor=actor, action="stations.station.hours", obj=station,
            organisation_id=station.organisation_id, changes={"hours": [before, format_hours(station)]},
        )  # fmt: skip
    return station


def exception_set(
    *, actor, station: Station, date: datetime.date, closed: bool, opens=None, closes=None, note: str = ""
) -> HoursException:
    """Other hours on one date (holiday, repairs): closed all day, or open opens–closes."""
    _require_keep(actor, station)
    errors = {}
    if not isinstance(date, datetime.date):
        errors["date"] = ValidationError(_("Give a date."), code="date_invalid")
    if not closed and not (isinstance(opens, datetime.time) and isinstance(closes, datetime.time)):
        errors["opens"] = ValidationError(
            _("Give the opening and closing time, or mark the day closed."), code="hours_invalid"
        )
    note = prose(note)[:120]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        exception, _created = HoursException.objects.update_or_create(
            station=station,
            date=date,
            defaults={
                "closed": closed,
                "opens": None if closed else opens,
                "closes": None if closed else closes,
                "note": note,
            },
        )
        audit.record(
            actor=actor, action="stations.station.exception", obj=station,
            organisation_id=station.organisation_id,
            changes={"date": [None, date.isoformat()], "closed": [None, closed]}, reason=note,
        )  # fmt: skip
    return exception


def exception_delete(*, actor, exception: HoursException) -> None:
    _require_keep(actor, exception.station)
    with transaction.atomic():
        audit.record(
            actor=actor, action="stations.station.exception_removed", obj=exception.station,
            organisation_id=exception.station.organisation_id, changes={"date": [exception.date.isoformat(), None]},
        )  # fmt: skip
        exception.delete()


def verify(*, actor, station: Station, on: datetime.date | None = None) -> Station:
    """Someone checked on site that the record is right today (keeper or officer)."""
    _require_keep(actor, station)
    on = on or timezone.localdate()
    with transaction.atomic():
        before = station.verified_on
        station.verified_on = on
        station.save(update_fields=["verified_on", "updated_at"])
        audit.record(
            actor=actor, action="stations.station.verified", obj=station,
            organisation_id=station.organisation_id,
            changes={"verified_on": [before.isoformat() if before else None, on.isoformat()]},
        )  # fmt: skip
    return station


def keeper_set(*, actor, station: Station, keeper) -> Station:
    """Name the keeper (a user account; an officer of the owning union does this)."""
    scoping.require(actor, Action.MANAGE_STATIONS, station.organisation)
    with transaction.atomic():
        before = station.keeper_id
        station.keeper = keeper
        station.save(update_fields=["keeper", "updated_at"])
        audit.record(
            actor=actor, action="stations.station.keeper", obj=station,
            organisation_id=station.organisation_id,
            changes={"keeper": [str(before) if before else None, str(keeper.pk) if keeper else None]},
        )  # fmt: skip
    return station


def photo_add(*, actor, station: Station, upload) -> Photo:
    """A JPEG or PNG photo (type by its first bytes, ≤ 5 MB, at most 12 per station)."""
    _require_keep(actor, station)
    data = uploads.read_bounded(upload, PHOTO_MAX_BYTES)
    if data is None:
        raise ValidationError(
            {"photo": ValidationError(_("The photo is larger than 5 MB."), code="too_large")}
        )
    content_type = uploads.sniff(data)
    if content_type not in PHOTO_TYPES:
        raise ValidationError({"photo": ValidationError(_("Upload a JPEG or PNG photo."), code="bad_type")})
    if station.photos.count() >= MAX_PHOTOS:
        raise ValidationError(
            {"photo": ValidationError(_("A station has at most 12 photos."), code="too_many")}
        )
    with transaction.atomic():
        photo = Photo.objects.create(
            station=station,
            name=uploads.safe_name(getattr(upload, "name", "")),
            content_type=content_type,
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            data=data,
            uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        audit.record(
            actor=actor, action="stations.photo.added", obj=station,
            organisation_id=station.organisation_id, changes={"photo": [None, photo.name]},
        )  # fmt: skip
    return photo


def photo_delete(*, actor, photo: Photo) -> None:
    _require_keep(actor, photo.station)
    with transaction.atomic():
        audit.record(
            actor=actor, action="stations.photo.removed", obj=photo.station,
            organisation_id=photo.station.organisation_id, changes={"photo": [photo.name, None]},
        )  # fmt: skip
        photo.delete()
