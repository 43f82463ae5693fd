"""Load scenario: signed-in officers doing a realistic mix against gunicorn as ``make run``
serves it (``config/gunicorn.conf.py``), at 50 and 200 concurrent virtual users.

Each virtual user keeps one keep-alive connection (like a browser tab), carries the session
cookie of an officer who signed in through the login form (a handful of sessions shared by
all users, so the per-address login limits are never reached) and loops over the mix with no
think time: member list, member search, member detail, subtree statistics (the fragment the
organisation page loads), nearest stations (the API the station finder calls) and competition
results. A bare "hello" view (``bench.urls``) runs at the same concurrency and length right
before each level, for the ratio the performance issue tracks.

Reported per level: req/s, p50/p95/p99 latency, every non-2xx status (by page) and every
connection error (resets, server disconnects, timeouts), counted apart from statuses. The goal
of the hardening issue is 0 non-2xx and 0 connection errors at 200 users; latency goals belong
to the performance issue. Load from this machine on loopback only, bounded in time.
"""

import asyncio
import errno
import http.client
import itertools
import os
import random
import re
import time
from collections import Counter
from pathlib import Path

from bench.bench_http import gunicorn
from bench.common import percentile, result

ROOT = Path(__file__).resolve().parent.parent
# The served configuration under test: the very file `make run` passes to gunicorn.
SERVER_ARGS = ["-c", str(ROOT / "config" / "gunicorn.conf.py")]
USERS = (50, 200)
# Officers of 陕西省总工会 see the whole province: its members, the Xi'an statistics and the
# province's competition. Two sessions each, shared round-robin by the virtual users.
ACCOUNTS = ("shaanxi", "admin")
SESSIONS_PER_ACCOUNT = 2
PASSWORD = "demo12345"
STATS_CODE = "610100"
# Weights of the mix (per cent): what an officer's working day looks like from the server.
MIX = {"member list": 20, "search": 25, "detail": 25, "stats": 10, "nearest": 10, "results": 10}
NEAREST_POINTS = [(34.2596, 108.9469), (34.2231, 108.9488), (34.3416, 108.9398), (34.1950, 108.8710)]
REQUEST_TIMEOUT = 60.0


# --------------------------------------------------------------------------- set-up


def mix_paths() -> dict[str, list[str]]:
    """Real URLs from the demo data: members the officers see, search terms taken from their
    names, the province's competition, the Xi'an statistics and points in 西安."""
    from gonghui.competitions.models import Competition
    from gonghui.members.models import Member
    from gonghui.organisations.models import Organisation

    province = Organisation.objects.get(code="610000")
    members = list(
        Member.objects.filter(organisation__path__startswith=province.path)
        .order_by("pk")
        .values_list("pk", "name")[:500]
    )
    if not members:
        raise RuntimeError("no members in 610000: run seed_demo first")
    competition = (
        Competition.objects.filter(organisation__path__startswith=province.path).order_by("pk").first()
    )
    if competition is None:
        raise RuntimeError("no competition in 610000: run seed_demo first")
    terms = sorted({name[:1] for _pk, name in members} | {name for _pk, name in members[:20]})
    return {
        "member list": ["/members/", "/members/?page=2", f"/members/?organisation={STATS_CODE}"],
        "search": [f"/members/?q={_quote(t)}" for t in terms],
        "detail": [f"/members/{pk}/" for pk, _name in members],
        "stats": [f"/members/stats/{STATS_CODE}/"],
        "nearest": [f"/api/v1/stations/nearest?lat={lat}&lng={lng}&limit=10" for lat, lng in NEAREST_POINTS],
        "results": [f"/competitions/{competition.pk}/results/"],
    }


def _quote(text: str) -> str:
    from urllib.parse import quote

    return quote(text)


def sign_in(port: int, username: str, password: str = PASSWORD) -> str:
    """Sign in through the login form (CSRF token and cookie from the page, as a browser does)
    and return the ``Cookie`` header of the new session."""
    from django.conf import settings

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", "/accounts/login/")
        page = conn.getresponse()
        html = page.read().decode()
        csrf_cookie = _cookie(page, settings.CSRF_COOKIE_NAME)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
        from urllib.parse import urlencode

        body = urlencode({"csrfmiddlewaretoken": token, "username": username, "password": password})
        conn.request(
            "POST",
            "/accounts/login/",
            body=body,
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": f"{settings.CSRF_COOKIE_NAME}={csrf_cookie}",
            },
        )
        resp = conn.getresponse()
        resp.read()
        session = _cookie(resp, settings.SESSION_COOKIE_NAME)
        if resp.status != 302 or not session:
            raise RuntimeError(f"sign-in of {username} failed: HTTP {resp.status}")
        return f"{settings.SESSION_COOKIE_NAME}={session}; {settings.CSRF_COOKIE_NAME}={csrf_cookie}"
    finally:
        conn.close()


