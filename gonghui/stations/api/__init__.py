"""Station API, mounted at /api/v1/stations (docs/product.md §4.4). Thin: parse → call → shape.

Public (no sign-in): the list, the nearest stations and a station's details. Officers
(``manage_stations`` on the owning union's subtree) create and edit stations; a station's keeper
may set its status and hours and verify it. Coordinates go out in WGS-84 unless ``crs`` asks for
GCJ-02 (高德/腾讯) or BD-09 (百度); ``nearest`` takes the caller's point in that system too.

The station registry's operations are here; problem reports, tickets, check-ins and suggested
sites in ``api/reports.py``, exports in ``api/io.py`` — one ``router`` for /api/v1/stations.
"""

import datetime
import math
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from gonghui.accounts.api import throttle_per_caller
from gonghui.core import inputs, pagination
from gonghui.core.api import error_answers, fresh, prevalidated_response
from gonghui.core.inputs import InputCode, field_error
from gonghui.organisations import scoping
from gonghui.organisations.api import OrgRef, org_ref
from gonghui.stations import geo, hours, search
from gonghui.stations.api.io import router as io_router
from gonghui.stations.api.reports import router as reports_router
from gonghui.stations.choices import Crs, Facility
from gonghui.stations.choices import Status as StationStatus
from gonghui.stations.selectors import stations as selectors
from gonghui.stations.services import fields, registry

router = Router(tags=["stations"])

NEAREST_DEFAULT = 10
NEAREST_MAX = 50


def _nearest_rate() -> int:
    """Nearest-station look-ups per client address per minute (0 = unlimited)."""
    return int(getattr(settings, "GONGHUI_STATIONS_NEAREST_RATE", 600))


_FACILITIES = tuple(Facility.values)
_TRUE, _FALSE = ("1", "true", "yes"), ("", "0", "false", "no")


def _facility(value: str) -> str:
    value = inputs.text(value, "facility")
    if value and value not in _FACILITIES:
        raise field_error(
            "facility", _("Unknown facility %(value)s."), InputCode.INVALID_CHOICE, {"value": value}
        )
    return value


def _bool(value: str, field: str) -> bool:
    """A yes/no query parameter: 1/true/yes or 0/false/no (blank: no), in any case."""
    value = inputs.text(value, field).lower()
    if value not in _TRUE + _FALSE:
        raise field_error(field, _("Enter true or false."), InputCode.INVALID_CHOICE)
    return value in _TRUE


def _limit(value: str) -> int:
    limit = inputs.integer(
        inputs.text(value, "limit"), "limit", required=False, minimum=1, maximum=NEAREST_MAX
    )
    return NEAREST_DEFAULT if limit is None else limit


def _point_out(station, crs: str) -> tuple[float, float]:
    lat, lng = geo.from_wgs84(station.lat, station.lng, crs)
    return round(lat, 7), round(lng, 7)


def _time(t: datetime.time | None) -> str | None:
    return None if t is None else t.strftime("%H:%M")


# --- schemas ---------------------------------------------------------------------------------


class StationItem(Schema):
    id: str
    code: str
    name: str
    lat: float
    lng: float
    open_now: bool
    facilities: list[str]
    status: str
    tier: str
    address: str
    organisation: OrgRef


class StationList(Schema):
    items: list[StationItem]
    count: int


class NearestItem(Schema):
    id: str
    name: str
    distance_m: int
    lat: float
    lng: float
    open_now: bool
    facilities: list[str]


class NearestList(Schema):
    items: list[NearestItem]


class HoursOut(Schema):
    weekday: int
    opens: str
    closes: str


class ExceptionOut(Schema):
    date: datetime.date
    closed: bool
    opens: str | None
    closes: str | None
    note: str


class ChangeOut(Schema):
    kind: str
    at: datetime.datetime


class StationDetail(StationItem):
    host_unit: str
    division_code: str
    phone: str
    note: str
    always_open: bool
    hours: list[HoursOut]
    hours_text: str
    exceptions: list[ExceptionOut]
    next_change: ChangeOut | None
    six_has: list[str]
    six_has_score: int
    verified_on: datetime.date | None


def _item(station, crs: str = Crs.WGS84, at=None) -> dict:
    lat, lng = _point_out(station, crs)
    return {
        "id": str(station.pk),
        "code": station.code,
        "name": station.name,
        "lat": lat,
        "lng": lng,
        "open_now": hours.is_open(station, at),
        "facilities": list(station.facilities),
        "status": station.status,
        "tier": station.tier,
        "address": station.address,
        "organisation": org_ref(station.organisation),
    }


