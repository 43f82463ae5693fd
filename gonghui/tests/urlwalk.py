"""The URL walk's machinery (the tests are in ``test_url_walk.py``): it finds every page of the
root URLconf and every operation of the API, and fills them with 西安 objects that the apps
contribute. It imports no app: each project app adds its part in ``<app>/tests/walk.py``,
found through the installed apps, so a new app joins the walk by adding that module.

A page or an operation is walked as soon as it exists. One that no contribution can fill (a
URL parameter without a 西安 value, a write without a body) fails loudly instead of being
skipped, and so does an app with pages but no ``tests/walk.py``.

What an app's ``tests/walk.py`` may define (every name is optional):

``xian_objects(world) -> dict``
    Builds the app's 西安 objects through its services and returns the values the URLs take,
    keyed by URL parameter (``{"member_id": ...}``; a list is walked once per item), with
    anything else the app's own walk tests read (``"request_secrets"``). Keys are unique
    across the apps.
``MARKERS``
    Names found only on the app's 西安 objects: a sibling's page showing one leaks.
``secrets(values) -> list[str]``
    Markers known only once the objects exist (a generated contact, a key): leaks too.
``snapshot(values) -> tuple`` and ``COUNTED``
    The state of the app's 西安 objects and the tables whose row count must not move while a
    sibling walks: the walk compares them before and after.
``PUBLIC_PAGES``
    URL names open to everyone by design, walked by the app's own tests instead.
``NOT_WALKED``
    URL name → why the walk leaves the page out (a user's own pages, sign-in pages).
``PARAM_ALIASES``
    URL parameter of the app's pages → the key of its value, where one parameter name means
    different objects in different apps (``transfer_id``).
``LIST_PARAMS``
    URL parameters that choose a variant of a list page (a file format), not an object.
``LIST_QUERIES``
    (URL name, query) of list pages with filters a sibling must see no 西安 row through;
    the query may name values (``"?object={member_id}"``).
``SCOPED_QUERIES``
    (URL name, query) of pages whose query names a 西安 object: 404 for a sibling.
``FORM_POST``
    Fields the app's forms read, posted to every officer page (the object is fetched and
    refused before the input is looked at). A field two apps name has one value.
``API_PUBLIC``
    (method, path) of operations open to everyone by design, walked by the app's own tests;
    paths are below the API root, without converters (``"requests/{request_id}/rate"``).
``API_NOT_WALKED``
    Path prefix → why the walk leaves those operations out.
``API_BODIES``
    (method, path) → the body of each scoped write, naming a 西安 object so that a sibling is
    refused for the object, not for a malformed body (``"{member_id}"`` is replaced by the
    value); ``None`` for no body.
``API_OWN_UNION_WRITES``
    (method, path) → (status, code) for writes that name no union and act in the caller's.
``API_SCOPED_QUERIES`` and ``API_SEARCHES``
    URL name → query of list endpoints: a query naming a 西安 organisation is 404 for a
    sibling; a search finds them no 西安 row.
"""

import importlib
import itertools
import json
import re
from dataclasses import dataclass
from types import ModuleType

from django.apps import AppConfig, apps
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from config.api import api

SIBLINGS = ["baoji", "gansu"]
API_NAMESPACE = "api"


# ---- the contributions -----------------------------------------------------------------


@dataclass(frozen=True)
class Contribution:
    """One project app and its ``tests/walk.py`` (``None`` when it has none)."""

    app: AppConfig
    module: ModuleType | None

    def get(self, name: str, default):
        return getattr(self.module, name, default) if self.module is not None else default

    @property
    def label(self) -> str:
        return self.app.label


PROJECT = __name__.split(".")[0]  # "gonghui": the apps of the project, not Django's or a library's


def _is_project_app(app: AppConfig) -> bool:
    return app.name.startswith(PROJECT + ".")


def _walk_module(app: AppConfig) -> ModuleType | None:
    name = f"{app.name}.tests.walk"
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as missing:
        if missing.name in {f"{app.name}.tests", name}:
            return None
        raise


_contributions: list[Contribution] | None = None


def contributions() -> list[Contribution]:
    """Every project app (in INSTALLED_APPS order) with its part of the walk."""
    global _contributions
    if _contributions is None:
        _contributions = [
            Contribution(app, _walk_module(app)) for app in apps.get_app_configs() if _is_project_app(app)
        ]
    return _contributions


