"""The index-backed nearest-station search returns exactly what the brute-force scan returns."""

import datetime
import random
import zoneinfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gonghui.stations import search
from gonghui.stations.models import HoursException, OpeningHours, Station
from gonghui.stations.tests.helpers import BELL_TOWER, bulk_stations, make_station

pytestmark = pytest.mark.django_db

SH = zoneinfo.ZoneInfo("Asia/Shanghai")
FACILITIES = ["seating", "water", "microwave", "charging", "toilet"]


def same(a, b):
    return [(h.station.pk, h.distance_m, h.open_now) for h in a] == [
        (h.station.pk, h.distance_m, h.open_now) for h in b
    ]


def check(lat, lng, **kw):
    got = search.nearest(lat, lng, **kw)
    want = search.brute_force(lat, lng, **kw)
    assert same(got, want), (lat, lng, kw)
    # locate() (the API's path, no model load) finds the same stations with the same fields.
    places = search.locate(lat, lng, **kw)
    assert [(p.id, p.name, p.lat, p.lng, p.facilities, p.distance_m, p.open_now) for p in places] == [
        (
            h.station.pk,
            h.station.name,
            h.station.lat,
            h.station.lng,
            list(h.station.facilities),
            h.distance_m,
            h.open_now,
        )
        for h in want
    ], (lat, lng, kw)
    return got


def _random_world(world, rng, n=400):
    """Stations clustered around three 西安 spots plus rural noise, with identical points, very
    close points, points on cell boundaries, mixed hours, statuses and facilities."""
    centres = [BELL_TOWER, (34.3767, 108.9394), (34.1, 108.6)]
    points = []
    for _ in range(n):
        if rng.random() < 0.8:
            c = rng.choice(centres)
            points.append((c[0] + rng.gauss(0, 0.03), c[1] + rng.gauss(0, 0.03)))
        else:
            points.append((rng.uniform(33.0, 35.5), rng.uniform(107.0, 110.5)))
    points += [BELL_TOWER] * 5  # identical
    points += [(BELL_TOWER[0] + i * 1e-7, BELL_TOWER[1]) for i in range(1, 4)]  # a centimetre apart
    points += [(34.27, 108.95), (34.28, 108.95), (34.27, 108.96), (34.2699999999, 108.9599999999)]
    statuses = ["open"] * 8 + ["closed", "maintenance"]
    stations = []
    for i, p in enumerate(points):
        stations += bulk_stations(
            world.orgs["xian"], [p], start=i + 1,
            facilities=sorted(rng.sample(FACILITIES, rng.randint(0, 3))),
            status=rng.choice(statuses), always_open=rng.random() < 0.3,
            is_active=rng.random() > 0.05,
        )  # fmt: skip
    hours = []
    for s in stations:
        if s.always_open:
            continue
        kind = rng.randrange(3)
        for wd in range(7):
            if kind == 0 and wd < 5:
                hours.append(
                    OpeningHours(station=s, weekday=wd, opens=datetime.time(8, 30), closes=datetime.time(18))
                )
            elif kind == 1:
                hours.append(
                    OpeningHours(station=s, weekday=wd, opens=datetime.time(20), closes=datetime.time(6))
                )
            elif kind == 2 and wd != 2:
                hours.append(
                    OpeningHours(station=s, weekday=wd, opens=datetime.time(7), closes=datetime.time(21))
                )
    OpeningHours.objects.bulk_create(hours)
    monday = datetime.date(2025, 6, 2)
    HoursException.objects.bulk_create(
        HoursException(station=s, date=monday, closed=rng.random() < 0.5,
                       opens=datetime.time(10), closes=datetime.time(12))
        for s in rng.sample(stations, 40)
    )  # fmt: skip
    return stations


MOMENTS = [
    datetime.datetime(2025, 6, 2, 8, 30, tzinfo=SH),  # Monday, opening minute, exception day
    datetime.datetime(2025, 6, 2, 11, 0, tzinfo=SH),
    datetime.datetime(2025, 6, 3, 3, 0, tzinfo=SH),  # Tuesday night (overnight from the exception day)
    datetime.datetime(2025, 6, 4, 12, 0, tzinfo=SH),  # Wednesday
    datetime.datetime(2025, 6, 8, 23, 59, tzinfo=SH),  # Sunday
]


def test_random_queries_match_brute_force(world):
    rng = random.Random(6)
    _random_world(world, rng)
    queries = [(rng.uniform(33.5, 35.0), rng.uniform(107.5, 110.0)) for _ in range(25)]
    queries += [BELL_TOWER, (34.27, 108.95), (34.28, 108.96), (34.2611 + 5e-8, 108.9422)]
    for lat, lng in queries:
        for limit in (1, 3, 10, 50):
            check(lat, lng, limit=limit)
        check(lat, lng, facility=rng.choice(FACILITIES))
        at = rng.choice(MOMENTS)
        check(lat, lng, open_now=True, at=at)
        check(lat, lng, open_now=True, facility=rng.choice(FACILITIES), at=at, limit=5)
        check(lat, lng, at=at)  # open_now is reported for every hit


