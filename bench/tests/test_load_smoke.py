"""A few seconds of the load scenario with a few users (SQLite): gunicorn starts with make
run's configuration file, officers sign in through the login form, every page of the mix is
requested and answered 2xx, and the results have the documented shape. Figures are not checked."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
KEYS = {"name", "value", "unit", "reference", "ratio", "goal", "met"}


def test_a_short_load_run_signs_in_requests_the_whole_mix_and_reports_errors_apart(tmp_path):
    out = tmp_path / "results.json"
    cmd = [sys.executable, "-m", "bench.run", "--scale", "100", "--db", "sqlite", "--only", "load",
           "--load-seconds", "2", "--load-users", "3", "--out", str(out)]  # fmt: skip
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stderr[-3000:]

    results = json.loads(out.read_text())
    for row in results:
        assert set(row) == KEYS, row
    by_name = {r["name"]: r for r in results}
    for part in ("hello (reference)", "officers' mix vs hello", "officers' mix p50", "officers' mix p95",
                 "officers' mix p99"):  # fmt: skip
        assert f"sqlite: load 3 users {part}" in by_name
    for label in ("officers' mix", "hello"):
        non_2xx = by_name[f"sqlite: load 3 users {label} non-2xx answers"]
        errors = by_name[f"sqlite: load 3 users {label} connection errors (resets, disconnects, timeouts)"]
        assert non_2xx["value"] == 0 and non_2xx["met"] is True, non_2xx
        assert errors["value"] == 0 and errors["met"] is True, errors

    load = json.loads((tmp_path / "machine.json").read_text())["details"]["sqlite"]["load"]
    assert load["server"].endswith("config/gunicorn.conf.py")
    mix = load["levels"]["3"]["officers"]
    assert set(mix["per_page_requests"]) == {"member list", "search", "detail", "stats", "nearest", "results"}
    assert mix["statuses"] and set(mix["statuses"]) == {"200"}
    assert mix["connection_errors_by_kind"] == {} and mix["non_2xx_by_page"] == {}
