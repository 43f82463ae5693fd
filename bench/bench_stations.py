"""Nearest-station benchmark (docs/product.md §5): ``gonghui.stations.search.nearest`` among N synthetic
stations (default 200,000), p50/p95 over ~1,000 query points, for the plain query (limit 10),
``open_now=True`` and a facility filter, against the reference in the same run.

Data: stations clustered around 300 city centres (the 36 largest Chinese cities at their real
positions, 264 more at seeded random places in the populated east and centre; stations per
city by Zipf's law, spread as a normal distribution of 2–12 km) plus 15 % uniform rural noise
over China's bounding box; 60 % open 24 h, 30 % with weekday or daily hours (OpeningHours
rows), 10 % closed or under maintenance; 0–5 facilities each. Inserted straight into the table
with ``bulk_create`` (cells from ``search.cell_of``), like the registry would store them.

Queries: 70 % near a city centre (normal, 5 km), 30 % anywhere in the countryside box.

Reference: ``search.full_scan`` — every active station read in ONE query (the ranking columns
only), the same Python haversine on each row, sorted by (distance, id); i.e. the brute-force
scan without the ORM's per-object overhead. It runs on a sample of the same queries (same
``at``); every compared answer must be identical (ids, distances, open-now): mismatches = 0.
"""

import datetime
import random
import time

from bench.common import median, percentile, result

GOAL_MS = 5.0
SEED = 20250602
BIG_CITIES = [
    (31.2304, 121.4737), (39.9042, 116.4074), (23.1291, 113.2644), (22.5431, 114.0579),
    (30.5728, 104.0668), (29.5630, 106.5516), (30.2741, 120.1551), (30.5928, 114.3055),
    (34.3416, 108.9398), (32.0603, 118.7969), (39.3434, 117.3616), (34.7466, 113.6253),
    (28.2282, 112.9388), (41.8057, 123.4315), (36.0671, 120.3826), (31.2989, 120.5853),
    (45.8038, 126.5350), (43.8171, 125.3235), (38.0428, 114.5149), (26.0745, 119.2965),
    (36.6512, 117.1201), (31.8206, 117.2272), (25.0389, 102.7183), (28.6820, 115.8579),
    (22.8170, 108.3665), (26.6470, 106.6302), (38.4872, 106.2309), (36.0611, 103.8343),
    (43.8256, 87.6168), (37.8706, 112.5489), (40.8424, 111.7490), (24.4798, 118.0894),
    (29.8683, 121.5440), (22.2710, 113.5767), (20.0440, 110.1999), (36.6171, 101.7782),
]  # fmt: skip
CHINA_BOX = ((21.0, 50.0), (75.0, 133.0))  # lat, lng
EAST_BOX = ((22.0, 46.0), (100.0, 125.0))
FACILITIES = ["seating", "water", "microwave", "charging", "toilet", "air_conditioning", "first_aid", "books"]


def _cities(rng: random.Random) -> list[tuple[float, float, float]]:
    """(lat, lng, spread km) of 300 centres."""
    centres = list(BIG_CITIES)
    while len(centres) < 300:
        centres.append((rng.uniform(*EAST_BOX[0]), rng.uniform(*EAST_BOX[1])))
    return [(lat, lng, 2.0 + 10.0 / (1 + i / 10)) for i, (lat, lng) in enumerate(centres)]


def _points(rng: random.Random, count: int, cities) -> list[tuple[float, float]]:
    weights = [1.0 / (i + 1) for i in range(len(cities))]
    picks = rng.choices(range(len(cities)), weights=weights, k=count)
    points = []
    for pick in picks:
        if rng.random() < 0.15:
            points.append((rng.uniform(*CHINA_BOX[0]), rng.uniform(*CHINA_BOX[1])))
            continue
        lat, lng, km = cities[pick]
        points.append((lat + rng.gauss(0, km / 111.0), lng + rng.gauss(0, km / 92.0)))
    return points