def test_open_now_at_every_moment(world):
    rng = random.Random(7)
    _random_world(world, rng, n=150)
    for at in MOMENTS:
        hits = check(*BELL_TOWER, open_now=True, at=at, limit=30)
        assert all(h.open_now for h in hits)


def test_identical_and_very_close_points_order_by_id(world):
    bulk_stations(world.orgs["xian"], [BELL_TOWER] * 6 + [(BELL_TOWER[0] + 1e-9, BELL_TOWER[1])])
    hits = check(*BELL_TOWER, limit=7)
    zero = [h for h in hits if h.distance_m == 0.0]
    assert len(zero) == 6
    assert [str(h.station.pk) for h in zero] == sorted(str(h.station.pk) for h in zero)
    assert hits[-1].distance_m > 0


def test_limit_larger_than_the_table_returns_every_active_station(world):
    stations = bulk_stations(world.orgs["xian"], [(34.2, 108.9), (34.3, 109.0), (36.0, 103.8)])
    bulk_stations(world.orgs["xian"], [(34.21, 108.91)], start=10, is_active=False)
    hits = check(34.25, 108.95, limit=50)
    assert {h.station.pk for h in hits} == {s.pk for s in stations}


def test_empty_table_and_zero_limit(world):
    assert search.nearest(34.0, 108.0) == []
    bulk_stations(world.orgs["xian"], [(34.0, 108.0)])
    assert search.nearest(34.0, 108.0, limit=0) == []


def test_far_away_caller_falls_back_to_a_full_scan(world):
    bulk_stations(world.orgs["xian"], [(34.2, 108.9), (34.3, 109.0)])
    stats = {}
    hits = search.nearest(43.8, 87.6, limit=2, stats=stats)  # 乌鲁木齐, 2,000 km away
    assert [h.station.pk for h in hits] == [h.station.pk for h in search.brute_force(43.8, 87.6, limit=2)]
    assert stats["rounds"] >= 2


@pytest.mark.parametrize(
    "point", [(89.9, 10.0), (-89.95, 0.0), (0.0, 179.999), (10.0, -179.9999), (0.0, 0.0)]
)
def test_poles_and_the_date_line(world, point):
    bulk_stations(
        world.orgs["xian"], [(89.99, -170.0), (0.0, -179.99), (0.0, 179.99), (-89.9, 100.0), (1e-9, 0.0)]
    )
    check(*point, limit=3)


def test_cell_boundaries(world):
    d = search.CELL_DEG
    base_y, base_x = 34.0, 108.0
    pts = [(base_y + i * d, base_x + j * d) for i in range(-2, 3) for j in range(-2, 3)]
    bulk_stations(world.orgs["xian"], pts)
    for q in [(base_y, base_x), (base_y + d / 2, base_x), (base_y - 1e-12, base_x + d - 1e-12)]:
        for limit in (1, 4, 9, 25):
            check(*q, limit=limit)


def test_status_counts_without_open_now_but_is_never_open(world):
    closed = make_station(world, lat=34.2611, lng=108.9422, status="closed")
    fixing = make_station(world, lat=34.2612, lng=108.9422, status="maintenance")
    open_ = make_station(world, lat=34.30, lng=108.9422)
    hits = check(*BELL_TOWER, limit=3)
    assert [h.station.pk for h in hits] == [closed.pk, fixing.pk, open_.pk]
    assert [h.open_now for h in hits] == [False, False, True]
    assert [h.station.pk for h in check(*BELL_TOWER, open_now=True)] == [open_.pk]


def test_facility_filter(world):
    near = make_station(world, lat=34.2611, lng=108.9422, facilities=["seating"])
    far = make_station(world, lat=34.3, lng=108.9422, facilities=["seating", "microwave"])
    assert [h.station.pk for h in check(*BELL_TOWER, facility="microwave")] == [far.pk]
    assert [h.station.pk for h in check(*BELL_TOWER)] == [near.pk, far.pk]


