"""HTTP benchmark: gunicorn (2 sync workers, the same settings for every target) serving the
member list page (session cookie), the member list API and the subtree statistics API (bearer
token), the public nearest-station API (a few fixed points in and around 西安, throttle on at
a limit the load cannot reach) and a bare Django "hello" view (``bench.urls``). Load from this machine on loopback
only, bounded in time and requests: ``wrk`` when installed, else Python threads with
``http.client``. The server and the load generator share the machine's cores: compare
ratios, not absolutes."""

import contextlib
import http.client
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from bench.common import result

GOAL = 0.5
# 西安 钟楼 as 高德 (GCJ-02) gives it: the conversion is part of the measured work.
NEAREST_PATH = "/api/v1/stations/nearest?lat=34.2596&lng=108.9469&crs=gcj02&limit=10"
WORKERS = 2
ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


SYNC_ARGS = ["--workers", str(WORKERS), "--worker-class", "sync", "--log-level", "warning", "--timeout", "60"]


@contextlib.contextmanager
def gunicorn(env: dict, args=None):
    """gunicorn on a free loopback port with ``args`` (default: 2 sync workers); the port is
    given last so it wins over a ``bind`` in a configuration file."""
    port = free_port()
    exe = Path(sys.executable).parent / "gunicorn"
    cmd = [str(exe), "config.wsgi:application", *(SYNC_ARGS if args is None else args),
           "--bind", f"127.0.0.1:{port}"]  # fmt: skip
    # The server's log goes to a file, not a pipe: nobody reads a pipe during the load, and a
    # full one would block the workers' logging (stalls that are the benchmark's, not the app's).
    log = tempfile.TemporaryFile()
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                log.seek(0)
                raise RuntimeError("gunicorn exited: " + log.read().decode(errors="replace")[-2000:])
            with contextlib.suppress(OSError):
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    break
            time.sleep(0.1)
        else:
            raise RuntimeError("gunicorn did not start")
        yield port
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def _python_load(
    port: int, path: str, headers: dict, *, seconds: float, max_requests: int, threads: int
) -> dict:
    stop_at = time.monotonic() + seconds
    lock = threading.Lock()
    counts = {"ok": 0, "errors": 0, "sent": 0}
    statuses: dict[int, int] = {}

    def worker():
        conn = None
        while time.monotonic() < stop_at:
            with lock:
                if counts["sent"] >= max_requests:
                    return
                counts["sent"] += 1
            try:
                if conn is None:
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                conn.request("GET", path, headers=headers)
                resp = conn.getresponse()
                resp.read()
                good = resp.status == 200
                with lock:
                    counts["ok" if good else "errors"] += 1
                    statuses[resp.status] = statuses.get(resp.status, 0) + 1
                if resp.will_close:
                    conn.close()
                    conn = None
            except (OSError, http.client.HTTPException):
                with lock:
                    counts["errors"] += 1
                if conn is not None:
                    conn.close()
                conn = None
        if conn is not None:
            conn.close()

    started = time.perf_counter()
    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    elapsed = time.perf_counter() - started
    done = counts["ok"] + counts["errors"]
    return {"rps": counts["ok"] / elapsed, "requests": done, "errors": counts["errors"], "statuses": statuses,
            "seconds": elapsed, "tool": "python-threads"}  # fmt: skip


def _wrk_load(port: int, path: str, headers: dict, *, seconds: float, threads: int) -> dict:
    cmd = ["wrk", "-t", "1", "-c", str(threads), "-d", f"{max(1, int(seconds))}s", "--latency"]
    for k, v in headers.items():
        cmd += ["-H", f"{k}: {v}"]
    out = subprocess.run(
        [*cmd, f"http://127.0.0.1:{port}{path}"], capture_output=True, text=True, timeout=seconds + 30
    )
    text = out.stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
    total = int(re.search(r"(\d+) requests in", text).group(1))
    errors = 0
    if m := re.search(r"Non-2xx or 3xx responses: (\d+)", text):
        errors += int(m.group(1))
    if m := re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text):
        errors += sum(int(x) for x in m.groups())
    raw = [line.strip() for line in text.splitlines() if "error" in line.lower() or "Non-2xx" in line]
    return {
        "rps": rps,
        "requests": total,
        "errors": errors,
        "seconds": seconds,
        "tool": "wrk",
        "error_lines": raw,
    }


def load(port, path, headers, *, seconds, max_requests, threads=4, use_wrk=None) -> dict:
    if use_wrk is None:
        use_wrk = shutil.which("wrk") is not None
    if use_wrk:
        return _wrk_load(port, path, headers, seconds=seconds, threads=threads)
    return _python_load(port, path, headers, seconds=seconds, max_requests=max_requests, threads=threads)


def bench(*, db: str, user, seconds: float = 8.0, max_requests: int = 20000) -> tuple[list[dict], dict]:
    from django.conf import settings
    from django.test import Client

    from bench.bench_search import analyze
    from gonghui.accounts.services import token_create

    analyze()
    client = Client()
    client.force_login(user)
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    _token, secret = token_create(actor=user, name="bench")
    env = dict(os.environ)
    env["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    targets = [
        ("hello", "/bench/hello/", {}),
        ("member list page /members/", "/members/", {"Cookie": cookie}),
        ("member list API /api/v1/members", "/api/v1/members", {"Authorization": f"Bearer {secret}"}),
        ("stats API /api/v1/organisations/610100/stats", "/api/v1/organisations/610100/stats",
         {"Authorization": f"Bearer {secret}"}),
        ("nearest-station API /api/v1/stations/nearest", NEAREST_PATH, {}),
    ]  # fmt: skip
    measured = {}
    with gunicorn(env) as port:
        for label, path, headers in targets:
            load(port, path, headers, seconds=1.0, max_requests=200)  # warm-up
            measured[label] = load(port, path, headers, seconds=seconds, max_requests=max_requests)
    hello = measured["hello"]
    results = [result(f"{db}: HTTP hello (reference), errors {hello['errors']}", hello["rps"], "req/s")]
    for label, m in measured.items():
        if label == "hello":
            continue
        ratio = m["rps"] / hello["rps"] if hello["rps"] else None
        results.append(
            result(
                f"{db}: HTTP {label} vs hello, errors {m['errors']}",
                m["rps"],
                "req/s",
                reference=hello["rps"],
                ratio=ratio,
                goal=f"ratio >= {GOAL} and 0 errors",
                met=bool(ratio is not None and ratio >= GOAL and m["errors"] == 0 and hello["errors"] == 0),
            )
        )
    return results, {k: {kk: (round(vv, 2) if isinstance(vv, float) else vv) for kk, vv in v.items()}
                     for k, v in measured.items()}  # fmt: skip
