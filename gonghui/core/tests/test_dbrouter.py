"""Read replicas (gonghui/core/dbrouter.py): reads of web requests to a replica, writes and
everything after a write to the primary, a sticky window after a write, nothing without
GONGHUI_REPLICA_URLS.

The replica alias is a second connection to the SAME test database (``TEST: MIRROR``), so the
end-to-end tests run with ``transaction=True``: what the primary commits, the "replica" sees.
"""

import copy
import runpy
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.db import DEFAULT_DB_ALIAS, connections, router, transaction
from django.http import HttpResponse
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import path

from config import env
from gonghui.core import dbrouter
from gonghui.core.models import AuditEntry

REPLICA = "replica1"
ROUTER = "gonghui.core.dbrouter.ReplicaRouter"
MIDDLEWARE = "gonghui.core.middleware.ReplicaRoutingMiddleware"


# ---- tiny views, served through the real middleware stack --------------------------------


def read_view(request):
    group = Group.objects.get(name="readers")
    return HttpResponse(group._state.db)


def write_then_read_view(request):
    Group.objects.create(name=f"w{time.monotonic_ns()}")
    return HttpResponse(Group.objects.get(name="readers")._state.db)


def write_view(request):
    Group.objects.create(name=f"p{time.monotonic_ns()}")
    return HttpResponse(Group.objects.get(name="readers")._state.db)


def idle_post_view(request):
    return HttpResponse(Group.objects.get(name="readers")._state.db)


urlpatterns = [
    path("read/", read_view),
    path("write-then-read/", write_then_read_view),
    path("write/", write_view),
    path("idle-post/", idle_post_view),
]


# ---- fixtures ------------------------------------------------------------------------------


@pytest.fixture(scope="module", autouse=True)
def replica_alias(django_db_setup):
    """A connection ``replica1`` to the test database, registered before the tests' database
    access is set up (a test may only use aliases it declares)."""
    entry = copy.deepcopy(connections[DEFAULT_DB_ALIAS].settings_dict)
    entry["TEST"] = {**entry.get("TEST", {}), "MIRROR": DEFAULT_DB_ALIAS}
    connections.settings[REPLICA] = entry
    try:
        yield REPLICA
    finally:
        connections[REPLICA].close()
        del connections[REPLICA]
        del connections.settings[REPLICA]


@pytest.fixture
def replica():
    """Switch the router and the middleware on for ``replica1``, as GONGHUI_REPLICA_URLS would."""
    middleware = list(settings.MIDDLEWARE)
    middleware.insert(1, MIDDLEWARE)
    with override_settings(
        GONGHUI_REPLICA_DATABASES=[REPLICA],
        GONGHUI_REPLICA_STICKY_SECONDS=5,
        DATABASE_ROUTERS=[ROUTER],
        MIDDLEWARE=middleware,
        ROOT_URLCONF=__name__,
    ):
        yield REPLICA


@pytest.fixture
def readers(replica):
    return Group.objects.create(name="readers")


def replica_queries(client_call):
    with CaptureQueriesContext(connections[REPLICA]) as on_replica:
        response = client_call()
    return response, len(on_replica.captured_queries)


# ---- settings ------------------------------------------------------------------------------


def load_settings(monkeypatch, **environ) -> dict:
    """config/settings.py evaluated afresh under the given environment."""
    for name in ("GONGHUI_REPLICA_URLS", "GONGHUI_REPLICA_STICKY_SECONDS"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(Path(settings.BASE_DIR) / "config" / "settings.py"))


def test_no_replica_urls_means_no_replicas_router_or_middleware(monkeypatch):
    loaded = load_settings(monkeypatch)
    assert set(loaded["DATABASES"]) == {DEFAULT_DB_ALIAS}
    assert loaded["GONGHUI_REPLICA_DATABASES"] == []
    assert loaded["DATABASE_ROUTERS"] == []
    assert MIDDLEWARE not in loaded["MIDDLEWARE"]
    # and the running test settings likewise
    assert settings.GONGHUI_REPLICA_DATABASES == []
    assert router.routers == []
    assert MIDDLEWARE not in settings.MIDDLEWARE


def test_replica_urls_add_aliases_router_and_middleware(monkeypatch):
    loaded = load_settings(
        monkeypatch,
        GONGHUI_REPLICA_URLS="postgres://ro@10.0.0.2/gonghui, postgres://ro@10.0.0.3/gonghui",
        GONGHUI_REPLICA_STICKY_SECONDS="8",
    )
    assert list(loaded["DATABASES"]) == [DEFAULT_DB_ALIAS, "replica1", "replica2"]
    assert loaded["GONGHUI_REPLICA_DATABASES"] == ["replica1", "replica2"]
    assert loaded["GONGHUI_REPLICA_STICKY_SECONDS"] == 8
    assert loaded["DATABASE_ROUTERS"] == [ROUTER]
    # right after SecurityMiddleware: before anything that may touch the database
    assert loaded["MIDDLEWARE"][1] == MIDDLEWARE


