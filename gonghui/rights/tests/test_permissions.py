"""The rights app's permissions (gonghui/rights/permissions.py): who sees a request, who may act
on it, and 403 for someone who sees it but may not act against 404 for everyone else
(docs/dev/permissions.md), with the sibling-branch admins (宝鸡, 甘肃) seeing nothing."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from gonghui.rights import permissions
from gonghui.rights.models import Request
from gonghui.rights.services import needs, transfers
from gonghui.rights.tests.helpers import file_request
from gonghui.testing import api_for

pytestmark = pytest.mark.django_db


def test_the_holding_unions_handle_a_request_siblings_get_404_and_a_viewer_403(
    world, city_admin, city_officer, city_viewer, sibling_city_admin, sibling_admin
):
    r = file_request()
    for user in (city_admin, city_officer):
        assert permissions.can_handle(user, r) and permissions.can_see(user, r)
        permissions.require_handle(user, r)
    for sibling in (sibling_city_admin, sibling_admin):
        assert not permissions.can_handle(sibling, r) and not permissions.can_see(sibling, r)
        with pytest.raises(Http404):
            permissions.require_handle(sibling, r)
    assert permissions.can_see(city_viewer, r) and not permissions.can_handle(city_viewer, r)
    with pytest.raises(PermissionDenied):
        permissions.require_handle(city_viewer, r)


def test_the_union_a_request_is_offered_to_sees_it_but_may_only_decide(
    world, city_admin, sibling_city_admin, sibling_admin
):
    r = file_request()
    t = transfers.request_transfer(actor=city_admin, request=r, to=world.orgs["baoji"], reason="工地在宝鸡")
    assert permissions.can_see(sibling_city_admin, r) and permissions.can_decide(sibling_city_admin, t)
    with pytest.raises(PermissionDenied):  # visible through the transfer: 403, not 404
        permissions.require_handle(sibling_city_admin, r)
    permissions.require_decide(sibling_city_admin, t)
    # the sending union sees the transfer it proposed but decides nothing for the receiver
    assert not permissions.can_decide(city_admin, t)
    with pytest.raises(PermissionDenied):
        permissions.require_decide(city_admin, t)
    # the other province sees neither union
    assert not permissions.can_see(sibling_admin, r)
    with pytest.raises(Http404):
        permissions.require_decide(sibling_admin, t)
    with pytest.raises(Http404):
        permissions.require_handle(sibling_admin, r)


def test_an_officer_action_by_the_receiving_union_is_403_over_the_api(world, city_admin):
    r = file_request()
    transfers.request_transfer(actor=city_admin, request=r, to=world.orgs["baoji"], reason="工地在宝鸡")
    baoji = api_for("baoji")
    assert baoji.get(f"/api/v1/requests/{r.pk}").status_code == 200
    closed = baoji.post(f"/api/v1/requests/{r.pk}/close", {"reply": "x"}, content_type="application/json")
    assert closed.status_code == 403 and closed.json()["code"] == "forbidden"
    r.refresh_from_db()
    assert r.status == "new"
    assert (
        api_for("gansu")
        .post(f"/api/v1/requests/{r.pk}/close", {"reply": "x"}, content_type="application/json")
        .status_code
        == 404
    )


def test_the_worker_who_filed_sees_the_request_and_is_refused_officer_actions_with_403(
    world, member_user, sibling_city_admin
):
    worker = api_for(member_user)
    filed = worker.post(
        "/api/v1/requests",
        {"category": "complaint", "description": "加班费未发放", "work_division": "610113"},
        content_type="application/json",
    )
    assert filed.status_code == 201, filed.content
    r = Request.objects.get(pk=filed.json()["id"])
    assert permissions.is_own(member_user, r) and permissions.can_see(member_user, r)
    assert not permissions.is_own(sibling_city_admin, r) and not permissions.is_own(None, r)
    accepted = worker.post(f"/api/v1/requests/{r.pk}/accept")
    assert accepted.status_code == 403 and accepted.json()["code"] == "forbidden"


def test_whoever_files_for_themself_follows_the_request_but_an_officer_taking_a_call_does_not(
    world, member_user, city_officer
):
    assert permissions.files_for_themself(member_user, None)
    assert permissions.files_for_themself(member_user, world.members["xian_worker"])
    assert not permissions.files_for_themself(city_officer, None)
    assert not permissions.files_for_themself(None, None)
    assert file_request(actor=member_user).user == member_user
    assert file_request(actor=city_officer, phone="13800002222").user is None


def test_cases_are_opened_only_for_the_officers_own_area(
    world, city_admin, city_viewer, sibling_city_admin, sibling_admin
):
    yanta = world.orgs["yanta_joint"]
    permissions.require_open_case(city_admin, yanta)
    with pytest.raises(PermissionDenied):
        permissions.require_open_case(city_viewer, yanta)
    for sibling in (sibling_city_admin, sibling_admin):
        with pytest.raises(Http404):
            permissions.require_open_case(sibling, yanta)


def test_practical_needs_are_managed_in_scope_siblings_get_404_and_a_viewer_403(
    world, city_admin, city_viewer, sibling_city_admin, sibling_admin
):
    xian = world.orgs["xian"]
    assert permissions.can_manage_need(city_admin, xian) and not permissions.can_manage_need(
        city_viewer, xian
    )
    need = needs.need_create(
        actor=city_admin,
        organisation=xian,
        title="职工食堂",
        owner="办公室",
        deadline=datetime.date(2030, 1, 1),
    )
    with pytest.raises(PermissionDenied):
        needs.need_progress(actor=city_viewer, need=need, status="done", progress="")
    for sibling in (sibling_city_admin, sibling_admin):
        assert not permissions.can_manage_need(sibling, xian)
        with pytest.raises(Http404):
            permissions.require_manage_need(sibling, xian)
        with pytest.raises(Http404):
            needs.need_rate(actor=sibling, need=need, rating=5)
    need.refresh_from_db()
    assert need.status == "planned" and need.rating is None


def test_held_within_selects_a_union_and_everything_below_it(world):
    file_request()
    for code, inside in (
        ("xian", True),
        ("shaanxi", True),
        ("yanta_joint", True),
        ("baoji", False),
        ("gansu", False),
    ):
        found = Request.objects.filter(permissions.held_within(world.orgs[code])).exists()
        assert found is inside, code
