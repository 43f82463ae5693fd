"""``make bench``: run the benchmarks of docs/product.md §5 on PostgreSQL (a throwaway cluster started
here) and SQLite, print one table and write ``bench/results.json`` (a list of
{"name","value","unit","reference","ratio","goal","met"}) and ``bench/machine.json`` (the
machine, versions, scale and per-benchmark details).

Each database runs in its own child process (``--child``) so that Django is configured once
per database: migrate a fresh database, load the demo tree (``seed_demo`` with the smallest
roster), generate the synthetic roster over its grassroots unions, then import, search,
statistics, stations, HTTP and load in that order (search and statistics read the imported
members; the HTTP nearest-station target reads the generated stations).

``--only load`` is the load scenario (``bench/bench_load.py``): signed-in officers doing a mix
of pages at 50 and 200 users for 60 s each against gunicorn as ``make run`` serves it, with a
"hello" reference at the same concurrency; it reports req/s, p50/p95/p99, non-2xx answers and
connection errors (resets) apart. ``--load-think`` adds pauses between pages and
``--load-gunicorn`` compares another server configuration.
"""

import argparse
import json
import os
import platform
import shlex
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
ALL = ("import", "search", "stats", "stations", "http", "load")
ORM_SAMPLE = 20_000
SEARCH_CITY = "610100"


def parse_args(argv=None):
    p = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.splitlines()[0])
    p.add_argument("--scale", type=int, default=1_000_000, help="members in the generated roster")
    p.add_argument("--only", default=",".join(ALL), help=f"comma-separated subset of {','.join(ALL)}")
    p.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    p.add_argument("--out", default=str(BENCH_DIR / "results.json"), help="results file (a JSON list)")
    p.add_argument(
        "--machine-out", default=None, help="machine facts file (default: machine.json beside --out)"
    )
    p.add_argument("--orm-sample", type=int, default=ORM_SAMPLE, help="rows of the per-row ORM reference")
    p.add_argument("--http-seconds", type=float, default=8.0)
    p.add_argument("--load-seconds", type=float, default=60.0, help="length of each load run (per level)")
    p.add_argument(
        "--load-users", default="50,200", help="comma-separated concurrent virtual users of the load scenario"
    )
    p.add_argument(
        "--load-think",
        default="0,0",
        help="min,max seconds a virtual user pauses between pages (default 0,0: no think time)",
    )
    p.add_argument(
        "--load-gunicorn",
        default="",
        help="gunicorn arguments replacing make run's configuration file (to compare a configuration)",
    )
    p.add_argument("--search-repeat", type=int, default=100)
    p.add_argument(
        "--stations", type=int, default=200_000, help="synthetic stations of the nearest-station bench"
    )
    p.add_argument(
        "--station-queries", type=int, default=1000, help="query points of the nearest-station bench"
    )
    p.add_argument(
        "--importer",
        default="real",
        help="'real' (gonghui.members.services.imports + gonghui.members.imports.importer) or a module "
        "with import_start and run (stand-ins for the smoke test only)",
    )
    p.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    args.only = [x.strip() for x in args.only.split(",") if x.strip()]
    unknown = set(args.only) - set(ALL)
    if unknown:
        p.error(f"unknown benchmarks: {', '.join(sorted(unknown))}")
    return args


# --------------------------------------------------------------------------- child (one database)


