"""Public station pages (phone first, work without JavaScript): find the nearest open station,
a station's page, its photos, and the map of every station.

The find page is a plain GET form: the "use my location" button only fills ``lat``/``lng``
from the browser's geolocation and submits it, so the server renders the list and the page
works with JavaScript off (district picker, coordinates typed in).
"""

import datetime
from dataclasses import dataclass
from urllib.parse import quote

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from gonghui.core import divisions
from gonghui.stations import geo, hours, permissions, search
from gonghui.stations.choices import Crs, Facility, SixHas
from gonghui.stations.selectors import stations as selectors
from gonghui.stations.services import fields

RESULT_LIMIT = 20
MAP_MARKER_LIMIT = 5000

# A small pictogram per facility, always next to its name (never alone).
FACILITY_ICONS = {
    Facility.SEATING: "🪑",
    Facility.WATER: "💧",
    Facility.MICROWAVE: "🍱",
    Facility.CHARGING: "🔌",
    Facility.TOILET: "🚻",
    Facility.AIR_CONDITIONING: "❄️",
    Facility.FIRST_AID: "⛑️",
    Facility.BOOKS: "📚",
    Facility.BATTERY_SWAP: "🔋",
    Facility.WIFI: "📶",
    Facility.LOCKERS: "🔐",
    Facility.REPAIR_KIT: "🔧",
    Facility.UMBRELLA: "☂️",
    Facility.SHOWER: "🚿",
}


# ---- display helpers (shared by the keeper and officer pages) ------------------------------


def facility_list(codes) -> list[dict]:
    labels = dict(Facility.choices)
    return [
        {"code": c, "label": labels[c], "icon": FACILITY_ICONS.get(c, "")} for c in codes or [] if c in labels
    ]


def distance_text(metres: float) -> str:
    if metres < 1000:
        return _("%(n)d m") % {"n": round(metres)}
    return _("%(n)s km") % {"n": formats.number_format(metres / 1000, 1)}


def nav_links(station) -> dict:
    """Links that open the station in a map app (never fetched by the server)."""
    name = quote(station.name)
    g_lat, g_lng = geo.from_wgs84(station.lat, station.lng, Crs.GCJ02)
    b_lat, b_lng = geo.from_wgs84(station.lat, station.lng, Crs.BD09)
    return {
        "amap": (
            f"https://uri.amap.com/marker?position={g_lng:.6f},{g_lat:.6f}&name={name}"
            "&coordinate=gaode&callnative=1"
        ),
        "baidu": (
            f"https://api.map.baidu.com/marker?location={b_lat:.6f},{b_lng:.6f}&title={name}"
            "&content=&coord_type=bd09ll&output=html"
        ),
        "geo": f"geo:{station.lat:.6f},{station.lng:.6f}",
    }


def change_text(station, at=None) -> str:
    """ "opens 08:30", "closes tomorrow 02:00" … from ``hours.next_change``; "" when none."""
    change = hours.next_change(station, at)
    if change is None:
        return ""
    moment, opens = change.at, change.kind == "opens"
    now = timezone.localtime(at or timezone.now())
    moment = timezone.localtime(moment)
    clock = moment.strftime("%H:%M")
    days = (moment.date() - now.date()).days
    if days == 0:
        when = clock
    elif days == 1:
        when = _("tomorrow %(time)s") % {"time": clock}
    else:
        when = f"{formats.date_format(moment, 'D')} {clock}"
    if opens:
        return _("opens %(when)s") % {"when": when}
    return _("closes %(when)s") % {"when": when}


def week_rows(station) -> list[dict]:
    """The usual hours per weekday, for the table on the station page."""
    from gonghui.stations.forms import WEEKDAYS

    by_day: dict[int, list[str]] = {}
    for h in station.hours.all():
        end = "24:00" if h.closes == datetime.time(0, 0) else h.closes.strftime("%H:%M")
        by_day.setdefault(h.weekday, []).append(f"{h.opens:%H:%M}–{end}")
    today = timezone.localdate().weekday()
    rows = []
    for day, name in enumerate(WEEKDAYS):
        if station.always_open:
            text = _("24 hours")
        else:
            text = "、".join(by_day.get(day, [])) or _("day off")
        rows.append({"name": name, "text": text, "today": day == today})
    return rows


def is_stale(station) -> bool:
    return (
        station.verified_on is None
        or (timezone.localdate() - station.verified_on).days > selectors.STALE_DAYS
    )


def marker_data(stations, *, at=None) -> list[dict]:
    """JSON for the Leaflet maps, in the tiles' coordinate system (GONGHUI_MAP_TILE_CRS)."""
    crs = getattr(settings, "GONGHUI_MAP_TILE_CRS", Crs.WGS84) or Crs.WGS84
    out = []
    for s in stations:
        lat, lng = geo.from_wgs84(s.lat, s.lng, crs) if crs != Crs.WGS84 else (s.lat, s.lng)
        out.append(
            {
                "code": s.code,
                "name": s.name,
                "lat": round(lat, 6),
                "lng": round(lng, 6),
                "open": hours.is_open(s, at),
                "url": reverse("stations:detail", args=[s.code]),
            }
        )
    return out


