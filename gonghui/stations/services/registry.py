"""The station registry: create and edit stations, their hours, exceptions, status, keeper,
六有 checklist and photos. Union officers (``manage_stations`` on the owning union's subtree)
may do everything; a station's keeper may update its status, hours, exceptions, photos and
verification from a phone, nothing else. Every change is audited.

What a station's fields accept (coordinates in any supported system, stored as WGS-84; hours as
written; facilities; the 六有 checklist) is read in ``services.fields``.
"""

import hashlib
import secrets

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core import audit, inputs, uploads
from gonghui.core.inputs import field_error
from gonghui.stations import permissions, search
from gonghui.stations.choices import AuditAction, Status
from gonghui.stations.models import HoursException, OpeningHours, Photo, Station
from gonghui.stations.services import fields

PHOTO_MAX_BYTES = 5 * 1024 * 1024
PHOTO_TYPES = {"image/jpeg", "image/png"}
MAX_PHOTOS = 12


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
    """An unsaved station from ``fields.clean_station`` values, and its weekly intervals (empty
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
    values = fields.clean_station(data)
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
    prepared = [(organisation, fields.clean_station(data)) for organisation, data in items]
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
    values = fields.clean_station(data, partial=True)
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
            changes["hours"] = ["", fields.format_hours(station)]
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
    note = inputs.text(note, "note", prose=True, max_length=fields.TEXT_LIMITS["note"])
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
    (``fields.clean_hours``)."""
    permissions.require_keep(actor, station)
    always_open, intervals = fields.clean_hours(text=text, always_open=always_open, intervals=intervals)
    with transaction.atomic():
        before = fields.format_hours(station)
        _write_hours(station, always_open, intervals)
        station.save(update_fields=["always_open", "updated_at"])
        station = Station.objects.get(pk=station.pk)
        audit.record(
            actor=actor, action=AuditAction.STATION_HOURS, obj=station,
            organisation_id=station.organisation_id, changes={"hours": [before, fields.format_hours(station)]},
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
        return fields.clock(opens, "opens"), fields.clock(closes, "closes")

    values = fields.read_all(
        {
            "date": lambda: inputs.date(date, "date"),
            "times": times,
            "note": lambda: inputs.text(note, "note", prose=True, max_length=fields.EXCEPTION_NOTE_MAX),
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
        raise field_error("photo", _("The photo is larger than 5 MB."), "file_too_large")
    content_type = uploads.sniff(data)
    if content_type not in PHOTO_TYPES:
        raise field_error("photo", _("Upload a JPEG or PNG photo."), "file_type")
    if station.photos.count() >= MAX_PHOTOS:
        raise field_error("photo", _("A station has at most 12 photos."), "too_many_files")
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