def merged(name: str) -> dict:
    """The apps' dicts (or sets) called ``name``, merged; a key two apps give must agree."""
    result: dict = {}
    for contribution in contributions():
        table = contribution.get(name, {})
        items = table.items() if isinstance(table, dict) else ((key, contribution.label) for key in table)
        for key, value in items:
            if isinstance(table, dict):
                assert result.get(key, value) == value, f"{name}[{key!r}] differs between the apps' walks"
            result[key] = value
    return result


def xian_objects(world) -> dict:
    """Every app's 西安 objects, built in INSTALLED_APPS order: {URL parameter: value}."""
    values: dict = {}
    for contribution in contributions():
        build = contribution.get("xian_objects", None)
        if build is None:
            continue
        made = build(world)
        clash = set(made) & set(values)
        assert not clash, f"{contribution.label}'s walk gives {sorted(clash)} again: use other keys"
        values |= made
    return values


def markers() -> list[str]:
    """Names found only on 西安 objects (every app's MARKERS)."""
    return [marker for contribution in contributions() for marker in contribution.get("MARKERS", [])]


def leaks(body: str, values: dict) -> list[str]:
    """The 西安 markers and secrets found in ``body``."""
    secrets = [
        secret for c in contributions() if c.get("secrets", None) for secret in c.module.secrets(values)
    ]
    return [marker for marker in [*markers(), *secrets] if marker in body]


def snapshot(values: dict) -> tuple:
    """The state of every app's 西安 objects and the row counts of the tables they name."""
    states = tuple((c.label, c.module.snapshot(values)) for c in contributions() if c.get("snapshot", None))
    counts = {
        model._meta.label: model.objects.count() for c in contributions() for model in c.get("COUNTED", [])
    }
    return states, counts


def form_post() -> dict:
    """One POST body for every officer form: the fields every app's forms read."""
    return merged("FORM_POST")


# ---- pages -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    """One page of the walk, filled with 西安 values."""

    url: str
    has_object: bool
    name: str  # "namespace:name"
    app: str  # the label of the app that owns the page


def _owner_by_module(module: str) -> AppConfig | None:
    owners = [
        app for app in apps.get_app_configs() if module == app.name or module.startswith(app.name + ".")
    ]
    return max(owners, key=lambda app: len(app.name)) if owners else None