def _detail(station, crs: str = Crs.WGS84) -> dict:
    now = timezone.now()
    change = hours.next_change(station, now)
    data = _item(station, crs, now)
    data.update(
        host_unit=station.host_unit,
        division_code=station.division_code,
        phone=station.phone,
        note=station.note,
        always_open=station.always_open,
        hours=[
            {"weekday": h.weekday, "opens": _time(h.opens), "closes": _time(h.closes)}
            for h in station.hours.all()
        ],
        hours_text=fields.format_hours(station),
        exceptions=[
            {
                "date": e.date,
                "closed": e.closed,
                "opens": _time(e.opens),
                "closes": _time(e.closes),
                "note": e.note,
            }
            for e in selectors.upcoming_exceptions(station)
        ],
        next_change={"kind": change.kind, "at": change.at} if change else None,
        six_has=list(station.six_has),
        six_has_score=station.six_has_score,
        verified_on=station.verified_on,
    )
    return data


# --- public reads ----------------------------------------------------------------------------


@router.get("", response=StationList, auth=None)
def list_stations(
    request,
    organisation: str = "",
    facility: str = "",
    status: str = "",
    q: str = "",
    crs: str = "",
    page: int = 1,
    page_size: int = 20,
):
    """Active stations of the country (public), by number. Filters: ``organisation`` (a union's
    code: its whole subtree), ``facility``, ``status``, ``q`` (name, address or number start).
    ``lat``/``lng`` in WGS-84 unless ``crs`` says otherwise."""
    req = pagination.parse(page, page_size)
    out_crs = fields.clean_crs(crs)
    org = None
    if organisation:
        org = selectors.organisation_by_code(inputs.text(organisation, "organisation"))
        if org is None:
            raise field_error("organisation", _("No union has this code."), "org_unknown")
    qs = selectors.public_stations(
        organisation=org,
        facility=_facility(facility),
        status=inputs.choice(inputs.text(status, "status"), "status", StationStatus, required=False),
        q=inputs.text(q, "q")[:80],
    )
    items, count = pagination.slice_queryset(qs, req)
    now = timezone.now()
    return {"items": [_item(s, out_crs, now) for s in items], "count": count}


@router.get("nearest", response={200: NearestList, **error_answers(429)}, auth=None)
def nearest_stations(
    request,
    lat: str = "",
    lng: str = "",
    crs: str = "",
    limit: str = "",
    open_now: str = "",
    facility: str = "",
):
    """The nearest active stations to the point (``lat``, ``lng`` in ``crs``: wgs84 default,
    gcj02, bd09), sorted by great-circle distance (``distance_m``, rounded to the metre; ties
    by id). ``limit`` 1–50 (default 10). Without ``open_now=true`` or ``facility`` every active
    station counts, whatever its status (``open_now`` tells); ``open_now=true`` keeps those open
    now, ``facility`` those that have it. Answers in the same ``crs``. Public, limited per
    client address."""
    throttle_per_caller(
        request,
        "stations-nearest",
        anonymous_limit=_nearest_rate(),
        user_limit=settings.GONGHUI_STATIONS_NEAREST_USER_RATE,
        window=60,
    )

    def read_point() -> tuple[float, float]:
        try:
            point_crs = fields.clean_crs(crs)
        except ValidationError:
            point_crs = Crs.WGS84  # a wrong crs is reported once, under "crs"
        return fields.parse_point(lat, lng, point_crs)

    # the point's errors first: lat and lng are what a caller most often gets wrong
    parsed = fields.read_all(
        {
            "lat": read_point,
            "crs": lambda: fields.clean_crs(crs),
            "limit": lambda: _limit(limit),
            "open_now": lambda: _bool(open_now, "open_now"),
            "facility": lambda: _facility(facility),
        }
    )
    point, out_crs = parsed["lat"], parsed["crs"]
    places = search.locate(
        point[0],
        point[1],
        limit=parsed["limit"],
        open_now=parsed["open_now"],
        facility=parsed["facility"] or None,
    )
    items = []
    for place in places:
        p_lat, p_lng = _point_out(place, out_crs)
        items.append(
            {
                "id": str(place.id),
                "name": place.name,
                "distance_m": int(math.floor(place.distance_m + 0.5)),
                "lat": p_lat,
                "lng": p_lng,
                "open_now": place.open_now,
                "facilities": place.facilities,
            }
        )
    # The busiest public read: items are built in NearestList's shape (a test checks the
    # output against it), so the response skips ninja's per-field validation.
    return prevalidated_response(request, {"items": items})


