"""A small fixed-window rate limit on the cache, for anonymous forms (online enrolment,
application look-up). With a shared cache (database or Redis) it holds across app servers."""

import time

from django.core.cache import cache
from django.core.exceptions import PermissionDenied


class Throttled(PermissionDenied):
    """Too many attempts from one client in the window."""


def client_key(request) -> str:
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def hit(scope: str, key: str, *, limit: int, window: int) -> None:
    """Count one attempt; raise :class:`Throttled` past ``limit`` attempts per ``window`` s."""
    if limit <= 0:
        return
    bucket = f"throttle:{scope}:{key}:{int(time.time() // window)}"
    if cache.add(bucket, 1, timeout=window + 5):
        return
    try:
        count = cache.incr(bucket)
    except ValueError:  # expired between add and incr
        cache.add(bucket, 1, timeout=window + 5)
        return
    if count > limit:
        raise Throttled
