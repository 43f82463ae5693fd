"""The scoping guard (docs/dev/architecture.md, "Tests"): walk every scoped officer page and every scoped API
endpoint of the project's apps for objects of 西安, and check that

* an anonymous visitor is sent to the login page (pages) or gets 401 (API);
* the sibling-branch admins — 宝鸡 (a sibling city) and 甘肃 (a sibling province) — get
  403 or 404, never 200 and never a server error, and change nothing;
* list pages and list endpoints answer the siblings without any 西安 row;
* the 西安 admin reaches every page, so the walk is known to hit real objects.

URLs are discovered from the root URLconf and the API, so a new page or endpoint is walked as
soon as it exists; one whose parameters or payload this walk cannot fill fails loudly instead
of being skipped. The 西安 objects, the names that mark them and the bodies of the writes come
from each app's ``tests/walk.py`` (the protocol: ``urlwalk.py``); pages open to everyone by
design are walked by each app's own ``tests/test_walk.py``.
"""

from collections import defaultdict

import pytest
from django.urls import reverse

from gonghui.testing import client_for
from gonghui.tests import urlwalk
from gonghui.tests.urlwalk import SIBLINGS, api_body, api_operations, call, html_urls, leaks, snapshot, text

pytestmark = pytest.mark.django_db


# ---- the contributions -------------------------------------------------------------------


def test_every_name_in_the_apps_walks_is_a_page_or_an_operation_of_that_app(world, xian):
    """A page or an operation renamed, moved to another app or removed leaves no stale line
    behind in a walk.py (a body for no operation, a public page that no longer exists, a search
    of no endpoint)."""
    pages = {(owner.label, name) for name, _pattern, owner in urlwalk.pages()}
    page_names = {name for _label, name in pages}
    operations = {
        (o.app, o.method, o.path) for public in (False, True) for o in api_operations(xian, public=public)
    }
    names = {o.name for public in (False, True) for o in api_operations(xian, public=public)}
    paths = defaultdict(set)
    for path, _name, _operation, owner in urlwalk.endpoints():
        paths[owner.label].add(path)
    stale = []
    for contribution in urlwalk.contributions():
        label = contribution.label
        for table in ("PUBLIC_PAGES", "NOT_WALKED"):
            stale += [(label, table, n) for n in contribution.get(table, {}) if (label, n) not in pages]
        for table in ("LIST_QUERIES", "SCOPED_QUERIES"):
            stale += [(label, table, n) for n, _query in contribution.get(table, []) if n not in page_names]
        for table in ("API_PUBLIC", "API_BODIES", "API_OWN_UNION_WRITES"):
            stale += [
                (label, table, key) for key in contribution.get(table, {}) if (label, *key) not in operations
            ]
        for table in ("API_SCOPED_QUERIES", "API_SEARCHES"):
            stale += [(label, table, n) for n in contribution.get(table, {}) if n not in names]
        for prefix in contribution.get("API_NOT_WALKED", {}):
            if not any((path == prefix or path.startswith(prefix + "/")) for path in paths[label]):
                stale.append((label, "API_NOT_WALKED", prefix))
    assert stale == []


# ---- pages -----------------------------------------------------------------------------


def test_every_officer_page_sends_anonymous_visitors_to_the_login_page(world, xian, client):
    login = reverse("accounts:login")
    for page in html_urls(xian):
        for method in ("get", "post"):
            response = getattr(client, method)(page.url)
            if method == "get" and response.status_code == 405:
                # a POST-only button refuses the method before it looks anything up: nothing
                # about the object is revealed, and its POST is checked below
                continue
            assert response.status_code == 302, (method, page.url, response.status_code)
            assert response["Location"].startswith(login), (method, page.url)