def _cookie(response, name: str) -> str:
    for header, value in response.getheaders():
        if header.lower() == "set-cookie" and value.startswith(f"{name}="):
            return value.split(";", 1)[0].split("=", 1)[1]
    return ""


# --------------------------------------------------------------------------- the load


class Tally:
    """What one run saw: latencies of 2xx and non-2xx answers, statuses per page, connection
    errors per kind (never mixed with statuses)."""

    def __init__(self):
        self.latencies: list[float] = []
        self.per_label: dict[str, list[float]] = {}
        self.statuses: Counter = Counter()
        self.non_2xx: Counter = Counter()
        self.errors: Counter = Counter()
        self.error_samples: list[str] = []

    def answer(self, label: str, status: int, seconds: float) -> None:
        self.latencies.append(seconds)
        self.per_label.setdefault(label, []).append(seconds)
        self.statuses[status] += 1
        if not 200 <= status < 300:
            self.non_2xx[f"{label} {status}"] += 1

    def error(self, label: str, kind: str, exc: BaseException) -> None:
        self.errors[kind] += 1
        if len(self.error_samples) < 20:
            self.error_samples.append(f"{label}: {kind}: {type(exc).__name__}: {exc}")


def _error_kind(exc: BaseException) -> str:
    """Name a failed exchange: a reset (RST from the server), the server closing the
    connection without an answer, a refused connection, a timeout, or another error."""
    import aiohttp

    if isinstance(exc, asyncio.TimeoutError | aiohttp.ServerTimeoutError):
        return "timeout"
    if isinstance(exc, aiohttp.ServerDisconnectedError):
        return "server disconnected"
    if isinstance(exc, ConnectionResetError | aiohttp.ClientConnectionResetError):
        return "connection reset"
    if isinstance(exc, OSError | aiohttp.ClientOSError):
        code = getattr(exc, "errno", None)
        if code in (errno.ECONNRESET, errno.EPIPE):
            return "connection reset"
        if code == errno.ECONNREFUSED:
            return "connection refused"
    if isinstance(exc, aiohttp.ClientPayloadError):
        return "truncated body"
    return "other error"


async def _virtual_user(base, cookie, plan, deadline, tally, start_delay, think, rng):
    """One browser tab: one keep-alive connection until the deadline, pausing a random
    ``think`` (min, max seconds; (0, 0): none) between answers as a reader does."""
    import aiohttp

    await asyncio.sleep(start_delay)
    connector = aiohttp.TCPConnector(limit=1, force_close=False, enable_cleanup_closed=True)
    headers = {"Cookie": cookie} if cookie else {}
    timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT)
    async with aiohttp.ClientSession(
        base, connector=connector, headers=headers, cookie_jar=aiohttp.DummyCookieJar(), timeout=timeout
    ) as session:
        # aiohttp silently resends a GET whose reused connection the server had closed; a
        # reset must be counted, not hidden (aiohttp's own test client turns this off too).
        session._retry_connection = False
        for label, path in plan:
            if time.monotonic() >= deadline:
                break
            extra = {"HX-Request": "true"} if label == "stats" else None
            started = time.perf_counter()
            try:
                async with session.get(path, allow_redirects=False, headers=extra) as resp:
                    await resp.read()
                    tally.answer(label, resp.status, time.perf_counter() - started)
            except Exception as exc:  # every failure is counted by kind, none stops the run
                tally.error(label, _error_kind(exc), exc)
            if think[1] > 0:
                await asyncio.sleep(rng.uniform(*think))


def _plan(paths: dict[str, list[str]], weights: dict[str, int], seed: int):
    """An endless, reproducible sequence of (label, path): every page of the mix once (in a
    random order), then pages drawn with the mix's weights."""
    rng = random.Random(seed)
    labels = list(weights)
    for label in rng.sample(labels, len(labels)):
        yield label, rng.choice(paths[label])
    cum = list(itertools.accumulate(weights[label] for label in labels))
    while True:
        label = labels[rng.choices(range(len(labels)), cum_weights=cum)[0]]
        yield label, rng.choice(paths[label])


async def _run(port, *, users, seconds, cookies, paths, weights, seed, think) -> Tally:
    tally = Tally()
    base = f"http://127.0.0.1:{port}"
    # Users arrive over the first second (a browser crowd, not one SYN burst), then all loop.
    deadline = time.monotonic() + seconds
    tasks = [
        _virtual_user(
            base,
            cookies[n % len(cookies)] if cookies else "",
            _plan(paths, weights, seed + n),
            deadline,
            tally,
            start_delay=n / users,
            think=think,
            rng=random.Random(-seed - n),
        )
        for n in range(users)
    ]
    await asyncio.gather(*tasks)
    return tally