def generate(count: int, organisation, *, seed: int = SEED) -> dict:
    """Insert ``count`` stations (and their hours) owned by ``organisation``."""
    from gonghui.stations import search
    from gonghui.stations.models import OpeningHours, Station

    rng = random.Random(seed)
    cities = _cities(rng)
    started = time.perf_counter()
    batch, hours, made, with_hours = [], [], 0, 0

    def flush():
        nonlocal batch, hours
        Station.objects.bulk_create(batch, batch_size=2000)
        OpeningHours.objects.bulk_create(hours, batch_size=5000)
        batch, hours = [], []

    for i, (lat, lng) in enumerate(_points(rng, count, cities)):
        r = rng.random()
        status = "open" if r < 0.9 else ("closed" if r < 0.95 else "maintenance")
        always = rng.random() < 0.65
        cy, cx = search.cell_of(lat, lng)
        s = Station(
            code=f"BENCH-{i:08d}", name=f"驿站{i}", organisation=organisation, division_code="610113",
            address=f"测试路{i}号", lat=lat, lng=lng, cell_y=cy, cell_x=cx, always_open=always,
            facilities=[f for f in FACILITIES if rng.random() < 0.35], status=status,
        )  # fmt: skip
        batch.append(s)
        if not always:
            with_hours += 1
            if rng.random() < 0.5:
                days, opens, closes = range(5), datetime.time(8, 30), datetime.time(18, 0)
            else:
                days, opens, closes = range(7), datetime.time(7, 0), datetime.time(21, 0)
            hours += [OpeningHours(station=s, weekday=d, opens=opens, closes=closes) for d in days]
        made += 1
        if len(batch) >= 10_000:
            flush()
    flush()
    return {"stations": made, "with_hours": with_hours, "cities": len(cities),
            "seconds": round(time.perf_counter() - started, 1)}  # fmt: skip


def query_points(n: int, *, seed: int = SEED + 1) -> list[tuple[float, float]]:
    rng = random.Random(seed)
    cities = _cities(random.Random(SEED))
    out = []
    for _ in range(n):
        if rng.random() < 0.7:
            lat, lng, _km = rng.choice(cities)
            out.append((lat + rng.gauss(0, 5 / 111.0), lng + rng.gauss(0, 5 / 92.0)))
        else:
            out.append((rng.uniform(*CHINA_BOX[0]), rng.uniform(*CHINA_BOX[1])))
    return out


def _key(hits):
    return [(h.station.pk, h.distance_m, h.open_now) for h in hits]


MODES = {
    "limit 10": {},
    "open_now": {"open_now": True},
    "facility microwave": {"facility": "microwave"},
}


def bench(
    *, db: str, organisation, count: int, queries: int = 1000, compare: int = 10
) -> tuple[list[dict], dict]:
    from django.utils import timezone

    from bench.bench_search import analyze
    from gonghui.stations import search

    info = {"data": generate(count, organisation)}
    analyze()
    points = query_points(queries)
    at = timezone.now()
    results = []
    rng = random.Random(SEED + 2)
    mismatches = compared = 0
    ref_times = []
    for label, kw in MODES.items():
        for p in points[:5]:  # warm-up
            search.nearest(*p, at=at, **kw)
        timings, rounds, rows, found = [], [], [], 0
        for p in points:
            stats = {}
            t0 = time.perf_counter()
            hits = search.nearest(*p, at=at, stats=stats, **kw)
            timings.append((time.perf_counter() - t0) * 1000)
            rounds.append(stats.get("rounds", 0))
            rows.append(stats.get("rows", 0))
            found += bool(hits)
        sample = rng.sample(points, min(compare, len(points)))
        mode_ref = []
        for p in sample:
            t0 = time.perf_counter()
            want = search.full_scan(*p, at=at, **kw)
            mode_ref.append((time.perf_counter() - t0) * 1000)
            got = search.nearest(*p, at=at, **kw)
            compared += 1
            mismatches += _key(got) != _key(want)
        ref_times += mode_ref
        p50, p95 = median(timings), percentile(timings, 95)
        ref50 = median(mode_ref) if mode_ref else None
        info[label] = {"queries": len(timings), "found": found, "max_ms": round(max(timings), 2),
                       "mean_rounds": round(sum(rounds) / len(rounds), 2),
                       "mean_rows_read": round(sum(rows) / len(rows), 1),
                       "p95_rows_read": percentile(rows, 95),
                       "full_scan_p50_ms": round(ref50, 1) if ref50 else None}  # fmt: skip
        results.append(result(f"{db}: stations nearest {label} p50 vs full scan", p50, "ms", reference=ref50))
        results.append(
            result(
                f"{db}: stations nearest {label} p95 ({count:,} stations)",
                p95,
                "ms",
                goal=f"<= {GOAL_MS:g} ms",
                met=bool(p95 <= GOAL_MS and found),
            )  # fmt: skip
        )
    results.append(
        result(
            f"{db}: stations nearest mismatches vs full scan ({compared} queries compared)",
            mismatches,
            "queries",
            goal="0",
            met=mismatches == 0,
        )  # fmt: skip
    )
    info["compared"] = compared
    info["mismatches"] = mismatches
    info["reference"] = (
        "search.full_scan: all active rows in one query, Python haversine, sort by (distance, id)"
    )
    return results, info