def test_replica_urls_are_parsed_like_database_url_and_mirror_default_in_tests():
    replicas = env.replica_databases(
        ["postgres://ro:pw@10.0.0.2:5433/gonghui?sslmode=require", "postgres://ro@10.0.0.3/gonghui"],
        Path("/srv"),
    )
    assert list(replicas) == ["replica1", "replica2"]
    first = replicas["replica1"]
    assert first["ENGINE"] == "django.db.backends.postgresql"
    assert (first["HOST"], first["PORT"], first["USER"], first["PASSWORD"]) == (
        "10.0.0.2",
        "5433",
        "ro",
        "pw",
    )
    assert first["OPTIONS"] == {"sslmode": "require"}
    assert first["TEST"] == {"MIRROR": "default"}
    assert replicas["replica2"]["HOST"] == "10.0.0.3"


@pytest.mark.django_db
def test_without_the_setting_requests_read_and_write_the_primary_and_set_no_cookie(client, admin_user):
    client.force_login(admin_user)
    response = client.get("/members/")
    assert response.status_code == 200
    assert dbrouter.COOKIE_NAME not in response.cookies
    assert router.db_for_read(Group) == DEFAULT_DB_ALIAS
    assert router.db_for_write(Group) == DEFAULT_DB_ALIAS


# ---- the router's decisions ------------------------------------------------------------------


@pytest.mark.django_db(transaction=True, databases=[DEFAULT_DB_ALIAS, REPLICA])
def test_reads_go_to_the_replica_and_writes_to_the_primary(replica):
    with dbrouter.request_scope():
        assert router.db_for_read(Group) == REPLICA
        assert router.db_for_write(Group) == DEFAULT_DB_ALIAS


def test_one_replica_per_request_spread_over_requests():
    with override_settings(GONGHUI_REPLICA_DATABASES=["replica1", "replica2", "replica3"]):
        r = dbrouter.ReplicaRouter()
        chosen = set()
        for _ in range(60):
            with dbrouter.request_scope():
                first = r.db_for_read(Group)
                assert all(r.db_for_read(Group) == first for _ in range(5))
                chosen.add(first)
        assert chosen == {"replica1", "replica2", "replica3"}


@pytest.mark.django_db(transaction=True, databases=[DEFAULT_DB_ALIAS, REPLICA])
def test_after_a_write_the_rest_of_the_request_reads_the_primary(readers):
    with dbrouter.request_scope() as state:
        assert Group.objects.get(pk=readers.pk)._state.db == REPLICA
        Group.objects.create(name="new")
        assert state.wrote and state.pinned
        assert Group.objects.get(name="new")._state.db == DEFAULT_DB_ALIAS
        assert Group.objects.get(pk=readers.pk)._state.db == DEFAULT_DB_ALIAS
    with dbrouter.request_scope():  # the next request starts fresh
        assert Group.objects.get(pk=readers.pk)._state.db == REPLICA


@pytest.mark.django_db(transaction=True, databases=[DEFAULT_DB_ALIAS, REPLICA])
def test_reads_inside_an_atomic_block_and_select_for_update_use_the_primary(readers):
    with dbrouter.request_scope():
        with transaction.atomic():
            assert Group.objects.get(pk=readers.pk)._state.db == DEFAULT_DB_ALIAS
    with dbrouter.request_scope() as state:
        with transaction.atomic():
            locked = Group.objects.select_for_update().get(pk=readers.pk)
        assert locked._state.db == DEFAULT_DB_ALIAS
        assert state.pinned
        assert Group.objects.get(pk=readers.pk)._state.db == DEFAULT_DB_ALIAS


@pytest.mark.django_db(transaction=True, databases=[DEFAULT_DB_ALIAS, REPLICA])
def test_outside_a_request_and_for_sessions_reads_use_the_primary(readers):
    from django.contrib.sessions.models import Session

    assert Group.objects.get(pk=readers.pk)._state.db == DEFAULT_DB_ALIAS  # commands, tasks
    with dbrouter.request_scope():
        assert router.db_for_read(Session) == DEFAULT_DB_ALIAS


