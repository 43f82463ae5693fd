"""Rate limits and short locks on the shared cache (public forms, sign-in, the nearest-station
API). See docs/adr/0013-throttles-and-lockout.md.

The counts live in the configured cache, which by default is the database cache: every app
server process and host counts in the same place, so a limit holds in total, not once per
gunicorn worker. Redis (``django.core.cache.backends.redis.RedisCache``) works too; a per-process
cache (LocMemCache) multiplies every limit by the number of processes and fails the system check
with a warning.

Limits are counted on the client address, :func:`client_key`: the peer address (REMOTE_ADDR)
unless a trusted-proxy setting says where the proxy puts the real one. IPv6 clients count by
their /64 network.
"""

import base64
import hashlib
import ipaddress
import pickle
import re
import secrets
import time
from datetime import UTC, datetime

from django.conf import settings
from django.core import checks
from django.core.cache import DEFAULT_CACHE_ALIAS, caches
from django.core.cache.backends.db import DatabaseCache
from django.core.exceptions import PermissionDenied
from django.db import connections, router, transaction

# More than this many proxies in front of the app is a configuration error, not a deployment.
MAX_TRUSTED_PROXIES = 10
_HEADER_NAME = re.compile(r"^[A-Za-z0-9]+(-[A-Za-z0-9]+)*$")
# Cache back ends whose storage belongs to one process: each gunicorn worker counts alone.
_PER_PROCESS_CACHES = (
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
)


class Throttled(PermissionDenied):
    """Too many attempts from one client in the window."""


def now() -> float:
    """The clock of every window and lock (epoch seconds; tests move it)."""
    return time.time()


# ---- the client address --------------------------------------------------------------------


def _proxy_count() -> int | None:
    """GONGHUI_TRUSTED_PROXY_COUNT as a number, or None when malformed (then nothing is
    trusted; the system check reports it)."""
    raw = getattr(settings, "GONGHUI_TRUSTED_PROXY_COUNT", 0)
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        value = raw
    elif isinstance(raw, str) and raw.strip().isascii() and raw.strip().isdigit():
        value = int(raw.strip())
    elif raw in ("", None):
        value = 0
    else:
        return None
    return value if 0 <= value <= MAX_TRUSTED_PROXIES else None


def _header_name() -> str | None:
    """GONGHUI_CLIENT_IP_HEADER ('' when off), or None when malformed."""
    raw = (getattr(settings, "GONGHUI_CLIENT_IP_HEADER", "") or "").strip()
    if raw and not _HEADER_NAME.match(raw):
        return None
    return raw


