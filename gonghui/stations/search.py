"""Nearest stations, read from the ``(cell_y, cell_x)`` grid index instead of the whole table.

Every station stores the grid cell it lies in (:func:`cell_of`, cells of :data:`CELL_DEG`
degrees). :func:`nearest` reads the stations of the cells in a box around the caller that is
guaranteed to contain every point within a radius ``r`` (see :func:`_box`), computes the exact
great-circle distance in Python (``geo.haversine_m``) and sorts by ``(distance, id)``. When the
``limit``-th match is within ``r``, no station outside the box can come before it and the answer
is final; otherwise the radius grows (4× while nothing matches, by the density seen when some
do, straight to the ``limit``-th match's distance once there are enough) and the box is read
again. Past :data:`MAX_RADIUS_M`
(or when the box would cross a pole or the 180° meridian) it falls back to one full scan
(:func:`full_scan`). So the answer is always the same list as :func:`brute_force`, the
reference, which the tests and the benchmark compare against.

Which stations count: active ones (``is_active``). Without ``open_now`` every active station
counts whatever its status — a closed or under-maintenance station is still a place (its
``open_now`` is false); with ``open_now`` only stations open at ``at`` (``hours.open_at``:
status *open* and inside their hours), and with ``facility`` only those that list it.

Queries: the box is read with ``cell_y IN (…) AND cell_x BETWEEN … AND …`` (one index seek per
row of cells on SQLite and PostgreSQL), selecting only the six columns needed to rank, as plain
SQL. Opening hours and exceptions (only of today's and yesterday's weekday/date) are read for
candidates only when filtering by ``open_now``, nearest first, in batches; otherwise only for
the returned stations (for their ``open_now``). :func:`nearest` then loads the returned
stations in one query; :func:`locate` (the public API) answers from the rows already read (id,
name, point, facilities) and skips it. So a search costs: one query per round (usually 1–3) +
1 small hours query (weekly hours and exceptions in one ``UNION ALL``) (+ 1 for :func:`nearest`).
"""

import datetime
import json
import math
import uuid
from dataclasses import dataclass

from django.db import connection
from django.utils import timezone

from gonghui.stations import geo, hours
from gonghui.stations.choices import Status
from gonghui.stations.models import HoursException, OpeningHours, Station

CELL_DEG = 0.01  # grid cell size in degrees (about 1.1 km north–south)
START_RADIUS_M = 1_500.0  # first box: a city block of stations
MAX_RADIUS_M = 2_500_000.0  # past this a box covers most of China: one scan of the table instead
MAX_IN_ROWS = 400  # more rows of cells than this: cell_y BETWEEN instead of an IN list
_SAFETY = 1.0 + 1e-9  # float margin on the box and on the stop test


def cell_of(lat: float, lng: float) -> tuple[int, int]:
    return math.floor((lat + 90.0) / CELL_DEG), math.floor((lng + 180.0) / CELL_DEG)


@dataclass(frozen=True)
class Hit:
    station: Station
    distance_m: float
    open_now: bool


@dataclass(frozen=True)
class Place:
    """A found station as the search read it — enough for a list or the API, without loading
    the model (:func:`locate`)."""

    id: uuid.UUID
    name: str
    lat: float
    lng: float
    facilities: list[str]
    distance_m: float
    open_now: bool


# --- the reference ---------------------------------------------------------------------------


def _candidates():
    return Station.objects.filter(is_active=True).prefetch_related("hours", "exceptions")


def brute_force(
    lat: float,
    lng: float,
    *,
    limit: int = 10,
    open_now: bool = False,
    facility: str | None = None,
    at: datetime.datetime | None = None,
) -> list[Hit]:
    """Every active station, exact distance, sorted by (distance, id): the reference."""
    at = at or timezone.now()
    hits = []
    for station in _candidates():
        if facility and facility not in station.facilities:
            continue
        is_open = hours.is_open(station, at)
        if open_now and not is_open:
            continue
        hits.append(Hit(station, geo.haversine_m(lat, lng, station.lat, station.lng), is_open))
    hits.sort(key=lambda h: (h.distance_m, str(h.station.id)))
    return hits[:limit]


# --- the box ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Box:
    y0: int
    y1: int
    x0: int
    x1: int


