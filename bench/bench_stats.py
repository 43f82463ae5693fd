"""Subtree statistics benchmark: ``gonghui.members.selectors.stats(org)`` for the province and
a city, p95 over repeated calls; checked against a direct count of the member table."""

import time

from bench.common import median, percentile, result

GOAL_MS = 20.0
CODES = ("610000", "610100")
WARMUP = 5
REPEAT = 50


def bench(*, db: str, repeat: int = REPEAT) -> tuple[list[dict], dict]:
    from gonghui.members import selectors
    from gonghui.members.choices import IN_MEMBERSHIP
    from gonghui.members.models import Member
    from gonghui.organisations.models import Organisation

    results, info = [], {}
    for code in CODES:
        org = Organisation.objects.get(code=code)
        for _ in range(WARMUP):
            numbers = selectors.stats(org)
        timings = []
        for _ in range(repeat):
            started = time.perf_counter()
            numbers = selectors.stats(org)
            timings.append((time.perf_counter() - started) * 1000)
        direct = Member.objects.filter(
            organisation__path__startswith=org.path, status__in=IN_MEMBERSHIP
        ).count()
        consistent = numbers.get("members") == direct
        info[code] = {"members": numbers.get("members"), "direct_count": direct, "consistent": consistent}
        p95 = percentile(timings, 95)
        results.append(result(f"{db}: stats {code} p50", median(timings), "ms"))
        results.append(
            result(
                f"{db}: stats {code} p95 ({numbers.get('members'):,} members, consistent: {consistent})",
                p95,
                "ms",
                goal=f"<= {GOAL_MS:g} ms and equal to a direct count",
                met=bool(p95 <= GOAL_MS and consistent),
            )
        )
    return results, info