@pytest.mark.parametrize("sibling", SIBLINGS)
def test_every_xian_object_page_is_403_or_404_for_sibling_admins(world, xian, sibling):
    before = snapshot(xian)
    client = client_for(sibling)
    form = urlwalk.form_post()
    walked = 0
    apps = set()
    for page in html_urls(xian):
        if not page.has_object:
            continue
        walked += 1
        apps.add(page.app)
        response = client.get(page.url)
        got = response.status_code
        assert got in {403, 404, 405}, ("GET", page.url, got)
        assert not leaks(text(response), xian), page.url
        posted = client.post(page.url, form).status_code
        # 405: a read-only page (refused above) that takes no POST
        assert posted in {403, 404} or (posted == 405 and got in {403, 404}), ("POST", page.url, posted)
    assert walked >= 80
    # every app that builds 西安 objects has pages that take them, and the walk found them
    builders = {c.label for c in urlwalk.contributions() if c.get("xian_objects", None)}
    assert builders <= apps, builders - apps
    for name, query in urlwalk.scoped_queries():
        assert client.get(reverse(name) + query).status_code == 404, (name, query)
    assert snapshot(xian) == before


@pytest.mark.parametrize("sibling", SIBLINGS)
def test_list_pages_show_sibling_admins_no_xian_rows(world, xian, sibling):
    client = client_for(sibling)
    pages = [page.url for page in html_urls(xian) if not page.has_object]
    pages += urlwalk.list_queries(xian)
    for url in pages:
        response = client.get(url)
        if response.status_code == 405:  # a POST-only button (the station import's confirm): its
            continue  # POST is walked by the stations' test_walk.py
        assert response.status_code == 200, (url, response.status_code)
        leaked = leaks(text(response), xian)
        assert not leaked, (url, leaked)


def test_the_xian_admin_reaches_every_page_the_walk_visits(world, xian):
    client = client_for("xian")
    for page in html_urls(xian):
        got = client.get(page.url).status_code
        assert got in {200, 405}, (page.url, got)


# ---- API -------------------------------------------------------------------------------


def test_every_scoped_api_endpoint_answers_401_to_anonymous_callers(world, xian, client):
    walked = 0
    for operation in api_operations(xian):
        walked += 1
        body = api_body(operation.method, operation.path, xian) if operation.method != "GET" else None
        response = call(client, operation.method, operation.url, body)
        assert response.status_code == 401, (operation.method, operation.url, response.status_code)
        assert response.json()["code"] == "unauthenticated"
    assert walked >= 20


@pytest.mark.parametrize("sibling", SIBLINGS)
def test_every_scoped_api_endpoint_is_403_or_404_for_sibling_admins(world, xian, sibling):
    before = snapshot(xian)
    client = client_for(sibling)
    scoped_queries = urlwalk.merged("API_SCOPED_QUERIES")
    searches = urlwalk.merged("API_SEARCHES")
    own_union_writes = urlwalk.merged("API_OWN_UNION_WRITES")
    apps = set()
    for operation in api_operations(xian):
        method, path, url, name = operation.method, operation.path, operation.url, operation.name
        apps.add(operation.app)
        takes_object = "{" in path
        if method == "GET" and not takes_object:
            response = call(client, method, url)
            assert response.status_code == 200, (method, url, response.status_code)
            leaked = leaks(text(response), xian)
            assert not leaked, (url, leaked)
            if name in scoped_queries:
                scoped = call(client, method, url, query=scoped_queries[name])
                assert scoped.status_code == 404, (method, url, scoped.status_code)
            if name in searches:
                found = call(client, method, url, query=searches[name])
                assert found.status_code == 200, (method, url, found.status_code)
                leaked = leaks(found.content.decode(), xian)
                assert not leaked, (url, searches[name], leaked)
            continue
        body = api_body(method, path, xian) if method != "GET" else None
        response = call(client, method, url, body)
        if (method, path) in own_union_writes:
            status, code = own_union_writes[(method, path)]
            assert (response.status_code, response.json()["code"]) == (status, code), (method, url)
            continue
        assert response.status_code in {403, 404}, (method, url, response.status_code, response.content[:200])
        leaked = leaks(text(response), xian)
        assert not leaked, (method, url, leaked)
    # every app that posts a 西安 write had its operations walked
    writers = {c.label for c in urlwalk.contributions() if c.get("API_BODIES", {})}
    assert writers <= apps, writers - apps
    assert snapshot(xian) == before


def test_the_xian_admin_reaches_every_api_read(world, xian):
    client = client_for("xian")
    walked = 0
    for operation in api_operations(xian):
        if operation.method != "GET":
            continue
        walked += 1
        response = call(client, operation.method, operation.url)
        assert response.status_code == 200, (operation.url, response.status_code, response.content[:200])
    assert walked >= 15
