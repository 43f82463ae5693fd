"""Sending reads to PostgreSQL streaming replicas, with read-your-writes (docs/product.md §5 "Scale-out").

Active only when ``GONGHUI_REPLICA_URLS`` names replicas: the settings then add the aliases
``replica1`` … ``replicaN`` (``GONGHUI_REPLICA_DATABASES``), install :class:`ReplicaRouter` and
:class:`gonghui.core.middleware.ReplicaRoutingMiddleware`. Without it nothing here runs.

The rules (docs/ops/deploy.md "Read replicas"):

- Only web requests read from replicas, and only through the ORM. Management commands, the task
  worker and the shell have no request scope and use the primary; so does raw SQL through
  ``django.db.connection``.
- Writes always go to the primary (``default``). The first write of a request (anything the ORM
  routes as a write: ``save``, ``create``, ``update``, ``delete``, ``select_for_update``,
  ``get_or_create``) pins the rest of the request to the primary, and so does a read inside an
  ``atomic`` block on the primary.
- Unsafe methods (POST, PUT, PATCH, DELETE) read from the primary from the start: what they
  read decides what they write.
- After a request that wrote, the response carries a cookie that keeps that browser on the
  primary for ``GONGHUI_REPLICA_STICKY_SECONDS`` (default 5), longer than replication lag
  normally is, so whoever just saved sees their change on the next page.
- Sessions, the database cache and the task queue are always read from the primary.
- Migrations run on ``default`` only; relations between the primary and replicas are allowed
  (they hold the same data).

The request state lives in a :class:`contextvars.ContextVar`, set and reset by the middleware
around each request, so it never leaks from one request (or thread) to the next.
"""

import contextlib
import random
import time
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

COOKIE_NAME = "gonghui_primary_until"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
# Read from the primary whatever the request: correctness matters more than the load they add
# (a session read from a lagging replica right after login would log the user out).
PRIMARY_ONLY_APPS = frozenset({"sessions", "django_cache", "django_tasks_db"})


@dataclass
class ReadState:
    """What the current request has done so far."""

    pinned: bool = False  # reads go to the primary for the rest of the request
    wrote: bool = False  # the request wrote: the response keeps the client on the primary
    replica: str = ""  # the replica this request reads (one per request: one consistent view)


_state: ContextVar[ReadState | None] = ContextVar("gonghui_db_read_state", default=None)


def replica_aliases() -> list[str]:
    """The configured replica aliases (empty: replicas are off)."""
    return list(getattr(settings, "GONGHUI_REPLICA_DATABASES", ()) or ())


def sticky_seconds() -> int:
    return max(0, int(getattr(settings, "GONGHUI_REPLICA_STICKY_SECONDS", 5)))


def current() -> ReadState | None:
    """The state of the request being served, or None outside a request scope."""
    return _state.get()


@contextlib.contextmanager
def request_scope(*, pinned: bool = False):
    """Serve one request (or one unit of work) that may read from replicas; ``pinned`` starts
    it on the primary. Yields the :class:`ReadState`; restores the previous state on exit."""
    state = ReadState(pinned=pinned, wrote=False)
    token = _state.set(state)
    try:
        yield state
    finally:
        _state.reset(token)


def pin_to_primary() -> None:
    """Read from the primary for the rest of the current request (no-op outside one)."""
    state = _state.get()
    if state is not None:
        state.pinned = True


def sticky_until(cookies) -> float:
    """The time (epoch seconds) until which the client's cookie keeps it on the primary."""
    try:
        return float(cookies.get(COOKIE_NAME, "") or 0)
    except (TypeError, ValueError):
        return 0.0


def starts_pinned(request) -> bool:
    """An unsafe method, or a client still inside the sticky window of its last write."""
    if request.method not in SAFE_METHODS:
        return True
    return sticky_until(request.COOKIES) > time.time()


def _in_primary_transaction() -> bool:
    return connections[DEFAULT_DB_ALIAS].in_atomic_block


class ReplicaRouter:
    """Reads to a replica (one per request, chosen at random) unless the request has written
    (read-your-writes); writes and migrations to ``default``."""

    def db_for_read(self, model, **hints):
        aliases = replica_aliases()
        state = _state.get()
        if not aliases or state is None or state.pinned:
            return DEFAULT_DB_ALIAS
        if model._meta.app_label in PRIMARY_ONLY_APPS:
            return DEFAULT_DB_ALIAS
        if _in_primary_transaction():
            state.pinned = True
            return DEFAULT_DB_ALIAS
        if state.replica not in aliases:
            state.replica = random.choice(aliases)
        return state.replica

    def db_for_write(self, model, **hints):
        state = _state.get()
        if state is not None:
            state.pinned = True
            state.wrote = True
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        known = {DEFAULT_DB_ALIAS, *replica_aliases()}
        if obj1._state.db in known and obj2._state.db in known:
            return True
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        if db in replica_aliases():
            return False
        return None
