"""The organisation rights (organisations/permissions.py), each with the sibling-branch admins:
404 where the organisation is not theirs to see at all, 403 where they see it without the
right (docs/dev/permissions.md)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.urls import reverse

from gonghui.core.models import AuditEntry
from gonghui.organisations import permissions, services
from gonghui.organisations.choices import Role
from gonghui.organisations.models import Organisation, RoleAssignment
from gonghui.testing import api_for, client_for, make_user

pytestmark = pytest.mark.django_db


def test_an_organisation_is_added_under_a_parent_one_manages(
    world, city_admin, sibling_city_admin, city_viewer
):
    yanta = world.orgs["yanta"]
    assert permissions.can_create_organisation(city_admin, yanta)
    permissions.require_create_organisation(city_admin, yanta)
    assert not permissions.can_create_organisation(sibling_city_admin, yanta)
    with pytest.raises(Http404):  # 宝鸡 cannot see 雁塔 at all
        permissions.require_create_organisation(sibling_city_admin, yanta)
    assert not permissions.can_create_organisation(city_viewer, yanta)
    with pytest.raises(PermissionDenied):  # the viewer sees 雁塔, may not add under it
        permissions.require_create_organisation(city_viewer, yanta)


def test_a_new_root_is_for_operators_only(world, national_admin):
    operator = world.users["operator"]
    assert permissions.can_create_organisation(operator, None)
    assert not permissions.can_create_organisation(national_admin, None)
    with pytest.raises(PermissionDenied):
        permissions.require_create_organisation(national_admin, None)


@pytest.mark.parametrize(
    ("can", "require", "where"),
    [
        (permissions.can_change_organisation, permissions.require_change_organisation, "yanta"),
        (permissions.can_manage_roles, permissions.require_manage_roles, "xian"),
    ],
    ids=["change an organisation", "manage its roles"],
)
def test_an_organisation_and_its_roles_are_managed_by_the_admins_above_it(
    world, city_admin, sibling_admin, city_officer, can, require, where
):
    organisation = world.orgs[where]
    assert can(city_admin, organisation)
    require(city_admin, organisation)
    assert not can(sibling_admin, organisation)
    with pytest.raises(Http404):  # 甘肃 cannot see it at all
        require(sibling_admin, organisation)
    assert not can(city_officer, organisation)
    with pytest.raises(PermissionDenied):  # the officer sees it, may not manage it
        require(city_officer, organisation)


def test_moving_needs_the_old_and_the_new_parent(world, city_admin, province_admin, sibling_city_admin):
    yanta, baoji, xian = world.orgs["yanta"], world.orgs["baoji"], world.orgs["xian"]
    assert permissions.can_move_organisation(province_admin, yanta, baoji)
    permissions.require_move_organisation(province_admin, yanta, baoji)
    # 西安 manages 雁塔's parent but cannot see 宝鸡: 404, like a missing organisation.
    assert permissions.can_move_organisation(city_admin, yanta)
    assert not permissions.can_move_organisation(city_admin, yanta, baoji)
    with pytest.raises(Http404):
        permissions.require_move_organisation(city_admin, yanta, baoji)
    # 宝鸡 cannot see 雁塔's parent, 西安.
    assert not permissions.can_move_organisation(sibling_city_admin, yanta, baoji)
    with pytest.raises(Http404):
        permissions.require_move_organisation(sibling_city_admin, yanta, baoji)
    # 西安 itself: its parent (陕西) is above the city admin.
    assert not permissions.can_move_organisation(city_admin, xian)
    # A root has no parent to move from.
    assert not permissions.can_move_organisation(world.users["operator"], world.orgs["national"])


def test_moving_with_only_a_view_of_the_old_parent_is_403(world, city_admin):
    services.role_assign(actor=None, user=city_admin, organisation=world.orgs["shaanxi"], role=Role.VIEWER)
    with pytest.raises(PermissionDenied):
        permissions.require_move_organisation(city_admin, world.orgs["xian"], world.orgs["yanta"])


def test_a_role_is_revoked_by_the_admins_above_it_but_not_ones_own_last_admin_role(
    world, city_admin, sibling_city_admin, province_admin, city_officer
):
    officer_role = RoleAssignment.objects.get(user=city_officer)
    own = RoleAssignment.objects.get(user=city_admin, role=Role.ADMIN)
    with transaction.atomic():
        permissions.require_revoke_role(city_admin, officer_role)
        permissions.require_revoke_role(province_admin, own)
        with pytest.raises(Http404):
            permissions.require_revoke_role(sibling_city_admin, officer_role)
        with pytest.raises(PermissionDenied):
            permissions.require_revoke_role(city_officer, officer_role)
        with pytest.raises(ValidationError) as exc:
            permissions.require_revoke_role(city_admin, own)
    assert exc.value.code == "role_last_admin"


def test_ones_own_admin_role_may_go_when_another_one_above_keeps_admin(world, city_admin):
    own = RoleAssignment.objects.get(user=city_admin, role=Role.ADMIN)
    with transaction.atomic():
        assert permissions.is_own_last_admin_role(city_admin, own)
    services.role_assign(actor=None, user=city_admin, organisation=world.orgs["shaanxi"], role=Role.ADMIN)
    with transaction.atomic():
        assert not permissions.is_own_last_admin_role(city_admin, own)


def test_the_audit_log_is_for_holders_of_the_audit_right(world, city_admin, sibling_admin, city_officer):
    assert permissions.can_read_audit_log(city_admin) and permissions.can_read_audit_log(sibling_admin)
    permissions.require_read_audit_log(sibling_admin)
    assert not permissions.can_read_audit_log(city_officer)
    with pytest.raises(PermissionDenied):
        permissions.require_read_audit_log(city_officer)
    assert client_for(city_officer).get(reverse("audit")).status_code == 403
    assert api_for(city_officer).get("/api/v1/audit").status_code == 403


def test_officers_are_holders_of_a_subtree_role_and_officer_sessions_include_judges(world, member_user):
    judge = make_user("judge")
    services.role_assign(actor=None, user=judge, organisation=world.orgs["xian"], role=Role.JUDGE)
    assert permissions.is_officer(world.users["xian_viewer"])
    assert not permissions.is_officer(judge) and not permissions.is_officer(member_user)
    assert permissions.holds_officer_role(judge) and not permissions.holds_officer_role(member_user)


def test_the_move_page_says_when_the_current_parent_is_out_of_reach_and_moves_nothing(world, city_admin):
    before = AuditEntry.objects.count()
    response = client_for(city_admin).post(
        reverse("organisations:move", args=["610100"]), {"new_parent": "610113"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "Moving needs the right to manage both the current and the new parent organisation."
    ]
    assert Organisation.objects.get(code="610100").get_parent().code == "610000"
    assert AuditEntry.objects.count() == before
