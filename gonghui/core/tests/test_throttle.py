"""Rate limits on the shared cache (audit defect 4): the limit holds in total across app-server
processes, and it is counted on the real client address — the peer address unless a trusted
proxy setting says otherwise, so a forged X-Forwarded-For changes nothing."""

import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection
from django.test import RequestFactory

from gonghui.core import throttle

ROOT = Path(settings.BASE_DIR)
rf = RequestFactory()


def req(remote: str = "203.0.113.5", **headers):
    return rf.get("/", REMOTE_ADDR=remote, **headers)


# ---- the limit holds across processes -----------------------------------------------------


def _workers_database_url(tmp_path: Path, env: dict) -> str:
    """A database the worker processes can all open. SQLite test databases live in the test
    process's memory, so the workers share a file, given its cache table as ``make run`` and
    deployments do; on PostgreSQL they use the test database itself (its cache table was made
    with it)."""
    if connection.vendor == "sqlite":
        url = f"sqlite:///{tmp_path / 'shared.sqlite3'}"
        subprocess.run(
            [sys.executable, "manage.py", "createcachetable"],
            cwd=ROOT,
            env={**env, "DATABASE_URL": url},
            check=True,
            capture_output=True,
        )
        return url
    s = connection.settings_dict
    auth = quote(s["USER"] or "", safe="") + (":" + quote(s["PASSWORD"], safe="") if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


@pytest.mark.django_db
def test_a_limit_holds_in_total_across_two_app_server_processes(tmp_path):
    """Two processes (two gunicorn workers) count on the configured cache: together they let
    through exactly the limit, not the limit once per process (LocMemCache: 2 × the limit) and
    not more because concurrent increments were lost (Django's DatabaseCache.incr on its own
    reads and then writes: about 250 of 2 × 150 attempts got through a limit of 150 here)."""
    import os

    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings_test"}
    env["DATABASE_URL"] = _workers_database_url(tmp_path, env)
    barrier = tmp_path / "barrier"
    barrier.mkdir()
    scope, limit, workers = f"cross-process-{uuid.uuid4().hex[:8]}", 100, 2
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gonghui.core.tests.throttle_worker",
                scope,
                str(limit),
                str(limit),
                str(barrier),
                str(workers),
                f"w{n}",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(workers)
    ]
    allowed = []
    for proc in procs:
        out, err = proc.communicate(timeout=180)
        assert proc.returncode == 0, err[-2000:]
        allowed.append(int(out.strip().splitlines()[-1]))
    assert sum(allowed) == limit, f"each process let through {allowed}"


# ---- counting and locks -------------------------------------------------------------------


@pytest.mark.django_db
def test_hits_past_the_limit_are_throttled_and_a_new_window_starts_afresh(monkeypatch):
    clock = [1_000_000.0]
    monkeypatch.setattr(throttle, "now", lambda: clock[0])
    for _ in range(3):
        throttle.hit("t", "a", limit=3, window=60)
    with pytest.raises(throttle.Throttled):
        throttle.hit("t", "a", limit=3, window=60)
    throttle.hit("t", "b", limit=3, window=60)  # another key has its own count
    throttle.hit("u", "a", limit=3, window=60)  # and so has another scope
    clock[0] += 60
    throttle.hit("t", "a", limit=3, window=60)
    assert throttle.count("t", "a", window=60) == 1


@pytest.mark.django_db
def test_a_lock_lasts_its_time(monkeypatch):
    clock = [1_000_000.0]
    monkeypatch.setattr(throttle, "now", lambda: clock[0])
    assert throttle.locked_until("l", "k") is None
    until = throttle.lock("l", "k", seconds=900)
    assert until == clock[0] + 900 and throttle.locked_until("l", "k") == until
    clock[0] += 899
    assert throttle.locked_until("l", "k") == until
    clock[0] += 1
    assert throttle.locked_until("l", "k") is None


@pytest.mark.django_db
def test_a_new_generation_replaces_the_old_one(monkeypatch):
    assert throttle.generation("g", "k") == 0
    throttle.new_generation("g", "k", seconds=60)
    first = throttle.generation("g", "k")
    throttle.new_generation("g", "k", seconds=60)
    assert first != 0 and throttle.generation("g", "k") not in (0, first)


# ---- the client address -------------------------------------------------------------------


def test_the_peer_address_is_the_client_by_default():
    assert throttle.client_key(req("203.0.113.5")) == "203.0.113.5"


def test_a_forged_forwarded_for_does_not_change_the_bucket_without_a_trusted_proxy():
    forged = req("203.0.113.5", HTTP_X_FORWARDED_FOR="198.51.100.1", HTTP_X_REAL_IP="198.51.100.2")
    assert throttle.client_key(forged) == "203.0.113.5"


