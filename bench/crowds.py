"""Crowd sign-up benchmark: many people claim the places of one activity at the same moment
(docs/modules/activities.md, "Capacity under load").

``python -m bench.crowds`` starts a throwaway PostgreSQL 15 cluster (``bench.pg``; fsync off,
said in the output) or uses ``--database-url``, migrates it, makes one published activity with
``--places`` places and a waiting list, and ``--claims`` accounts; then ``--processes``
processes with ``--threads`` threads each call ``signups.signup_create`` for their share of
the accounts, all starting together. It checks the exact outcome (places taken == places,
waiting == claims − places, waiting positions exactly 1..claims − places) and prints the wall
time, claims per second and the per-claim latency (p50, p95, max) as JSON. ``--no-waitlist``
runs the same crowd against an activity without a waiting list (refusals == claims − places).

Every claim is a real service call: its own transaction, the activity row lock, the no-show
check, the insert and its audit entry. The figures are the machine's: compare runs on one
machine, not across machines.
"""

import argparse
import json
import multiprocessing
import os
import sys
import threading
import time


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--claims", type=int, default=10_000, help="people signing up (one claim each)")
    p.add_argument("--places", type=int, default=1_000, help="capacity of the activity")
    p.add_argument("--processes", type=int, default=4)
    p.add_argument("--threads", type=int, default=8, help="threads per process (one connection each)")
    p.add_argument("--no-waitlist", action="store_true", help="refuse (activity_full) instead of queueing")
    p.add_argument("--database-url", default="", help="postgres://… (default: a throwaway cluster)")
    return p.parse_args(argv)


def _setup(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    import django

    django.setup()


def _prepare(args) -> tuple[str, list[int]]:
    """The activity and the claimants' user ids, written before the crowd starts."""
    import datetime

    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.utils import timezone

    from gonghui.accounts.models import User
    from gonghui.activities.services import activities
    from gonghui.organisations.choices import Kind
    from gonghui.organisations.services import organisation_create

    call_command("migrate", verbosity=0, interactive=False)
    operator = User.objects.create(username="crowd-operator", password=make_password(None), is_superuser=True)
    root = organisation_create(
        actor=None, parent=None, kind=Kind.NATIONAL, code="ACFTU", name="中华全国总工会"
    )
    union = organisation_create(
        actor=None, parent=root, kind=Kind.CITY, code="610100", name="西安市总工会", division_code="610100"
    )
    starts = timezone.now() + datetime.timedelta(days=7)
    activity = activities.activity_create(
        actor=operator,
        organisation=union,
        data={
            "kind": "culture_sports", "title": "职工运动会", "audience": "signed_in", "division_code": "610113",
            "address": "西安市雁塔区", "starts_at": starts, "ends_at": starts + datetime.timedelta(hours=4),
            "capacity": args.places, "waitlist": not args.no_waitlist,
        },
    )  # fmt: skip
    activities.activity_publish(actor=operator, activity=activity)
    unusable = make_password(None)
    users = User.objects.bulk_create(
        [User(username=f"crowd{i:06d}", password=unusable) for i in range(args.claims)], batch_size=2000
    )
    return str(activity.pk), [u.pk for u in users]


def _worker(database_url: str, activity_id: str, user_ids: list, threads: int, start_at: float, out) -> None:
    """One process: ``threads`` threads share ``user_ids``; each claim's outcome, its seconds,
    and when it was sent and answered (epoch seconds)."""
    _setup(database_url)
    from django.core.exceptions import ValidationError
    from django.db import connections

    from gonghui.accounts.models import User
    from gonghui.activities.models import Activity
    from gonghui.activities.services import signups

    activity = Activity.objects.get(pk=activity_id)
    users = list(User.objects.filter(pk__in=user_ids))
    connections.close_all()
    results, lock = [], threading.Lock()

    def run(share):
        mine = []
        try:
            while time.time() < start_at:
                time.sleep(0.001)
            for user in share:
                began, t0 = time.time(), time.perf_counter()
                try:
                    outcome = signups.signup_create(actor=user, activity=activity).status
                except ValidationError as exc:
                    outcome = exc.error_list[0].code
                mine.append((outcome, time.perf_counter() - t0, began, time.time()))
        finally:
            connections.close_all()
            with lock:
                results.extend(mine)

    pool = [threading.Thread(target=run, args=(users[i::threads],)) for i in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    out.put(results)


def crowd(args, database_url: str) -> dict:
    _setup(database_url)
    from django.db import connections

    from bench.common import percentile

    t0 = time.perf_counter()
    activity_id, user_ids = _prepare(args)
    prepared = time.perf_counter() - t0
    connections.close_all()
    context = multiprocessing.get_context("spawn")
    out = context.Queue()
    start_at = time.time() + 3.0 + args.processes  # spawned processes import Django first
    shares = [user_ids[i :: args.processes] for i in range(args.processes)]
    procs = [
        context.Process(target=_worker, args=(database_url, activity_id, share, args.threads, start_at, out))
        for share in shares
    ]
    for proc in procs:
        proc.start()
    results = []
    for _proc in procs:
        results.extend(out.get())
    for proc in procs:
        proc.join()
    # From the first claim sent to the last answered (the processes' start-up is not counted).
    wall = max(r[3] for r in results) - min(r[2] for r in results) if results else 0.0

    from gonghui.activities.choices import SignupStatus
    from gonghui.activities.models import Signup

    rows = Signup.objects.filter(activity_id=activity_id)
    confirmed = rows.filter(status=SignupStatus.CONFIRMED).count()
    waiting = sorted(rows.filter(status=SignupStatus.WAITLISTED).values_list("position", flat=True))
    outcomes = {}
    for outcome, *_times in results:
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    latencies = [r[1] * 1000 for r in results]
    expected_waiting = 0 if args.no_waitlist else max(args.claims - args.places, 0)
    exact = (
        len(results) == args.claims
        and confirmed == min(args.places, args.claims)
        and waiting == list(range(1, expected_waiting + 1))
        and outcomes.get("activity_full", 0) == (max(args.claims - args.places, 0) if args.no_waitlist else 0)
    )
    return {
        "claims": args.claims,
        "places": args.places,
        "waitlist": not args.no_waitlist,
        "concurrency": {"processes": args.processes, "threads_per_process": args.threads},
        "outcomes": outcomes,
        "confirmed_rows": confirmed,
        "waiting_rows": len(waiting),
        "waiting_positions_exact": waiting == list(range(1, expected_waiting + 1)),
        "exact": exact,
        "prepare_seconds": round(prepared, 2),
        "wall_seconds": round(wall, 2),
        "claims_per_second": round(len(results) / wall, 1) if wall > 0 else None,
        "latency_ms": {
            "p50": round(percentile(latencies, 50), 1),
            "p95": round(percentile(latencies, 95), 1),
            "max": round(max(latencies), 1) if latencies else None,
        },
    }


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.database_url:
        report = crowd(args, args.database_url)
        report["database"] = "given --database-url"
    else:
        from bench import pg

        if not pg.available():
            print("PostgreSQL 15 binaries not found (GONGHUI_PG_BIN)", file=sys.stderr)
            return 2
        with pg.cluster("crowds") as url:
            report = crowd(args, url)
        report["database"] = "throwaway PostgreSQL 15 cluster (fsync off, synchronous_commit off)"
    print(json.dumps(report, ensure_ascii=False, indent=2))
    return 0 if report["exact"] else 1


if __name__ == "__main__":
    sys.exit(main())