def _patterns(patterns, namespace: str | None = None):
    """(namespace, URLPattern) of every page, nested includes flattened."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace
            yield from _patterns(
                pattern.url_patterns, f"{namespace}:{inner}" if namespace and inner else inner or namespace
            )
        else:
            assert isinstance(pattern, URLPattern), pattern
            yield namespace, pattern


def pages() -> list[tuple[str, URLPattern, Contribution]]:
    """(URL name, pattern, owner) of every page of the project's apps in the root URLconf.
    A namespaced page belongs to the app of that label; a page outside any namespace to the
    app its view lives in. The API (walked by operation) and pages of apps outside the project
    (Django's admin, the language switch) are left out."""
    by_label = {c.label: c for c in contributions()}
    found = []
    for namespace, pattern in _patterns(get_resolver().url_patterns):
        if namespace == API_NAMESPACE:
            continue
        if namespace is None:
            app = _owner_by_module(pattern.callback.__module__)
            label = app.label if app is not None else None
        else:
            label = namespace.split(":")[0]
            assert label in {a.label for a in apps.get_app_configs()}, (
                f"the URL walk cannot tell which app owns the namespace {namespace!r}"
            )
        if label not in by_label:
            continue  # not a project app: Django's admin, the language switch
        name = f"{namespace}:{pattern.name}" if namespace else pattern.name
        found.append((name, pattern, by_label[label]))
    return found


def _fill(params: list[str], values: dict, where: str) -> list[dict]:
    """Every way of filling ``params``: a value given as a list (the competition page's
    buttons) is walked once per item."""
    unknown = [p for p in params if p not in values]
    assert not unknown, f"the URL walk cannot fill {unknown} in {where}: add a 西安 object for it"
    options = [values[p] if isinstance(values[p], list) else [values[p]] for p in params]
    return [dict(zip(params, combo, strict=True)) for combo in itertools.product(*options)]


def html_urls(values: dict, *, public: bool = False) -> list[Page]:
    """Every officer page filled with 西安 values; with ``public``, the pages open to everyone
    by design (the apps' PUBLIC_PAGES) instead."""
    found = []
    for name, pattern, owner in pages():
        assert owner.module is not None, (
            f"{name}: the app {owner.label!r} has pages but no tests/walk.py to fill them"
        )
        if name in owner.get("NOT_WALKED", {}):
            continue
        if (name in owner.get("PUBLIC_PAGES", set())) != public:
            continue
        aliases = owner.get("PARAM_ALIASES", {})
        scoped = values | {param: values[key] for param, key in aliases.items()}
        params = list(pattern.pattern.converters)
        objects = set(params) - set(owner.get("LIST_PARAMS", set()))
        for kwargs in _fill(params, scoped, str(pattern.pattern)):
            found.append(Page(reverse(name, kwargs=kwargs), bool(objects), name, owner.label))
    return found


def list_queries(values: dict) -> list[str]:
    """The apps' list pages with filters (LIST_QUERIES), as URLs."""
    return [
        reverse(name) + query.format(**values)
        for contribution in contributions()
        for name, query in contribution.get("LIST_QUERIES", [])
    ]


def scoped_queries() -> list[tuple[str, str]]:
    """(URL name, query) of pages whose query names a 西安 object (every app's SCOPED_QUERIES)."""
    return [pair for contribution in contributions() for pair in contribution.get("SCOPED_QUERIES", [])]


# ---- API -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Operation:
    """One operation of the API for one method, filled with 西安 values."""

    method: str
    path: str  # below the API root, without converters: "members/{member_id}"
    url: str
    name: str  # the URL name in the "api" namespace
    app: str  # the label of the app whose module defines the operation


def endpoints():
    """(path, URL name, ninja operation, owner) of every operation of the API, as mounted: the
    path below the API root without converters ("members/{member_id}"), the owner the app whose
    module defines the operation."""
    for bound in api._get_bound_routers():
        for router_path, path_view in bound.path_operations.items():
            bare = re.sub(r"{\w+:(\w+)}", r"{\1}", f"{bound.prefix}/{router_path}")
            path = re.sub(r"/+", "/", bare).strip("/")
            for operation in path_view.operations:
                module = operation.view_func.__module__
                owner = next((c for c in contributions() if c.app is _owner_by_module(module)), None)
                assert owner is not None, f"API {path}: the URL walk cannot tell which app owns {module}"
                yield path, path_view.url_name or operation.view_func.__name__, operation, owner


def _not_walked(path: str, owner: Contribution) -> bool:
    return any(path == prefix or path.startswith(prefix + "/") for prefix in owner.get("API_NOT_WALKED", {}))


def api_operations(values: dict, *, public: bool = False):
    """Every operation that needs a signed-in caller, filled with 西安 values; with ``public``,
    the operations open to everyone by design (the apps' API_PUBLIC) instead. Operations
    without sign-in that no app lists as public (the enrolment form, the dues calculator, the
    card check) are left out: they show no 西安 object."""
    api_public = merged("API_PUBLIC")
    root = reverse(f"{API_NAMESPACE}:api-root")
    for path, name, operation, owner in endpoints():
        if _not_walked(path, owner):
            continue
        params = re.findall(r"{(\w+)}", path)
        for kwargs in _fill(params, values, f"API {path}"):
            url = reverse(f"{API_NAMESPACE}:{name}", kwargs=kwargs)
            assert url == root + path.format(**kwargs), (url, path)  # not a namesake
            for method in operation.methods:
                if operation.auth_param is None and (method, path) not in api_public:
                    continue
                if ((method, path) in api_public) == public:
                    yield Operation(method, path, url, name, owner.label)


def api_body(method: str, path: str, values: dict):
    """The JSON body the walk sends to a scoped write, with the 西安 values filled in."""
    bodies = merged("API_BODIES")
    key = (method, path)
    assert key in bodies, f"the URL walk has no body for {method} {path}: add one naming a 西安 object"
    body = bodies[key]
    if body is None:
        return None
    return {
        k: (str(values[v[1:-1]]) if isinstance(v, str) and v.startswith("{") else v) for k, v in body.items()
    }


def call(client: Client, method: str, url: str, body=None, query=None):
    """One request of the walk: a GET with ``query``, or a JSON ``body``."""
    if method == "GET":
        return client.get(url, query or {})
    data = json.dumps(body) if body is not None else ""
    return client.generic(method, url, data=data, content_type="application/json")


def text(response) -> str:
    """The body as text; a file (a template, an export) may be binary or streamed."""
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return body.decode("utf-8", errors="replace")
