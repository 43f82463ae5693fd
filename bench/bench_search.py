"""Search benchmark: ``gonghui.members.selectors.member_list(user, q)`` (what the API and the
list page call: ``search`` with the roster's columns) scoped to a city admin, first page
evaluated as the API does (``qs.count()`` and ``list(qs[:20])``), p50/p95 per kind of query,
the queries taken from generated members inside the city."""

import time

from bench.common import median, percentile, result

GOALS_MS = {"postgres": 20.0, "sqlite": 50.0}
KINDS = ("name", "pinyin", "initials", "member_no", "id_number", "phone")
WARMUP = 5
REPEAT = 100


def analyze() -> None:
    """PostgreSQL: refresh the planner's statistics, as autovacuum does within about a minute
    of a bulk load. The benchmarks read right after importing into empty tables; without
    statistics PostgreSQL takes a city for a handful of members and plans accordingly. SQLite
    keeps no statistics unless told to, and the application never does, so nothing runs there."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def queries(samples: list[dict]) -> dict[str, list[str]]:
    from gonghui.members import pinyin
    from gonghui.members.models import Member
    from gonghui.members.services import personal

    out: dict[str, list[str]] = {k: [] for k in KINDS}
    hashes = [personal.id_hash(s["身份证号码"]) for s in samples]
    numbers = dict(
        Member.objects.filter(id_number_hash__in=hashes).values_list("id_number_hash", "member_no")
    )
    for s, h in zip(samples, hashes, strict=True):
        full, initials = pinyin.name_keys(s["姓名"])
        out["name"].append(s["姓名"])
        out["pinyin"].append(full.split()[0])
        out["initials"].append(initials.split()[0])
        if h in numbers:
            out["member_no"].append(numbers[h])
        out["id_number"].append(s["身份证号码"])
        out["phone"].append(s["手机号码"])
    return out


def time_query(user, q: str) -> tuple[float, int]:
    from gonghui.members import selectors

    started = time.perf_counter()
    qs = selectors.member_list(user, q)
    count = qs.count()
    page = list(qs[:20])
    elapsed = (time.perf_counter() - started) * 1000
    return elapsed, (count if page or count else 0)


def bench(*, db: str, user, samples: list[dict], repeat: int = REPEAT) -> tuple[list[dict], dict]:
    results, info = [], {}
    goal = GOALS_MS[db]
    analyze()
    for kind, qs in queries(samples).items():
        if not qs:
            info[kind] = "no queries"
            continue
        for q in qs[:WARMUP]:
            time_query(user, q)
        timings, found = [], 0
        for i in range(repeat):
            ms, count = time_query(user, qs[i % len(qs)])
            timings.append(ms)
            found += count > 0
        p50, p95 = median(timings), percentile(timings, 95)
        info[kind] = {"queries": len(timings), "found": found, "max_ms": round(max(timings), 2)}
        results.append(result(f"{db}: search {kind} p50", p50, "ms"))
        results.append(
            result(
                f"{db}: search {kind} p95", p95, "ms", goal=f"<= {goal:g} ms", met=bool(p95 <= goal and found)
            )
        )
    return results, info