def _box(lat: float, lng: float, radius_m: float) -> Box | None:
    """The cells covering every point within ``radius_m`` of (lat, lng); None when that box
    would reach a pole or cross the 180° meridian (then the caller scans the table).

    Latitude: a point within angular distance δ = r/R has |Δφ| ≤ δ. Longitude: on the sphere
    the largest |Δλ| within δ is asin(sin δ / cos φ) (reached poleward of φ); we take the larger
    of that and δ / cos(|φ| + δ) — the degrees of longitude at the box's worst-case (most
    poleward) latitude — so the box is never too small."""
    delta = radius_m * _SAFETY / geo.EARTH_RADIUS_M
    phi = math.radians(lat)
    worst = abs(phi) + delta
    if worst >= math.radians(89.0):
        return None
    ratio = math.sin(delta) / math.cos(phi)
    if ratio >= 1.0:
        return None
    dlng = math.degrees(max(math.asin(ratio), delta / math.cos(worst)))
    dlat = math.degrees(delta)
    if lng - dlng <= -180.0 or lng + dlng >= 180.0:
        return None
    y0, x0 = cell_of(lat - dlat, lng - dlng)
    y1, x1 = cell_of(lat + dlat, lng + dlng)
    return Box(y0, y1, x0, x1)


def _active():
    return Station.objects.filter(is_active=True)


def box_queryset(box: Box):
    """Active stations in the box's cells (the query the index serves), as a queryset: for
    tests and EXPLAIN; :func:`nearest` runs the same condition as plain SQL (:func:`_read`)."""
    qs = _active()
    if box.y1 - box.y0 + 1 <= MAX_IN_ROWS:
        qs = qs.filter(cell_y__in=list(range(box.y0, box.y1 + 1)))
    else:
        qs = qs.filter(cell_y__gte=box.y0, cell_y__lte=box.y1)
    return qs.filter(cell_x__gte=box.x0, cell_x__lte=box.x1)


def _read(box: Box | None) -> list[tuple]:
    """Ranking rows ``(id hex, lat, lng, facilities, status, always_open, name)`` of the active
    stations in ``box`` (all of them for None), read with plain SQL: the ORM's query building
    and per-value conversion cost more than the search itself. ``facilities`` stays as the
    driver gives it (JSON text on SQLite, a list on PostgreSQL); see :func:`_has_facility`.
    The name rides along so that :func:`locate` answers without loading the stations."""
    q = connection.ops.quote_name
    table = q(Station._meta.db_table)
    columns = ", ".join(q(c) for c in ("id", "lat", "lng", "facilities", "status", "always_open", "name"))
    sql = f"SELECT {columns} FROM {table} WHERE {q('is_active')} = %s"
    params: list = [True]
    if box is not None:
        rows = box.y1 - box.y0 + 1
        if rows <= MAX_IN_ROWS:
            sql += f" AND {q('cell_y')} IN ({', '.join(['%s'] * rows)})"
            params += range(box.y0, box.y1 + 1)
        else:
            sql += f" AND {q('cell_y')} BETWEEN %s AND %s"
            params += [box.y0, box.y1]
        sql += f" AND {q('cell_x')} BETWEEN %s AND %s"
        params += [box.x0, box.x1]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        fetched = cursor.fetchall()
    if fetched and not isinstance(fetched[0][0], str):  # PostgreSQL: uuid.UUID
        return [(r[0].hex, *r[1:]) for r in fetched]
    return [(r[0].replace("-", ""), *r[1:]) for r in fetched] if fetched and "-" in fetched[0][0] else fetched


def _facility_list(raw) -> list[str]:
    return json.loads(raw) if isinstance(raw, str) else list(raw or ())


def _has_facility(raw, facility: str) -> bool:
    if isinstance(raw, str):
        return f'"{facility}"' in raw  # JSON text of a list of codes
    return facility in (raw or ())


