"""The scoping guard (STYLE.md "Tests"): walk every scoped officer page and every scoped API
endpoint of the members and organisations apps for objects of 西安, and check that

* an anonymous visitor is sent to the login page (pages) or gets 401 (API);
* the sibling-branch admins — 宝鸡 (a sibling city) and 甘肃 (a sibling province) — get
  403 or 404, never 200 and never a server error, and change nothing;
* list pages and list endpoints answer the siblings without any 西安 row;
* the 西安 admin reaches every page, so the walk is known to hit real objects.

URLs are discovered from the URLconfs and the API routers, so a new page or endpoint is
walked as soon as it exists; one whose parameters or payload this walk cannot fill fails
loudly instead of being skipped.
"""

import json
import re

import pytest
from django.test import Client
from django.urls import URLPattern, reverse

from gonghui.core.models import AuditEntry
from gonghui.members import urls_officer
from gonghui.members.api import router as members_router
from gonghui.members.models import Enrolment, Member, Transfer
from gonghui.members.services import enrolment as enrolment_services
from gonghui.members.services import members as member_services
from gonghui.members.services import transfers as transfer_services
from gonghui.organisations import urls as organisation_urls
from gonghui.organisations.api import audit_router
from gonghui.organisations.api import router as organisations_router
from gonghui.organisations.models import RoleAssignment
from gonghui.testing import make_id_number, make_phone

pytestmark = pytest.mark.django_db

SIBLINGS = ["baoji", "gansu"]
# Names that appear only on 西安 objects: a sibling page containing one of them leaks.
XIAN_MARKERS = ["张伟", "李娜", "王建国", "西安某机械厂"]

# Officer pages: (namespace, urlpatterns). The dashboard and the audit log hang off the root
# URLconf and are walked as list pages below.
HTML_URLCONFS = [("members", urls_officer.urlpatterns), ("organisations", organisation_urls.urlpatterns)]
TOP_LEVEL_PAGES = ["dashboard", "audit"]

# API routers of the scoped apps, walked operation by operation.
API_ROUTERS = [members_router, organisations_router, audit_router]

# One POST body for every officer form: whatever the form, the object is fetched (and
# refused) before the input is looked at.
FORM_POST = {
    "reason": "walk",
    "to_status": "retained",
    "field": "id_number",
    "to_organisation": "BJ-0001",
    "month": "2024-01",
    "monthly_wage": "5000",
    "username": "baoji",
    "role": "admin",
    "new_parent": "610300",
    "name": "改名",
    "kind": "grassroots",
    "code": "BJ-9999",
    "division_code": "610300",
}


@pytest.fixture
def xian(world):
    """西安 objects of every kind the URLs take: a member, a pending application, an open
    transfer, a role assignment, the city federation."""
    enrolment = enrolment_services.enrolment_submit(
        actor=None,
        name="李娜",
        id_number=make_id_number("610113", gender="F", seq=70),
        phone=make_phone(70),
        employer="西安某机械厂",
        work_division="610113",
        employment_form="standard",
    )
    mover = member_services.member_create(
        actor=None,
        organisation=world.orgs["xian_factory"],
        name="王建国",
        id_number=make_id_number("610113", seq=71),
        phone=make_phone(71),
    )
    transfer = transfer_services.transfer_request(
        actor=world.users["xian"], member=mover, to_organisation=world.orgs["yanta_joint"], reason="换工作"
    )
    assignment = RoleAssignment.objects.get(user=world.users["xian"], organisation=world.orgs["xian"])
    return {
        "member_id": world.members["xian_worker"].pk,
        "enrolment_id": enrolment.pk,
        "transfer_id": transfer.pk,
        "assignment_id": assignment.pk,
        "code": "610100",
    }


def _fill(params: list[str], values: dict, where: str) -> dict:
    unknown = [p for p in params if p not in values]
    assert not unknown, f"the URL walk cannot fill {unknown} in {where}: add a 西安 object for it"
    return {p: values[p] for p in params}


def html_urls(values: dict) -> list[tuple[str, bool]]:
    """Every officer page as (url, takes_an_object)."""
    urls = []
    for namespace, patterns in HTML_URLCONFS:
        for pattern in patterns:
            assert isinstance(pattern, URLPattern), pattern
            params = list(pattern.pattern.converters)
            kwargs = _fill(params, values, str(pattern.pattern))
            urls.append((reverse(f"{namespace}:{pattern.name}", kwargs=kwargs), bool(params)))
    urls += [(reverse(name), False) for name in TOP_LEVEL_PAGES]
    return urls


def signed_in(world, username: str) -> Client:
    client = Client()
    client.force_login(world.users[username])
    return client


def snapshot(values: dict) -> tuple:
    member = Member.objects.get(pk=values["member_id"])
    return (
        member.name,
        member.status,
        Member.objects.count(),
        Enrolment.objects.get(pk=values["enrolment_id"]).status,
        Transfer.objects.get(pk=values["transfer_id"]).status,
        RoleAssignment.objects.count(),
        AuditEntry.objects.count(),
    )


# ---- pages -----------------------------------------------------------------------------


def test_every_officer_page_sends_anonymous_visitors_to_the_login_page(world, xian, client):
    login = reverse("accounts:login")
    for url, _has_object in html_urls(xian):
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            assert response.status_code == 302, (method, url, response.status_code)
            assert response["Location"].startswith(login), (method, url)