def map_settings() -> dict:
    return {
        "tiles": getattr(settings, "GONGHUI_MAP_TILE_URL", ""),
        "attribution": getattr(settings, "GONGHUI_MAP_TILE_ATTRIBUTION", ""),
        "openLabel": _("open now"),
        "closedLabel": _("closed now"),
        "detailLabel": _("Details"),
    }


# ---- find the nearest station ---------------------------------------------------------------


@dataclass
class Row:
    station: object
    distance: str
    open_now: bool
    change: str
    facilities: list
    links: dict


def _find_query(get) -> dict:
    """What the visitor asked for. ``sent`` marks a submitted form, so an unticked "open now
    only" box means off; on a first visit it is on."""
    sent = get.get("sent") == "1"
    facility = get.get("facility", "")
    return {
        "sent": sent,
        "open_only": get.get("open") == "1" if sent else True,
        "facility": facility if facility in Facility.values else "",
        "lat": get.get("lat", "").strip(),
        "lng": get.get("lng", "").strip(),
        "crs": get.get("crs", "").strip() or Crs.WGS84,
        "district": get.get("district", "").strip(),
        "use": get.get("use", ""),
    }


@require_GET
def find(request):
    q = _find_query(request.GET)
    districts = [
        {**d, "name": divisions.full_name(d["division_code"]) or d["division_code"]}
        for d in selectors.districts()
    ]
    errors: list[str] = []
    origin = None
    place = ""
    use_point = q["use"] == "point" or (q["use"] != "district" and (q["lat"] or q["lng"]))
    if use_point:
        try:
            origin = fields.parse_point(q["lat"], q["lng"], q["crs"])
        except ValidationError as exc:
            names = {"lat": _("Latitude"), "lng": _("Longitude"), "crs": _("Coordinates from")}
            for field, messages in exc.message_dict.items():
                errors.extend(f"{names.get(field, field)}: {m}" for m in messages)
        else:
            place = _("your location")
    elif q["district"]:
        match = next((d for d in districts if d["division_code"] == q["district"]), None)
        if match is None:
            errors.append(_("There are no stations in this district yet; choose one from the list."))
        else:
            origin = (match["lat"], match["lng"])
            place = match["name"]
    rows = []
    if origin is not None:
        now = timezone.now()
        hits = search.nearest(
            origin[0],
            origin[1],
            limit=RESULT_LIMIT,
            open_now=q["open_only"],
            facility=q["facility"] or None,
            at=now,
        )
        selectors.with_hours([h.station for h in hits])
        rows = [
            Row(
                station=h.station,
                distance=distance_text(h.distance_m),
                open_now=h.open_now,
                change=change_text(h.station, now),
                facilities=facility_list(h.station.facilities),
                links=nav_links(h.station),
            )
            for h in hits
        ]
    return render(
        request,
        "stations/find.html",
        {
            "q": q,
            "districts": districts,
            "facilities": [(c, label, FACILITY_ICONS.get(c, "")) for c, label in Facility.choices],
            "errors": errors,
            "searched": origin is not None,
            "place": place,
            "rows": rows,
            "crs_choices": Crs.choices,
        },
        status=400 if errors else 200,
    )


# ---- one station ----------------------------------------------------------------------------


@require_GET
def detail(request, code):
    station = selectors.public_station_or_404(code)
    now = timezone.now()
    six = set(station.six_has)
    return render(
        request,
        "stations/station.html",
        {
            "station": station,
            "open_now": hours.is_open(station, now),
            "change": change_text(station, now),
            "hours_text": fields.format_hours(station),
            "week": week_rows(station),
            "exceptions": selectors.upcoming_exceptions(station, days=60),
            "facilities": facility_list(station.facilities),
            "six_has": [(label, value in six) for value, label in SixHas.choices],
            "photos": selectors.photos(station),
            "stale": is_stale(station),
            "links": nav_links(station),
            "markers": marker_data([station], at=now),
            "map": map_settings(),
            "place": divisions.full_name(station.division_code),
            "can_keep": permissions.can_keep(request.user, station),
        },
    )


@require_GET
def photo(request, code, photo_id):
    item = selectors.photo_or_404(code, photo_id)
    response = HttpResponse(bytes(item.data), content_type=item.content_type)
    response["Content-Disposition"] = "inline"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "public, max-age=86400"
    return response


# ---- the map --------------------------------------------------------------------------------


@require_GET
def station_map(request):
    now = timezone.now()
    stations, total = selectors.markers(None, limit=MAP_MARKER_LIMIT)
    return render(
        request,
        "stations/map.html",
        {
            "markers": marker_data(stations, at=now),
            "total": total,
            "capped": total > len(stations),
            "limit": MAP_MARKER_LIMIT,
            "map": map_settings(),
            "title": _("Map of stations"),
        },
    )