def load(
    port: int, *, users: int, seconds: float, cookies, paths, weights, seed: int = 12, think=(0, 0)
) -> dict:
    """Run ``users`` virtual users for ``seconds`` and summarise what they saw."""
    started = time.perf_counter()
    tally = asyncio.run(
        _run(
            port,
            users=users,
            seconds=seconds,
            cookies=cookies,
            paths=paths,
            weights=weights,
            seed=seed,
            think=think,
        )  # fmt: skip
    )
    elapsed = time.perf_counter() - started
    answered = len(tally.latencies)
    ok = answered - sum(tally.non_2xx.values())
    ms = [s * 1000 for s in tally.latencies]
    return {
        "users": users,
        "seconds": elapsed,
        "requests": answered + sum(tally.errors.values()),
        "rps": ok / elapsed if elapsed else 0.0,
        "p50_ms": percentile(ms, 50) if ms else None,
        "p95_ms": percentile(ms, 95) if ms else None,
        "p99_ms": percentile(ms, 99) if ms else None,
        "non_2xx": sum(tally.non_2xx.values()),
        "non_2xx_by_page": dict(tally.non_2xx),
        "statuses": {str(k): v for k, v in sorted(tally.statuses.items())},
        "connection_errors": sum(tally.errors.values()),
        "connection_errors_by_kind": dict(tally.errors),
        "error_samples": tally.error_samples,
        "per_page_p95_ms": {
            label: round(percentile([s * 1000 for s in v], 95), 1)
            for label, v in sorted(tally.per_label.items())
        },
        "per_page_requests": {label: len(v) for label, v in sorted(tally.per_label.items())},
    }


# --------------------------------------------------------------------------- the benchmark


def bench(
    *, db: str, seconds: float = 60.0, users=USERS, server_args=None, think=(0, 0)
) -> tuple[list[dict], dict]:
    from bench.bench_search import analyze

    analyze()
    paths = mix_paths()
    env = dict(os.environ)
    env["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    details = {"server": " ".join(server_args or SERVER_ARGS), "mix_weights": MIX, "think_seconds": list(think),
               "mix_urls": {k: len(v) for k, v in paths.items()}, "levels": {}}  # fmt: skip
    results = []
    with gunicorn(env, args=server_args or SERVER_ARGS) as port:
        cookies = [sign_in(port, account) for account in ACCOUNTS for _ in range(SESSIONS_PER_ACCOUNT)]
        # Warm-up (not measured): every worker imports and caches what the mix touches.
        warm = load(port, users=8, seconds=min(3.0, seconds), cookies=cookies, paths=paths, weights=MIX)
        details["warm_up"] = _brief(warm)
        hello_paths = {"hello": ["/bench/hello/"]}
        for n in users:
            hello = load(port, users=n, seconds=seconds, cookies=[], paths=hello_paths, weights={"hello": 1},
                         think=think)  # fmt: skip
            mix = load(port, users=n, seconds=seconds, cookies=cookies, paths=paths, weights=MIX, think=think)
            details["levels"][str(n)] = {"hello": _brief(hello), "officers": _brief(mix)}
            results += _rows(db, n, mix, hello)
    return results, details


def _rows(db: str, users: int, mix: dict, hello: dict) -> list[dict]:
    prefix = f"{db}: load {users} users"
    ratio = mix["rps"] / hello["rps"] if hello["rps"] else None
    rows = [
        result(f"{prefix} hello (reference)", hello["rps"], "req/s"),
        result(f"{prefix} officers' mix vs hello", mix["rps"], "req/s", reference=hello["rps"], ratio=ratio),
        result(f"{prefix} officers' mix p50", mix["p50_ms"], "ms"),
        result(f"{prefix} officers' mix p95", mix["p95_ms"], "ms"),
        result(f"{prefix} officers' mix p99", mix["p99_ms"], "ms"),
    ]
    for label, run in (("officers' mix", mix), ("hello", hello)):
        rows.append(
            result(
                f"{prefix} {label} non-2xx answers",
                run["non_2xx"],
                "responses",
                goal="0",
                met=run["non_2xx"] == 0,
            )  # fmt: skip
        )
        rows.append(
            result(
                f"{prefix} {label} connection errors (resets, disconnects, timeouts)",
                run["connection_errors"],
                "errors",
                goal="0",
                met=run["connection_errors"] == 0,
            )  # fmt: skip
        )
    return rows


def _brief(run: dict) -> dict:
    return {k: (round(v, 2) if isinstance(v, float) else v) for k, v in run.items()}
