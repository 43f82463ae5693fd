"""The roster's exact counts without counting rows: the list without a query reads the subtree
counters, a name search counts search keys only (``members.search``). Each must equal a plain
count of the same rows after every kind of write, in every scope; the list page and the API
list run a fixed number of queries whatever the page holds; the list is newest record first
whichever plan reads it."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gonghui.members import search
from gonghui.members.choices import MembershipStatus
from gonghui.members.models import Member, MemberSearchKey
from gonghui.members.services import members as member_services
from gonghui.members.services import transfers as transfer_services
from gonghui.testing import client_for, make_id_number, person_name

pytestmark = pytest.mark.django_db

_seq = iter(range(9000, 9900))

USERS = ("xian", "baoji", "gansu", "shaanxi", "national", "operator", "xian_viewer")
QUERIES = ("", "zw", "zhangwei", "张", "wang", "w", "shan")
STATUSES = ("", "active", "member", "retained", "transferring", "withdrawn")


def add(world, name, org="xian_factory", **extra):
    extra.setdefault("id_number", make_id_number(world.orgs[org].division_code, seq=next(_seq)))
    return member_services.member_create(
        actor=None, organisation=world.orgs[org], name=name, joined_on=datetime.date(2022, 3, 1), **extra
    )


def check_counts(world):
    """Every cheap count equals the number of rows the same queryset yields."""
    checked = 0
    for username in USERS:
        user = world.users[username]
        for org in (None, world.orgs["xian"], world.orgs["xian_factory"], world.orgs["shaanxi"]):
            if org is not None and username in ("gansu", "baoji", "xian_viewer"):
                continue
            for q in QUERIES:
                for status in STATUSES if not q else ("",):
                    qs = search.search(user, q, organisation=org, status=status)
                    assert isinstance(qs, search.CountedQuerySet), (username, q, status)
                    fast = qs.count()
                    rows = list(qs)
                    assert fast == len(rows), (username, org and org.code, q, status)
                    assert len({m.pk for m in rows}) == len(rows)
                    checked += 1
            qs = search.search(user, "", organisation=org, status="active", employment_form="courier")
            assert qs.count() == len(list(qs))
    return checked


def test_counts_are_exact_after_create_transfer_and_status_change(
    world, sibling_city_admin, sibling_admin, city_admin
):
    assert check_counts(world)
    for i, name in enumerate(["张伟", "张伟", "张文", "王伟", "单明", "周文", "王乐乐"]):
        add(world, name, org="xian_factory" if i % 2 else "yanta_joint")
    add(world, "赵伟", org="baoji_factory", employment_form="courier")
    add(world, "张伟", org="lanzhou_factory")
    check_counts(world)

    # A status change (retained), then a transfer from Xi'an to Baoji, accepted there.
    moved = Member.objects.filter(organisation=world.orgs["yanta_joint"], name="张伟").first()
    member_services.member_change_status(
        actor=city_admin,
        member=Member.objects.get(pk=world.members["xian_worker"].pk),
        to_status=MembershipStatus.RETAINED,
        reason="退休",
    )
    check_counts(world)
    transfer = transfer_services.transfer_request(
        actor=city_admin, member=moved, to_organisation=world.orgs["baoji_factory"], reason="调动"
    )
    check_counts(world)  # 转出中 while the transfer is open
    transfer = transfer_services.transfer_release(actor=city_admin, transfer=transfer)
    transfer_services.transfer_accept(actor=sibling_city_admin, transfer=transfer)
    check_counts(world)

    moved.refresh_from_db()
    assert moved.organisation_id == world.orgs["baoji_factory"].pk
    # The keys moved with the member: Baoji finds and counts them, Xi'an no longer does.
    assert set(MemberSearchKey.objects.filter(member=moved).values_list("organisation_id", flat=True)) == {
        world.orgs["baoji_factory"].pk
    }
    baoji = search.search(sibling_city_admin, "zhangwei")
    assert moved in list(baoji) and baoji.count() == 1
    assert moved not in list(search.search(city_admin, "zhangwei"))
    # The sibling province sees only its own member, and counts only it.
    gansu = search.search(sibling_admin, "zhangwei")
    assert gansu.count() == 1 and [m.organisation_id for m in gansu] == [world.orgs["lanzhou_factory"].pk]
    assert search.search(sibling_admin, "").count() == 2


def test_rename_moves_the_keys_and_the_count(world, city_admin):
    member = add(world, "王伟")
    user = city_admin
    assert search.search(user, "wangwei").count() == 1
    member_services.member_update(actor=user, member=member, name="李伟")
    assert search.search(user, "wangwei").count() == 0
    assert search.search(user, "liwei").count() == 1 == len(list(search.search(user, "liwei")))


def test_filters_the_counters_do_not_hold_fall_back_to_a_plain_count(world, city_admin):
    add(world, "张伟", employment_form="courier")
    user = city_admin
    for kw in ({"employment_form": "courier"}, {"status": "member", "q": "zw"}):
        q = kw.pop("q", "")
        qs = search.search(user, q, **kw)
        assert not isinstance(qs, search.CountedQuerySet)
        assert qs.count() == len(list(qs)) >= 1


def test_narrowing_drops_the_shortcut_and_columns_keep_it(city_admin):
    qs = search.search(city_admin, "")
    assert isinstance(qs.only("id", "name"), search.CountedQuerySet)
    assert isinstance(qs.select_related("organisation"), search.CountedQuerySet)
    narrowed = qs.filter(name="nobody")
    assert narrowed.count() == 0 and qs.count() == 1
    assert qs[:1].count() == 1


# ---- order ---------------------------------------------------------------------------------


@pytest.mark.parametrize("walk_page", [0, 10**9])  # always walk the key / always sort the scope
def test_list_is_newest_record_first_whichever_plan(world, city_admin, monkeypatch, walk_page):
    monkeypatch.setattr(search, "WALK_PAGE", walk_page)
    made = [add(world, name) for name in ("甲一", "乙二", "丙三")]
    user = city_admin
    listed = list(search.search(user, ""))
    assert [m.pk for m in listed] == sorted((m.pk for m in listed), reverse=True)
    assert [m.name for m in listed[:3]] == [m.name for m in reversed(made)]
    small = list(search.search(user, "", organisation=world.orgs["xian_factory"]))
    assert [m.pk for m in small] == [
        m.pk for m in listed if m.organisation_id == world.orgs["xian_factory"].pk
    ]


def test_a_small_scope_is_read_through_the_organisation(world, city_admin, sibling_city_admin):
    """A union far smaller than the table is sorted, not found by walking the whole key."""
    for i in range(30):
        add(world, person_name(i), org="baoji_factory")
    small = search.search(city_admin, "")
    big = search.search(sibling_city_admin, "")
    assert "IN (SELECT" in str(small.query)
    assert "IN (SELECT" not in str(big.query)


# ---- queries per request -------------------------------------------------------------------


def _queries(client, url, **params):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(ctx.captured_queries), response


@pytest.mark.parametrize("params", [{}, {"q": "wang"}, {"status": "active"}, {"organisation": "XA-0001"}])
def test_list_page_and_api_run_a_fixed_number_of_queries(world, city_admin, params):
    web = client_for("xian")
    api = client_for("xian")
    # The first request of a session records when it signed in (session lifetime): not a list cost.
    web.get(reverse("members:list")), api.get("/api/v1/members")
    add(world, "王一")
    page_one, _ = _queries(web, reverse("members:list"), **params)
    api_one, _ = _queries(api, "/api/v1/members", **params)
    for i in range(25):
        add(world, person_name(11 * i), org="xian_factory" if i % 2 else "yanta_joint")
    page_many, response = _queries(web, reverse("members:list"), **params)
    api_many, api_response = _queries(api, "/api/v1/members", **params)
    assert page_many == page_one and api_many == api_one
    # session, user, roles, the count (counters or keys), the page, the nav's own-member link,
    # the bell's unread count; and the organisation filter's look-up
    extra = 1 if "organisation" in params else 0
    assert page_many <= 7 + extra
    assert api_many <= 5 + extra
    count = search.search(city_admin, **_search_kw(params)).count()
    assert api_response.json()["count"] == count >= 13
    assert len(api_response.json()["items"]) == min(20, count)
    assert response.content.decode().count("<tr>") == 1 + min(20, count)  # the header and the rows


def _search_kw(params):
    kw = {"q": params.get("q", ""), "status": params.get("status", "")}
    if "organisation" in params:
        from gonghui.organisations.models import Organisation

        kw["organisation"] = Organisation.objects.get(code=params["organisation"])
    return kw


def test_list_page_rows_link_and_label_as_before(world):
    web = client_for("xian")
    member = world.members["xian_worker"]
    body = web.get(reverse("members:list"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f'href="{reverse("members:detail", args=[member.pk])}"' in body
    assert member.id_number_masked in body and member.member_no in body
    assert "2020-01-15" in body and "西安某机械厂工会委员会" in body
    assert '<option value="active">' in body and '<option value="" selected>' in body
    filtered = web.get(reverse("members:list"), {"status": "active"}).content.decode()
    assert '<option value="active" selected>' in filtered