def _hours_rows(hour_ids: list[str], weekdays: list[int], exc_ids: list[str], days: list) -> list[tuple]:
    """Weekly hours of ``hour_ids`` on ``weekdays`` and exceptions of ``exc_ids`` on ``days``
    (station ids as hex), in ONE plain-SQL round trip (``UNION ALL``): rows ``(station id hex,
    weekday or None, date or None, closed, opens, closes)``, a weekly row having no date;
    times and dates as the driver gives them."""
    q = connection.ops.quote_name
    postgres = connection.vendor == "postgresql"

    def marks(values) -> str:
        return ", ".join(["%s"] * len(values))

    def ids(values):
        return [uuid.UUID(h) for h in values] if postgres else values

    parts, params = [], []
    if hour_ids:
        parts.append(
            f"SELECT {q('station_id')}, {q('weekday')}, NULL, %s, {q('opens')}, {q('closes')} "
            f"FROM {q(OpeningHours._meta.db_table)} "
            f"WHERE {q('station_id')} IN ({marks(hour_ids)}) AND {q('weekday')} IN ({marks(weekdays)})"
        )
        params += [False, *ids(hour_ids), *weekdays]
    if exc_ids:
        parts.append(
            f"SELECT {q('station_id')}, NULL, {q('date')}, {q('closed')}, {q('opens')}, {q('closes')} "
            f"FROM {q(HoursException._meta.db_table)} "
            f"WHERE {q('station_id')} IN ({marks(exc_ids)}) AND {q('date')} IN ({marks(days)})"
        )
        params += [*ids(exc_ids), *(d if postgres else d.isoformat() for d in days)]
    if not parts:
        return []
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        fetched = cursor.fetchall()
    if postgres:
        return [(r[0].hex, *r[1:]) for r in fetched]
    return fetched


def _as_time(value):
    if value is None or isinstance(value, datetime.time):
        return value
    return datetime.time.fromisoformat(value)


def _as_date(value):
    return value if isinstance(value, datetime.date) else datetime.date.fromisoformat(value)


# --- ranking ---------------------------------------------------------------------------------


class _OpenCache:
    """Open-now of candidate stations (by id hex), read in batches nearest first: hours of
    today's and yesterday's weekday, exceptions of today and yesterday only."""

    def __init__(self, local: datetime.datetime):
        self.local = local
        self.day = local.date()
        self.yesterday = self.day - datetime.timedelta(days=1)
        self.known: dict[str, bool] = {}

    def load(self, rows: list[tuple]) -> None:
        need = [r for r in rows if r[0] not in self.known]
        if not need:
            return
        by_hours: dict = {r[0]: [] for r in need}
        by_exc: dict = {r[0]: [] for r in need}
        open_ids = [r[0] for r in need if r[4] == Status.OPEN]
        hour_ids = [r[0] for r in need if r[4] == Status.OPEN and not r[5]]
        weekdays = sorted({self.day.weekday(), self.yesterday.weekday()})
        for sid, wd, d, closed, o, c in _hours_rows(hour_ids, weekdays, open_ids, [self.yesterday, self.day]):
            if d is None:
                by_hours[sid].append((wd, _as_time(o), _as_time(c)))
            else:
                by_exc[sid].append((_as_date(d), bool(closed), _as_time(o), _as_time(c)))
        for r in need:
            sid = r[0]
            self.known[sid] = hours.open_at(r[4], True, bool(r[5]), by_hours[sid], by_exc[sid], self.local)

    def __call__(self, row) -> bool:
        return self.known[row[0]]


def _rank(rows, lat, lng, facility, open_now) -> list[tuple[float, str, tuple]]:
    """(distance, id hex, row) of the rows that may match, sorted by (distance, id) — the id's
    hex orders exactly like its canonical text; ``open_now`` here only drops stations whose
    status is not *open* (their hours are read later, nearest first)."""
    haversine = geo.haversine_m
    ranked = []
    for row in rows:
        if facility and not _has_facility(row[3], facility):
            continue
        if open_now and row[4] != Status.OPEN:
            continue
        ranked.append((haversine(lat, lng, row[1], row[2]), row[0], row))
    ranked.sort(key=lambda t: (t[0], t[1]))
    return ranked


def _select(ranked, limit: int, within: float | None, is_open: _OpenCache | None) -> list:
    """The first ``limit`` matches in ``ranked``, with open-now (when filtering by it) read
    nearest first in batches, only as far as needed; never past distance ``within`` when given
    (beyond it the box is not complete)."""
    if is_open is None:
        return ranked[:limit]
    matches = []
    batch = max(2 * limit, 16)
    i = 0
    while i < len(ranked) and len(matches) < limit:
        chunk = ranked[i : i + batch]
        if within is not None:
            chunk = [t for t in chunk if t[0] <= within]
            if not chunk:
                break
        is_open.load([t[2] for t in chunk])
        for t in chunk:
            if is_open(t[2]):
                matches.append(t)
                if len(matches) == limit:
                    break
        i += len(chunk)
        if within is not None and len(chunk) < batch:
            break
        batch *= 2
    return matches


