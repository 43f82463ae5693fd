"""A tiny-scale run of the benchmark code (SQLite only; no PostgreSQL, no HTTP): the harness
works end to end and writes results in the documented shape. Figures are not checked."""

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
KEYS = {"name", "value", "unit", "reference", "ratio", "goal", "met"}


def _importer() -> str:
    """The application's importer when it is there, else the labelled stand-in."""
    real = all(
        importlib.util.find_spec(m) is not None
        for m in ("gonghui.members.services.imports", "gonghui.members.imports.importer")
    )
    return "real" if real else "bench.tests.standin"


def test_tiny_run_writes_results_in_the_documented_shape(tmp_path):
    out = tmp_path / "results.json"
    cmd = [sys.executable, "-m", "bench.run", "--scale", "300", "--db", "sqlite", "--only", "import,search,stats,stations",
           "--orm-sample", "100", "--search-repeat", "10", "--stations", "2000",
           "--station-queries", "40", "--out", str(out), "--importer", _importer()]  # fmt: skip
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-3000:]

    results = json.loads(out.read_text())
    assert isinstance(results, list) and results
    for row in results:
        assert set(row) == KEYS, row
        assert isinstance(row["name"], str) and row["name"].startswith("sqlite: ")
        assert isinstance(row["value"], int | float)
        assert row["met"] in (True, False, None)
        if row["goal"] is not None:
            assert row["met"] is not None
    names = " | ".join(r["name"] for r in results)
    for part in ("import rows/s vs per-row ORM", "import peak RSS", "import rows created", "stats 610000 p95",
                 "stats 610100 p95"):  # fmt: skip
        assert part in names
    for kind in ("name", "pinyin", "initials", "member_no", "id_number", "phone"):
        assert f"search {kind} p95" in names
    for mode in ("limit 10", "open_now", "facility microwave"):
        assert (
            f"stations nearest {mode} p95" in names and f"stations nearest {mode} p50 vs full scan" in names
        )
    mismatches = next(r for r in results if "stations nearest mismatches" in r["name"])
    assert mismatches["value"] == 0 and mismatches["met"] is True
    created = next(r for r in results if "import rows created" in r["name"])
    assert created["value"] == 300 and created["met"] is True

    machine = json.loads((tmp_path / "machine.json").read_text())
    assert machine["scale"] == 300 and machine["nproc"] >= 1 and machine["python"]
    assert machine["details"]["sqlite"]["database_version"].startswith("SQLite ")
    # The table went to stdout; nothing of the run is left in the source tree.
    assert "benchmark" in proc.stdout and "sqlite: search name p95" in proc.stdout