def test_behind_one_trusted_proxy_the_address_it_saw_is_the_client(settings):
    settings.GONGHUI_TRUSTED_PROXY_COUNT = 1
    # The client wrote its own X-Forwarded-For; the proxy appended the address it saw.
    r = req("10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.5")
    assert throttle.client_key(r) == "203.0.113.5"
    assert throttle.client_key(req("10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.6")) == "203.0.113.6"


def test_behind_two_trusted_proxies_the_second_address_from_the_right_is_the_client(settings):
    settings.GONGHUI_TRUSTED_PROXY_COUNT = "2"  # as read from the environment
    r = req("10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.5, 10.0.0.9")
    assert throttle.client_key(r) == "203.0.113.5"


@pytest.mark.parametrize(
    "forwarded",
    ["", "203.0.113.5", "not-an-address, 10.0.0.9", "203.0.113.5 10.0.0.9"],
    ids=["missing", "too-few", "malformed", "no-commas"],
)
def test_a_forwarded_for_that_did_not_pass_every_trusted_proxy_falls_back_to_the_peer(settings, forwarded):
    settings.GONGHUI_TRUSTED_PROXY_COUNT = 2
    headers = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
    assert throttle.client_key(req("10.0.0.2", **headers)) == "10.0.0.2"


def test_forwarded_addresses_with_a_port_are_understood(settings):
    settings.GONGHUI_TRUSTED_PROXY_COUNT = 1
    assert throttle.client_key(req("10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.5:41234")) == "203.0.113.5"
    six = req("10.0.0.2", HTTP_X_FORWARDED_FOR="[2001:db8:1:2::7]:443")
    assert throttle.client_key(six) == "2001:db8:1:2::/64"


def test_a_trusted_client_address_header(settings):
    settings.GONGHUI_CLIENT_IP_HEADER = "X-Real-IP"
    r = req("10.0.0.2", HTTP_X_REAL_IP="203.0.113.5", HTTP_X_FORWARDED_FOR="198.51.100.1")
    assert throttle.client_key(r) == "203.0.113.5"
    assert throttle.client_key(req("10.0.0.2")) == "10.0.0.2"  # header missing: the peer
    assert throttle.client_key(req("10.0.0.2", HTTP_X_REAL_IP="garbage")) == "10.0.0.2"


def test_both_settings_at_once_trust_neither(settings):
    settings.GONGHUI_TRUSTED_PROXY_COUNT = 1
    settings.GONGHUI_CLIENT_IP_HEADER = "X-Real-IP"
    r = req("10.0.0.2", HTTP_X_REAL_IP="203.0.113.5", HTTP_X_FORWARDED_FOR="198.51.100.1")
    assert throttle.client_key(r) == "10.0.0.2"


def test_ipv6_clients_count_by_their_slash_64():
    # A phone on a mobile network gets a whole /64: counting single addresses would let it
    # change address for every attempt.
    assert throttle.client_key(req("2001:db8:1:2::7")) == "2001:db8:1:2::/64"
    assert throttle.client_key(req("2001:db8:1:2:ffff::1")) == "2001:db8:1:2::/64"
    assert throttle.client_key(req("2001:db8:1:3::7")) == "2001:db8:1:3::/64"
    assert throttle.client_key(req("::ffff:203.0.113.5")) == "203.0.113.5"


def test_a_missing_peer_address_has_a_bucket_of_its_own():
    assert throttle.client_key(req("")) == "unknown"


# ---- settings checks ----------------------------------------------------------------------


def _ids(settings_obj) -> list[str]:
    return [m.id for m in throttle.check_settings()]


def test_the_default_settings_pass_the_check(settings):
    assert _ids(settings) == []


def test_the_check_refuses_both_proxy_settings_at_once(settings):
    settings.GONGHUI_TRUSTED_PROXY_COUNT = "1"
    settings.GONGHUI_CLIENT_IP_HEADER = "X-Real-IP"
    assert "core.E001" in _ids(settings)


@pytest.mark.parametrize("value", ["two", "-1", "1.5", "11", " "])
def test_the_check_refuses_a_malformed_proxy_count(settings, value):
    settings.GONGHUI_TRUSTED_PROXY_COUNT = value
    assert _ids(settings) == ["core.E002"]


@pytest.mark.parametrize("value", ["X Real IP", "X-Real-IP:", "Ünïcode", "HTTP_X_REAL_IP"])
def test_the_check_refuses_a_malformed_header_name(settings, value):
    settings.GONGHUI_CLIENT_IP_HEADER = value
    assert _ids(settings) == ["core.E003"]


@pytest.mark.parametrize("value", [0, "0", "1", 3])
def test_the_check_accepts_a_proxy_count(settings, value):
    settings.GONGHUI_TRUSTED_PROXY_COUNT = value
    assert _ids(settings) == []


def test_the_check_warns_when_the_cache_is_per_process(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    assert _ids(settings) == ["core.W001"]