def child(args) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from bench import bench_http, bench_import, bench_load, bench_search, bench_stations, bench_stats, datagen
    from gonghui.accounts.models import User
    from gonghui.members import demo as member_demo
    from gonghui.organisations.models import Organisation

    db = args.db

    def log(msg: str) -> None:
        print(f"[{db} {time.strftime('%H:%M:%S', time.gmtime())}] {msg}", file=sys.stderr, flush=True)

    results, details = [], {"db": db, "scale": args.scale}
    t0 = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    log(f"migrated in {time.perf_counter() - t0:.1f} s")
    t0 = time.perf_counter()
    call_command("seed_demo", members=len(member_demo.SHOWCASE), verbosity=0, stdout=open(os.devnull, "w"))
    log(f"demo tree in {time.perf_counter() - t0:.1f} s")
    details["database_version"] = _db_version(connection)

    city = Organisation.objects.get(code=SEARCH_CITY)
    unions = [
        datagen.Union(code=o.code, division=o.division_code, in_scope=o.path.startswith(city.path))
        for o in Organisation.objects.filter(kind="grassroots").order_by("path")
    ]
    work = Path(os.environ["GONGHUI_BENCH_WORK"])
    t0 = time.perf_counter()
    roster = datagen.write_csv(work / "roster.csv", unions, args.scale)
    orm_rows = min(args.orm_sample, args.scale)
    orm_roster = datagen.write_csv(work / "orm-sample.csv", unions, orm_rows, start=args.scale + 1, samples=0)
    details["datagen"] = {
        "seconds": round(time.perf_counter() - t0, 2),
        "unions": len(unions),
        "in_scope_unions": sum(u.in_scope for u in unions),
        "bytes": os.path.getsize(roster.path),
    }
    log(f"generated {args.scale:,} rows in {details['datagen']['seconds']} s")
    admin = User.objects.get(username="admin")
    city_admin = User.objects.get(username="xian")

    if "import" in args.only:
        r, info = bench_import.bench(
            db=db, actor=admin, roster=roster, orm_roster=orm_roster, importer=args.importer
        )
        results += r
        details["import"] = info
        log(f"import: {info['import']['created']:,} created in {info['import']['seconds']} s")
    if "search" in args.only:
        r, info = bench_search.bench(
            db=db, user=city_admin, samples=roster.samples, repeat=args.search_repeat
        )
        results += r
        details["search"] = info
        log("search done")
    if "stats" in args.only:
        r, info = bench_stats.bench(db=db)
        results += r
        details["stats"] = info
        log("stats done")
    if "stations" in args.only:
        r, info = bench_stations.bench(
            db=db, organisation=city, count=args.stations, queries=args.station_queries
        )
        results += r
        details["stations"] = info
        log(f"stations done ({info['data']['stations']:,} generated in {info['data']['seconds']} s)")
    if "http" in args.only:
        r, info = bench_http.bench(db=db, user=city_admin, seconds=args.http_seconds)
        results += r
        details["http"] = info
        log("http done")
    if "load" in args.only:
        users = [int(n) for n in args.load_users.split(",") if n.strip()]
        server_args = shlex.split(args.load_gunicorn) if args.load_gunicorn else None
        think = tuple(float(x) for x in args.load_think.split(","))
        r, info = bench_load.bench(
            db=db, seconds=args.load_seconds, users=users, server_args=server_args, think=think
        )
        results += r
        details["load"] = info
        log("load done")
    connection.close()
    Path(args.out).write_text(
        json.dumps({"results": results, "details": details}, ensure_ascii=False, indent=1)
    )


def _db_version(connection) -> str:
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SELECT version()")
        else:
            cur.execute("SELECT 'SQLite ' || sqlite_version()")
        return cur.fetchone()[0]


# --------------------------------------------------------------------------- parent


def machine_facts() -> dict:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        mem_kb = int(Path("/proc/meminfo").read_text().split()[1])
    except (OSError, ValueError, IndexError):
        mem_kb = 0
    import django

    return {
        "nproc": os.cpu_count(),
        "cpu_model": cpu,
        "memory_gb": round(mem_kb / 1024 / 1024, 1),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "django": django.get_version(),
        "note": "shared 2-core machine; server, database and load generator share the cores — compare ratios",
    }