def _parse(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """One address as a proxy writes it: bare, IPv4 with a port, or [IPv6] with a port."""
    value = value.strip()
    if value.startswith("[") and "]" in value:
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:
        value = value.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def _trusted_address(request):
    """The client address the trusted proxies report, or None (not configured, or the request
    did not come through every trusted proxy, or the value is not an address)."""
    count, header = _proxy_count(), _header_name()
    if count is None or header is None or (count and header):
        return None  # a misconfiguration trusts nothing (the system check refuses it)
    if header:
        value = request.META.get("HTTP_" + header.upper().replace("-", "_"), "")
        return _parse(value) if value else None
    if count:
        # Each proxy appends the address it received the request from; everything to the left
        # of the Nth entry from the right was written by someone we do not trust.
        entries = [e for e in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if e.strip()]
        return _parse(entries[-count]) if len(entries) >= count else None
    return None


def client_address(request) -> str:
    """The client's address as text ('' when unknown)."""
    address = _trusted_address(request) or _parse(request.META.get("REMOTE_ADDR", "") or "")
    return str(address) if address else ""


def client_key(request) -> str:
    """What limits are counted on: the client address, or its /64 network for IPv6 — a phone
    on a mobile network holds a whole /64 and could take a new address for every attempt."""
    text = client_address(request)
    if not text:
        return "unknown"
    address = ipaddress.ip_address(text)
    if isinstance(address, ipaddress.IPv6Address):
        return str(ipaddress.IPv6Network((address, 64), strict=False))
    return text


# ---- counting ------------------------------------------------------------------------------


def _cache():
    return caches[DEFAULT_CACHE_ALIAS]


def _key(kind: str, scope: str, key: str) -> str:
    # Keys are hashed when long or unusual, so any caller text makes a valid key for every back end.
    if len(key) > 80 or not re.fullmatch(r"[\w.:/@+-]*", key, flags=re.ASCII):
        key = hashlib.sha256(key.encode()).hexdigest()
    return f"throttle:{kind}:{scope}:{key}"


def _bucket(scope: str, key: str, window: int) -> str:
    return _key("n", scope, key) + f":{int(now() // window)}"


def _increment(cache, bucket: str, timeout: int) -> int:
    """Add one to ``bucket`` (created at 1) and return the new count, atomically across
    processes. Redis and memcached increment on the server, LocMemCache under a lock."""
    if isinstance(cache, DatabaseCache):
        return _increment_in_database(cache, bucket, timeout)
    if cache.add(bucket, 1, timeout=timeout):
        return 1
    try:
        return cache.incr(bucket)
    except ValueError:  # expired between add and incr
        cache.add(bucket, 1, timeout=timeout)
        return 1


def _increment_in_database(cache: DatabaseCache, bucket: str, timeout: int) -> int:
    """Django's ``DatabaseCache.incr`` reads, then writes in another statement, so two
    processes counting at once lose counts (two workers let ~250 of 300 attempts through a
    limit of 150 in test_throttle). Here the read and the write share one transaction holding
    the row: ``SELECT … FOR UPDATE`` on PostgreSQL; on SQLite the transaction itself
    (``transaction_mode`` IMMEDIATE, see config/env.py) serialises writers. The row is read and
    written in the cache's own format, in two statements instead of the seven of get() and
    set(): a throttled request pays about 0.1 ms more on SQLite, a few round trips on
    PostgreSQL. A new bucket is made by the cache's ``add()``, which also culls the table."""
    alias = router.db_for_write(cache.cache_model_class)
    connection = connections[alias]
    quote = connection.ops.quote_name
    table, key = quote(cache._table), cache.make_and_validate_key(bucket)
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    with transaction.atomic(using=alias):
        for _ in range(2):
            with connection.cursor() as cursor:
                now = connection.ops.adapt_datetimefield_value(datetime.now(UTC).replace(microsecond=0))
                cursor.execute(
                    f"SELECT {quote('value')} FROM {table} "
                    f"WHERE {quote('cache_key')} = %s AND {quote('expires')} > %s{lock}",
                    [key, now],
                )
                row = cursor.fetchone()
                if row is not None:
                    count = pickle.loads(base64.b64decode(row[0].encode())) + 1
                    value = base64.b64encode(pickle.dumps(count, cache.pickle_protocol)).decode("latin1")
                    cursor.execute(
                        f"UPDATE {table} SET {quote('value')} = %s WHERE {quote('cache_key')} = %s",
                        [value, key],
                    )
                    return count
            if cache.add(bucket, 1, timeout=timeout):
                return 1
            # A concurrent first hit made the row between our read and our add: count on it.
    return int(cache.get(bucket) or 1)  # the row came and went twice: count this attempt at least


def add(scope: str, key: str, *, window: int) -> int:
    """Count one event for ``key`` in the current ``window`` (seconds, windows aligned on the
    clock) and return the count so far, this one included."""
    return _increment(_cache(), _bucket(scope, key, window), window + 5)


def count(scope: str, key: str, *, window: int) -> int:
    """Events counted for ``key`` in the current window."""
    return int(_cache().get(_bucket(scope, key, window)) or 0)


def reset(scope: str, key: str, *, window: int) -> None:
    """Forget the count of the current window."""
    _cache().delete(_bucket(scope, key, window))


def hit(scope: str, key: str, *, limit: int, window: int) -> None:
    """Count one attempt; raise :class:`Throttled` past ``limit`` attempts per ``window`` s.
    ``limit`` 0 or less: no limit (nothing is counted). Call it outside ``transaction.atomic``:
    in the database cache a count made inside a transaction that rolls back is lost with it."""
    if limit <= 0:
        return
    if add(scope, key, window=window) > limit:
        raise Throttled


# ---- locks and generations -----------------------------------------------------------------


def lock(scope: str, key: str, *, seconds: int) -> float:
    """Lock ``key`` for ``seconds`` from now; returns when the lock ends (epoch seconds)."""
    until = now() + seconds
    _cache().set(_key("lock", scope, key), until, timeout=seconds + 5)
    return until


def locked_until(scope: str, key: str) -> float | None:
    """When the lock on ``key`` ends, or None if it is not locked."""
    until = _cache().get(_key("lock", scope, key))
    return until if until is not None and until > now() else None


def generation(scope: str, key: str) -> int:
    """The current generation of ``key`` (0 when none): callers put it into the keys they
    count on, so :func:`new_generation` abandons every count and lock made before."""
    return int(_cache().get(_key("gen", scope, key)) or 0)


def new_generation(scope: str, key: str, *, seconds: int) -> None:
    """Start a new generation, kept for ``seconds`` — as long as anything counted under the
    old one could still live; after that, generation 0 is new again."""
    _cache().set(_key("gen", scope, key), secrets.randbelow(2**62) + 1, timeout=seconds)


# ---- settings check ------------------------------------------------------------------------


@checks.register(checks.Tags.security)
def check_settings(app_configs=None, **kwargs):
    """Refuse proxy settings that would trust the wrong address, and warn when the cache is
    per process (every limit would multiply by the number of gunicorn workers)."""
    messages = []
    raw_count = getattr(settings, "GONGHUI_TRUSTED_PROXY_COUNT", 0)
    raw_header = (getattr(settings, "GONGHUI_CLIENT_IP_HEADER", "") or "").strip()
    count, header = _proxy_count(), _header_name()
    if count is None:
        messages.append(
            checks.Error(
                f"GONGHUI_TRUSTED_PROXY_COUNT must be a whole number from 0 to {MAX_TRUSTED_PROXIES}, "
                f"not {raw_count!r}.",
                hint="The number of reverse proxies in front of the app that append to X-Forwarded-For.",
                id="core.E002",
            )
        )
    if header is None:
        messages.append(
            checks.Error(
                f"GONGHUI_CLIENT_IP_HEADER must be an HTTP header name such as X-Real-IP, not {raw_header!r}.",
                id="core.E003",
            )
        )
    if count and header:
        messages.append(
            checks.Error(
                "Set GONGHUI_TRUSTED_PROXY_COUNT or GONGHUI_CLIENT_IP_HEADER, not both.",
                hint="Until then no proxy header is trusted: every client counts as the proxy's address.",
                id="core.E001",
            )
        )
    backend = settings.CACHES.get(DEFAULT_CACHE_ALIAS, {}).get("BACKEND", "")
    if backend in _PER_PROCESS_CACHES:
        messages.append(
            checks.Warning(
                f"The default cache ({backend.rsplit('.', 1)[-1]}) is per process: rate limits and "
                "sign-in locks multiply by the number of app-server processes.",
                hint="Use django.core.cache.backends.db.DatabaseCache (the default) or RedisCache.",
                id="core.W001",
            )
        )
    return messages