@pytest.mark.parametrize("sibling", SIBLINGS)
def test_every_xian_object_page_is_403_or_404_for_sibling_admins(world, xian, sibling):
    before = snapshot(xian)
    client = signed_in(world, sibling)
    walked = 0
    for url, has_object in html_urls(xian):
        if not has_object:
            continue
        walked += 1
        got = client.get(url).status_code
        assert got in {403, 404, 405}, ("GET", url, got)
        posted = client.post(url, FORM_POST).status_code
        assert posted in {403, 404}, ("POST", url, posted)
    assert walked >= 15
    assert snapshot(xian) == before


@pytest.mark.parametrize("sibling", SIBLINGS)
def test_list_pages_show_sibling_admins_no_xian_rows(world, xian, sibling):
    client = signed_in(world, sibling)
    pages = [url for url, has_object in html_urls(xian) if not has_object]
    pages += [
        reverse("members:list") + "?organisation=610100",
        reverse("members:list") + "?q=zhangwei",
        reverse("members:enrolments") + "?tab=overdue",
        reverse("members:transfers") + "?tab=closed",
        reverse("organisations:tree") + "?q=610100",
        reverse("audit") + f"?object={xian['member_id']}",
        reverse("audit") + "?organisation=610100",
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        body = response.content.decode()
        leaked = [marker for marker in XIAN_MARKERS if marker in body]
        assert not leaked, (url, leaked)


def test_the_xian_admin_reaches_every_page_the_walk_visits(world, xian):
    client = signed_in(world, "xian")
    for url, _has_object in html_urls(xian):
        got = client.get(url).status_code
        assert got in {200, 405}, (url, got)


# ---- API -------------------------------------------------------------------------------

# Bodies for the scoped API writes, keyed by (method, router path). Each names a 西安 object
# so that the sibling is refused for the object, not for a malformed body.
API_BODIES = {
    ("POST", "members"): {
        "organisation": "XA-0001",
        "name": "赵六",
        "id_number": make_id_number("610113", seq=72),
    },
    ("PATCH", "members/{member_id}"): {"name": "改名"},
    ("POST", "members/{member_id}/status"): {"status": "retained", "reason": "walk"},
    ("POST", "members/{member_id}/reveal"): {"field": "id_number", "reason": "walk"},
    ("POST", "members/{member_id}/dues"): {"month": "2024-01-01", "monthly_wage": "5000"},
    ("POST", "enrolments/{enrolment_id}/approve"): None,
    ("POST", "enrolments/{enrolment_id}/reject"): {"reason": "walk"},
    ("POST", "transfers"): {"member": "{member_id}", "to_organisation": "BJ-0001", "reason": "walk"},
    ("POST", "transfers/{transfer_id}/release"): None,
    ("POST", "transfers/{transfer_id}/accept"): None,
    ("POST", "transfers/{transfer_id}/refuse"): {"reason": "walk"},
    ("POST", "transfers/{transfer_id}/cancel"): {"reason": "walk"},
}

# Scoped look-ups through query parameters of list endpoints, keyed by URL name.
API_SCOPED_QUERIES = {
    "list_members": {"organisation": "610100"},
    "list_organisations": {"parent": "610100"},
    "list_audit": {"organisation": "610100"},
}


def api_operations(values: dict):
    """Every authenticated operation as (method, router path, url, URL name)."""
    for router in API_ROUTERS:
        for path, path_view in router.path_operations.items():
            for operation in path_view.operations:
                if operation.auth_param is None:  # public: enrolment, dues calculator, card check
                    continue
                params = re.findall(r"{(\w+)}", path)
                kwargs = _fill(params, values, f"API {path}")
                name = path_view.url_name or operation.view_func.__name__
                url = reverse(f"api:{name}", kwargs=kwargs)
                for method in operation.methods:
                    yield method, path, url, name


def _call(client: Client, method: str, url: str, body=None, query=None):
    if method == "GET":
        return client.get(url, query or {})
    data = json.dumps(body) if body is not None else ""
    return client.generic(method, url, data=data, content_type="application/json")


def _body(method: str, path: str, values: dict):
    key = (method, path)
    assert key in API_BODIES, f"the URL walk has no body for {method} {path}: add one naming a 西安 object"
    body = API_BODIES[key]
    if body is None:
        return None
    return {
        k: (str(values[v[1:-1]]) if isinstance(v, str) and v.startswith("{") else v) for k, v in body.items()
    }


def test_every_scoped_api_endpoint_answers_401_to_anonymous_callers(world, xian, client):
    walked = 0
    for method, path, url, _name in api_operations(xian):
        walked += 1
        body = _body(method, path, xian) if method != "GET" else None
        response = _call(client, method, url, body)
        assert response.status_code == 401, (method, url, response.status_code)
        assert response.json()["code"] == "unauthenticated"
    assert walked >= 20


@pytest.mark.parametrize("sibling", SIBLINGS)
def test_every_scoped_api_endpoint_is_403_or_404_for_sibling_admins(world, xian, sibling):
    before = snapshot(xian)
    client = signed_in(world, sibling)
    for method, path, url, name in api_operations(xian):
        takes_object = "{" in path
        if method == "GET" and not takes_object:
            response = _call(client, method, url)
            assert response.status_code == 200, (method, url, response.status_code)
            leaked = [marker for marker in XIAN_MARKERS if marker in response.content.decode()]
            assert not leaked, (url, leaked)
            if name in API_SCOPED_QUERIES:
                scoped = _call(client, method, url, query=API_SCOPED_QUERIES[name])
                assert scoped.status_code == 404, (method, url, scoped.status_code)
            continue
        body = _body(method, path, xian) if method != "GET" else None
        response = _call(client, method, url, body)
        assert response.status_code in {403, 404}, (method, url, response.status_code, response.content[:200])
    assert snapshot(xian) == before