@pytest.mark.django_db(transaction=True, databases=[DEFAULT_DB_ALIAS, REPLICA])
def test_migrations_only_on_default_and_relations_across_aliases(readers):
    r = dbrouter.ReplicaRouter()
    assert r.allow_migrate(REPLICA, "members") is False
    assert r.allow_migrate(DEFAULT_DB_ALIAS, "members") is None  # Django's default: allowed
    assert router.allow_migrate(DEFAULT_DB_ALIAS, "members")
    with dbrouter.request_scope():
        from_replica = Group.objects.get(pk=readers.pk)
    primary = Group.objects.get(pk=readers.pk)
    assert (from_replica._state.db, primary._state.db) == (REPLICA, DEFAULT_DB_ALIAS)
    assert router.allow_relation(from_replica, primary) is True


def test_state_does_not_leak_between_scopes_or_threads():
    import threading

    seen = []
    with dbrouter.request_scope() as outer:
        dbrouter.pin_to_primary()
        assert outer.pinned
        thread = threading.Thread(target=lambda: seen.append(dbrouter.current()))
        thread.start()
        thread.join()
    assert seen == [None]  # a new thread starts without a request scope
    assert dbrouter.current() is None


# ---- through the middleware ----------------------------------------------------------------


@pytest.mark.django_db(transaction=True, databases=[DEFAULT_DB_ALIAS, REPLICA])
def test_get_reads_the_replica_and_sets_no_cookie(client, readers):
    response, on_replica = replica_queries(lambda: client.get("/read/"))
    assert response.content == REPLICA.encode()
    assert on_replica >= 1
    assert dbrouter.COOKIE_NAME not in response.cookies


@pytest.mark.django_db(transaction=True, databases=[DEFAULT_DB_ALIAS, REPLICA])
def test_a_get_that_writes_reads_its_own_write_from_the_primary(client, readers):
    response = client.get("/write-then-read/")
    assert response.content == DEFAULT_DB_ALIAS.encode()
    assert dbrouter.COOKIE_NAME in response.cookies


@pytest.mark.django_db(transaction=True, databases=[DEFAULT_DB_ALIAS, REPLICA])
def test_unsafe_methods_read_the_primary_from_the_start(client, readers):
    response, on_replica = replica_queries(lambda: client.post("/idle-post/"))
    assert response.content == DEFAULT_DB_ALIAS.encode()
    assert on_replica == 0
    assert dbrouter.COOKIE_NAME not in response.cookies  # it did not write


@pytest.mark.django_db(transaction=True, databases=[DEFAULT_DB_ALIAS, REPLICA])
def test_sticky_window_after_a_write_then_back_to_the_replica(client, readers):
    response = client.post("/write/")
    cookie = response.cookies[dbrouter.COOKIE_NAME]
    assert cookie["max-age"] == 5
    assert cookie["httponly"]
    assert 4 < float(cookie.value) - time.time() <= 5.01

    # The next page, inside the window: the primary, not one query on the replica.
    response, on_replica = replica_queries(lambda: client.get("/read/"))
    assert (response.content, on_replica) == (DEFAULT_DB_ALIAS.encode(), 0)

    # Once the window has passed: the replica again.
    client.cookies[dbrouter.COOKIE_NAME] = f"{time.time() - 1:.3f}"
    response, on_replica = replica_queries(lambda: client.get("/read/"))
    assert response.content == REPLICA.encode() and on_replica >= 1

    # A forged or garbled cookie is just ignored.
    client.cookies[dbrouter.COOKIE_NAME] = "not-a-time"
    assert client.get("/read/").content == REPLICA.encode()


@pytest.mark.django_db(transaction=True, databases=[DEFAULT_DB_ALIAS, REPLICA])
def test_sticky_seconds_zero_sets_no_cookie(client, readers):
    with override_settings(GONGHUI_REPLICA_STICKY_SECONDS=0):
        response = client.post("/write/")
    assert dbrouter.COOKIE_NAME not in response.cookies


@pytest.mark.django_db(transaction=True, databases=[DEFAULT_DB_ALIAS, REPLICA])
def test_real_pages_read_the_replica_and_login_session_stays_on_the_primary(client, replica, admin_user):
    with override_settings(ROOT_URLCONF="config.urls"):
        client.force_login(admin_user)
        response, on_replica = replica_queries(lambda: client.get("/members/"))
        assert response.status_code == 200
        assert on_replica >= 1
        # Sessions are never read from a replica (a lagging one would log the user out).
        with CaptureQueriesContext(connections[REPLICA]) as captured:
            client.get("/members/")
        assert not any("django_session" in q["sql"] for q in captured.captured_queries)
        # A write through the application (an audit entry here) pins the request.
        with dbrouter.request_scope() as state:
            AuditEntry.objects.create(action="test.write", actor_label="system")
            assert state.wrote
