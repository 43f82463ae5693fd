"""A tiny run of bench/crowds.py on its own throwaway PostgreSQL cluster: the crowd script works
end to end and reports an exact outcome (figures are not checked). Skipped without the
PostgreSQL 15 binaries."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bench import pg

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.skipif(not pg.available(), reason="PostgreSQL 15 binaries not found (GONGHUI_PG_BIN)")
@pytest.mark.parametrize("waitlist", [True, False])
def test_a_small_crowd_fills_the_places_exactly(waitlist):
    cmd = [sys.executable, "-m", "bench.crowds", "--claims", "40", "--places", "10", "--processes", "2",
           "--threads", "3", *([] if waitlist else ["--no-waitlist"])]  # fmt: skip
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:] + proc.stdout[-3000:]
    report = json.loads(proc.stdout)
    assert report["exact"] is True
    assert report["confirmed_rows"] == 10
    assert report["outcomes"] == (
        {"confirmed": 10, "waitlisted": 30} if waitlist else {"confirmed": 10, "activity_full": 30}
    )