def _hits(matches, opener: "_OpenCache") -> list[Hit]:
    """Hits for the matches: the stations in one query (no hours prefetched), open-now from
    ``opener`` (already known when filtering by it)."""
    if not matches:
        return []
    opener.load([t[2] for t in matches])
    stations = {s.pk.hex: s for s in Station.objects.filter(pk__in=[t[1] for t in matches])}
    return [Hit(stations[t[1]], t[0], opener(t[2])) for t in matches]


def full_scan(
    lat: float,
    lng: float,
    *,
    limit: int = 10,
    open_now: bool = False,
    facility: str | None = None,
    at: datetime.datetime | None = None,
) -> list[Hit]:
    """Every active station read in one query (the ranking columns only), the same Python
    haversine on each, sorted by (distance, id): the fallback past :data:`MAX_RADIUS_M`, and
    the benchmark's reference for the index."""
    at = at or timezone.now()
    opener = _OpenCache(timezone.localtime(at))
    ranked = _rank(_read(None), lat, lng, facility, open_now)
    return _hits(_select(ranked, limit, None, opener if open_now else None), opener)


def _search(
    lat: float,
    lng: float,
    *,
    limit: int = 10,
    open_now: bool = False,
    facility: str | None = None,
    at: datetime.datetime | None = None,
    stats: dict | None = None,
) -> tuple[list, "_OpenCache"]:
    """The matches ``(distance, id hex, row)`` nearest first (none for ``limit`` ≤ 0), and the
    open-now cache that knows (or will read) whether each is open. The options of
    :func:`nearest` and :func:`locate`."""
    opener = _OpenCache(timezone.localtime(at or timezone.now()))
    if limit <= 0:
        return [], opener
    filtering = opener if open_now else None
    radius = START_RADIUS_M
    rounds = rows_read = 0
    while True:
        box = _box(lat, lng, radius) if radius <= MAX_RADIUS_M else None
        rounds += 1
        rows = _read(box)
        rows_read += len(rows)
        ranked = _rank(rows, lat, lng, facility, open_now)
        if box is None:
            matches = _select(ranked, limit, None, filtering)
            break
        matches = _select(ranked, limit, radius, filtering)
        if len(matches) == limit and matches[-1][0] <= radius:
            break
        if len(matches) == limit:
            # Everything up to the limit-th match's distance is in a box of that radius.
            radius = max(matches[-1][0] * _SAFETY, radius * 1.0001)
        else:
            # Nothing found: 4× (empty country is common — desert, sea — and each round is a
            # round trip; a city just beyond adds rows, not rounds). Some found: scale by the
            # density seen (area ∝ r²), between 1.5× and 4×.
            found = len(matches)
            radius *= 4.0 if found == 0 else max(1.5, min(4.0, math.sqrt(limit / found) * 1.1))
    if stats is not None:
        stats.update(rounds=rounds, rows=rows_read)
    return matches, opener


def nearest(lat: float, lng: float, **options) -> list[Hit]:
    """The ``limit`` nearest active stations to (lat, lng) (WGS-84), by (distance, id); the
    same list as :func:`brute_force`. Options (keywords): ``limit`` (10), ``open_now``,
    ``facility``, ``at`` (now), ``stats`` (a dict that receives the rounds and rows read).

    The returned ``Hit.station`` objects carry no prefetched hours: callers needing hours
    (``hours.next_change``) should prefetch them for these few stations."""
    matches, opener = _search(lat, lng, **options)
    return _hits(matches, opener)


def locate(lat: float, lng: float, **options) -> list[Place]:
    """The same stations as :func:`nearest` (same options), as :class:`Place` rows straight
    from the search: no query to load the stations (the public nearest-station API)."""
    matches, opener = _search(lat, lng, **options)
    if not matches:
        return []
    opener.load([t[2] for t in matches])
    return [
        Place(uuid.UUID(t[1]), r[6], r[1], r[2], _facility_list(r[3]), t[0], opener(r))
        for t in matches
        for r in (t[2],)
    ]