def test_the_query_reads_cells_not_the_table(world):
    rng = random.Random(3)
    bulk_stations(
        world.orgs["xian"],
        [(34.26 + rng.gauss(0, 0.02), 108.94 + rng.gauss(0, 0.02)) for _ in range(300)],
    )
    with CaptureQueriesContext(connection) as ctx:
        stats = {}
        hits = search.nearest(*BELL_TOWER, limit=10, stats=stats)
    assert len(hits) == 10
    station_reads = [q["sql"] for q in ctx.captured_queries if '"stations_station"' in q["sql"]]
    ranking = [s for s in station_reads if "cell_y" in s]
    assert ranking and all("cell_x" in s for s in ranking)
    assert stats["rows"] < 300  # only the box, not the table
    # The one other read of the table loads the 10 hits by primary key.
    assert all("cell_y" in s or '"id" IN' in s for s in station_reads)
    # Opening hours and exceptions come in one round trip.
    assert len(ctx.captured_queries) == stats["rounds"] + 2

    # locate() answers from the ranking rows: no station load, the same stations.
    with CaptureQueriesContext(connection) as ctx:
        places = search.locate(*BELL_TOWER, limit=10)
    assert [p.id for p in places] == [h.station.pk for h in hits]
    assert len(ctx.captured_queries) == stats["rounds"] + 1
    assert all("cell_y" in q["sql"] for q in ctx.captured_queries if '"stations_station"' in q["sql"])


def test_index_serves_the_box_query(world):
    bulk_stations(world.orgs["xian"], [(34.2 + i * 1e-3, 108.9) for i in range(50)])
    # Elsewhere in the country, so that the box is a small part of the table.
    bulk_stations(world.orgs["xian"], [(30.0 + i * 0.05, 100.0 + i * 0.05) for i in range(400)], start=100)
    box = search._box(*BELL_TOWER, 2_000)
    sql, params = search.box_queryset(box).values_list("id").query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Real statistics: with none the planner's row estimates tie and any index may win.
            cursor.execute(f"ANALYZE {connection.ops.quote_name(Station._meta.db_table)}")
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("EXPLAIN " + sql, params)
        else:
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        plan = " ".join(str(r) for r in cursor.fetchall())
    assert "station_cell" in plan, plan


def test_box_covers_the_radius_at_high_latitude():
    # Every point on a circle of radius r around the caller lies inside the box's cells.
    from gonghui.stations import geo

    rng = random.Random(1)
    for _ in range(200):
        lat, lng = rng.uniform(-80, 80), rng.uniform(-170, 170)
        r = rng.choice([100.0, 5_000.0, 80_000.0, 250_000.0])
        box = search._box(lat, lng, r)
        if box is None:
            continue
        for k in range(36):
            bearing = k * 10.0
            p_lat, p_lng = _destination(lat, lng, bearing, r * 0.999999)
            assert geo.haversine_m(lat, lng, p_lat, p_lng) <= r
            cy, cx = search.cell_of(p_lat, p_lng)
            assert box.y0 <= cy <= box.y1 and box.x0 <= cx <= box.x1, (lat, lng, r, bearing)


def _destination(lat, lng, bearing_deg, dist_m):
    import math

    from gonghui.stations import geo

    d = dist_m / geo.EARTH_RADIUS_M
    p1, l1, b = math.radians(lat), math.radians(lng), math.radians(bearing_deg)
    p2 = math.asin(math.sin(p1) * math.cos(d) + math.cos(p1) * math.sin(d) * math.cos(b))
    l2 = l1 + math.atan2(math.sin(b) * math.sin(d) * math.cos(p1), math.cos(d) - math.sin(p1) * math.sin(p2))
    return math.degrees(p2), math.degrees(l2)


def test_station_helpers_agree_on_cells(world):
    s = make_station(world, lat=34.27, lng=108.95)
    s = Station.objects.get(pk=s.pk)
    assert (s.cell_y, s.cell_x) == search.cell_of(34.27, 108.95)


def test_a_filter_far_from_any_match_widens_the_box_instead_of_scanning(world):
    """In empty country with a filter that rejects the stations near by, the box keeps growing
    (4× while nothing matches) instead of reading the whole table past a few hundred km."""
    org = world.orgs["xian"]
    rng = random.Random(5)
    bulk_stations(org, [(34.26 + rng.gauss(0, 0.02), 108.94 + rng.gauss(0, 0.02)) for _ in range(40)])
    harbin = bulk_stations(
        org, [(45.8 + rng.gauss(0, 0.02), 126.6 + rng.gauss(0, 0.02)) for _ in range(40)], start=100
    )
    lanzhou = bulk_stations(org, [(36.06, 103.83)], start=200, facilities=["microwave"])
    caller = (40.0, 100.0)  # 河西走廊 desert, ≈ 540 km from 兰州, ≈ 2,300 km from 哈尔滨
    stats = {}
    hits = check(*caller, limit=1, facility="microwave")
    assert [h.station.pk for h in hits] == [lanzhou[0].pk]
    search.nearest(*caller, limit=1, facility="microwave", stats=stats)
    # 0 rows until the 1,536 km box, which reads 西安 and 兰州 but not 哈尔滨 (a scan reads 81).
    assert stats["rows"] == 41 and len(harbin) == 40 and stats["rounds"] == 6