def run_child(args, db: str, database_url: str, work: Path) -> dict:
    out = work / f"{db}.json"
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        DATABASE_URL=database_url,
        GONGHUI_BENCH_WORK=str(work),
        GONGHUI_MEDIA_ROOT=str(work / "media"),
        PYTHONPATH=str(ROOT) + os.pathsep + env.get("PYTHONPATH", ""),
    )
    cmd = [sys.executable, "-m", "bench.run", "--child", "--db", db, "--scale", str(args.scale),
           "--only", ",".join(args.only), "--out", str(out), "--orm-sample", str(args.orm_sample),
           "--http-seconds", str(args.http_seconds), "--search-repeat", str(args.search_repeat),
           "--load-seconds", str(args.load_seconds), "--load-users", args.load_users,
           f"--load-gunicorn={args.load_gunicorn}", "--load-think", args.load_think,
           "--stations", str(args.stations), "--station-queries", str(args.station_queries),
           "--importer", args.importer]  # fmt: skip
    proc = subprocess.run(cmd, cwd=ROOT, env=env)
    if proc.returncode != 0 or not out.exists():
        print(f"the {db} benchmark failed (exit {proc.returncode})", file=sys.stderr)
        failed = {"name": f"{db}: benchmark run FAILED (exit {proc.returncode}; see its output)", "value": 0,
                  "unit": "", "reference": None, "ratio": None, "goal": "completes", "met": False}  # fmt: skip
        return {"results": [failed], "details": {"failed": proc.returncode}}
    return json.loads(out.read_text())


def print_table(results: list[dict]) -> None:
    def fmt(x):
        if x is None:
            return "—"
        if isinstance(x, bool):
            return "yes" if x else "NO"
        if isinstance(x, float):
            return f"{x:,.3f}" if abs(x) < 10 else f"{x:,.1f}"
        if isinstance(x, int):
            return f"{x:,}"
        return str(x)

    rows = [("benchmark", "value", "unit", "reference", "ratio", "goal", "met")]
    rows += [
        (
            r["name"],
            fmt(r["value"]),
            r["unit"],
            fmt(r["reference"]),
            fmt(r["ratio"]),
            r["goal"] or "—",
            fmt(r["met"]),
        )
        for r in results
    ]
    widths = [max(len(str(row[i])) for row in rows) for i in range(len(rows[0]))]
    for n, row in enumerate(rows):
        print(
            "  ".join(
                str(c).ljust(w) if i == 0 else str(c).rjust(w)
                for i, (c, w) in enumerate(zip(row, widths, strict=True))
            )
        )
        if n == 0:
            print("  ".join("-" * w for w in widths))


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.child:
        child(args)
        return 0
    from bench import pg

    dbs = ["postgres", "sqlite"] if args.db == "both" else [args.db]
    results, details = [], {}
    started = time.time()
    with tempfile.TemporaryDirectory(prefix="gonghui-bench-") as tmp:
        for db in dbs:
            work = Path(tmp) / db
            work.mkdir()
            if db == "postgres":
                if not pg.available():
                    raise SystemExit(f"PostgreSQL 15 binaries not found in {pg.BIN}")
                with pg.cluster() as url:
                    out = run_child(args, db, url, work)
                out["details"]["server_settings"] = dict(pg.SETTINGS)
            else:
                out = run_child(args, db, f"sqlite:///{work / 'bench.sqlite3'}", work)
            results += out["results"]
            details[db] = out["details"]
    facts = machine_facts()
    facts.update(scale=args.scale, databases=dbs, benchmarks=args.only, seconds=round(time.time() - started, 1),
                 finished_at=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), details=details)  # fmt: skip
    out_path = Path(args.out)
    out_path.write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n")
    machine_path = Path(args.machine_out) if args.machine_out else out_path.with_name("machine.json")
    machine_path.write_text(json.dumps(facts, ensure_ascii=False, indent=1) + "\n")
    print(f"\nGonghui benchmarks — {args.scale:,} members, {', '.join(dbs)}; "
          f"{facts['nproc']} cores ({facts['cpu_model']}), Python {facts['python']}")  # fmt: skip
    for db in dbs:
        print(f"  {db}: {details[db].get('database_version', '')}")
    print()
    print_table(results)
    print(f"\nwritten: {out_path} and {machine_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