@router.get("{uuid:station_id}", response=StationDetail, auth=None)
def get_station(request, station_id: uuid.UUID, crs: str = ""):
    """A station's public details: hours (list and text), upcoming exceptions, when it next
    opens or closes, facilities, telephone. The keeper is not shown."""
    out_crs = fields.clean_crs(crs)
    return _detail(selectors.public_station_by_id_or_404(station_id), out_crs)


# --- officer and keeper writes ---------------------------------------------------------------


class StationIn(Schema):
    organisation: str
    name: str = ""
    address: str = ""
    division_code: str = ""
    lat: float | str | None = None
    lng: float | str | None = None
    crs: str = Crs.WGS84
    host_unit: str = ""
    phone: str = ""
    note: str = ""
    facilities: list[str] = []
    six_has: list[str] = []
    status: str = StationStatus.OPEN
    tier: str = ""
    hours: str = ""
    verified_on: str = ""


class StationPatch(Schema):
    name: str | None = None
    address: str | None = None
    division_code: str | None = None
    lat: float | str | None = None
    lng: float | str | None = None
    crs: str | None = None
    host_unit: str | None = None
    phone: str | None = None
    note: str | None = None
    facilities: list[str] | None = None
    six_has: list[str] | None = None
    status: str | None = None
    tier: str | None = None
    hours: str | None = None
    verified_on: str | None = None


class StationStatusIn(Schema):
    status: str = ""
    note: str = ""


class IntervalIn(Schema):
    weekday: int
    opens: str
    closes: str


class HoursIn(Schema):
    hours: str | None = None
    always_open: bool = False
    intervals: list[IntervalIn] | None = None


class VerifyIn(Schema):
    on: datetime.date | None = None


@router.post("", response={201: StationDetail})
def create_station(request, payload: StationIn):
    """A new station of the union ``organisation`` (its code; ``manage_stations`` there). Hours
    as text ("24小时", "周一至周五 08:30-18:00；周六 09:00-12:00"); ``lat``/``lng`` in ``crs``."""
    org = scoping.get_organisation_or_404(
        request.user, inputs.text(payload.organisation, "organisation"), scoping.Action.MANAGE_STATIONS
    )
    data = payload.dict()
    data.pop("organisation")
    data = {k: v for k, v in data.items() if v not in ("", None)}
    station = registry.station_create(actor=request.user, organisation=org, data=data)
    return Status(201, fresh(_detail, selectors.station_or_404, request, station.pk))


@router.patch("{uuid:station_id}", response=StationDetail)
def update_station(request, station_id: uuid.UUID, payload: StationPatch):
    """Change the given fields (officers of the owning union). ``lat``/``lng`` together, in
    ``crs``; ``hours`` as text replaces the weekly hours."""
    station = selectors.station_or_404(request.user, station_id)
    data = payload.dict(exclude_unset=True)
    if any(k in data for k in ("lat", "lng", "crs")):
        for key in ("lat", "lng"):
            data.setdefault(key, None)
    registry.station_update(actor=request.user, station=station, data=data)
    return fresh(_detail, selectors.station_or_404, request, station.pk)


@router.post("{uuid:station_id}/status", response=StationDetail)
def set_station_status(request, station_id: uuid.UUID, payload: StationStatusIn):
    """Open, close or mark under maintenance (the keeper or an officer), with a note for
    workers."""
    station = selectors.station_or_404(request.user, station_id)
    registry.status_set(actor=request.user, station=station, status=payload.status, note=payload.note)
    return fresh(_detail, selectors.station_or_404, request, station.pk)


@router.put("{uuid:station_id}/hours", response=StationDetail)
def set_station_hours(request, station_id: uuid.UUID, payload: HoursIn):
    """Replace the weekly hours (the keeper or an officer): ``hours`` as text, or
    ``always_open`` / ``intervals`` [{weekday 0–6 (Monday 0), opens, closes "HH:MM"}];
    ``closes`` at or before ``opens`` runs past midnight."""
    station = selectors.station_or_404(request.user, station_id)
    registry.hours_set(
        actor=request.user,
        station=station,
        text=payload.hours,
        always_open=payload.always_open,
        intervals=[(i.weekday, i.opens, i.closes) for i in payload.intervals or []],
    )
    return fresh(_detail, selectors.station_or_404, request, station.pk)


@router.post("{uuid:station_id}/verify", response=StationDetail)
def verify_station(request, station_id: uuid.UUID, payload: VerifyIn | None = None):
    """Record that the details were checked on site (the keeper or an officer); ``on``
    defaults to today and may not be in the future."""
    station = selectors.station_or_404(request.user, station_id)
    registry.verify(actor=request.user, station=station, on=payload.on if payload else None)
    return fresh(_detail, selectors.station_or_404, request, station.pk)


router.add_router("", reports_router)
router.add_router("", io_router)
