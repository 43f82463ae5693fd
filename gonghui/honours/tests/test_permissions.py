"""honours.permissions: who may do what, and 404 (not visible) versus 403 (visible, not
allowed) for each right — with the sibling province (甘肃) and the sibling city (宝鸡)."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse

from gonghui.honours import permissions
from gonghui.honours.models import NominationList
from gonghui.honours.services import lists, nominees, objections
from gonghui.honours.tests.conftest import accept, recommend, role_holder
from gonghui.organisations.choices import Role
from gonghui.testing import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def nominee(world, plist):
    """张伟 of the 西安 factory, recommended by 西安 itself: waiting at 陕西."""
    return recommend(world, plist, org_key="xian")


@pytest.fixture
def factory_admin(world):
    """Admin of the 西安 factory union: sees its own member's nominations, nothing above."""
    return role_holder(world, "factory_admin", "xian_factory", Role.ADMIN)


def refused(exception, *calls):
    """Each call raises ``exception``."""
    for call in calls:
        with pytest.raises(exception):
            call()


@pytest.fixture
def objection(world, province_admin, plist, today):
    accept(world, recommend(world, plist))
    nl = lists.publicity_start(actor=province_admin, nomination_list=plist, override_reason="试点")
    return objections.objection_submit(actor=None, nomination_list=nl, contact="13800001111", text="不符")


def test_the_sibling_province_has_no_right_and_gets_404_everywhere(world, sibling_admin, plist, nominee):
    gansu = sibling_admin
    assert not NominationList.objects.filter(permissions.lists_q(gansu)).exists()
    assert not permissions.can_see_list(gansu, plist)
    assert not permissions.can_see_whole_list(gansu, plist)
    assert not permissions.can_manage_list(gansu, plist)
    assert not permissions.can_review(gansu, nominee)
    assert not permissions.can_manage_nomination(gansu, nominee)
    assert not permissions.can_supervise(gansu, plist)
    refused(
        Http404,
        lambda: permissions.require_grant(gansu, world.orgs["xian"]),
        lambda: permissions.require_create_list(gansu, world.orgs["shaanxi"]),
        lambda: permissions.require_manage_list(gansu, plist),
        lambda: permissions.require_see_whole_list(gansu, plist),
        lambda: permissions.require_recommend(gansu, world.orgs["xian_factory"]),
        lambda: permissions.require_review(gansu, nominee),
        lambda: permissions.require_manage_nomination(gansu, nominee),
        lambda: permissions.require_strike(gansu, nominee),
    )
    # Gansu manages honours at home, so its officers may open the forms.
    assert permissions.can_manage_somewhere(gansu)


def test_the_sibling_city_sees_a_provincial_list_but_may_not_run_it(
    world, sibling_city_admin, plist, nominee
):
    """宝鸡 recommends to 陕西's list, so it sees it: managing it is 403; 西安's nominee on it
    is not visible to 宝鸡 (404)."""
    baoji = sibling_city_admin
    assert NominationList.objects.filter(permissions.lists_q(baoji)).get() == plist
    assert permissions.can_see_list(baoji, plist) and not permissions.can_see_whole_list(baoji, plist)
    with pytest.raises(PermissionDenied):
        permissions.require_manage_list(baoji, plist)
    with pytest.raises(PermissionDenied):
        permissions.require_see_whole_list(baoji, plist)
    permissions.require_recommend(baoji, world.orgs["baoji_factory"])
    refused(
        Http404,
        lambda: permissions.require_review(baoji, nominee),
        lambda: permissions.require_manage_nomination(baoji, nominee),
        lambda: permissions.require_strike(baoji, nominee),
    )


def test_a_union_below_the_recommender_sees_the_nominee_but_may_not_change_it(
    world, factory_admin, city_admin, province_admin, plist, nominee
):
    """The factory union sees its member's nomination: withdrawing it, reviewing it or striking
    it off are 403 (it was 404 for withdraw and resubmit before, though the nominee shows on
    the factory's page)."""
    assert permissions.can_see_nominee(factory_admin, nominee)
    assert not permissions.can_manage_nomination(factory_admin, nominee)
    refused(
        PermissionDenied,
        lambda: permissions.require_manage_nomination(factory_admin, nominee),
        lambda: permissions.require_review(factory_admin, nominee),
        lambda: permissions.require_strike(factory_admin, nominee),
    )
    with pytest.raises(PermissionDenied):
        nominees.nominee_withdraw(actor=factory_admin, nominee=nominee)
    permissions.require_manage_nomination(city_admin, nominee)
    # Waiting at 陕西: 西安 sees it but it is not 西安's turn; 陕西 reviews.
    assert not permissions.can_review(city_admin, nominee)
    with pytest.raises(PermissionDenied):
        permissions.require_review(city_admin, nominee)
    assert permissions.can_review(province_admin, nominee)
    permissions.require_review(province_admin, nominee)


def test_a_viewer_sees_but_may_not_record_or_organise(world, city_viewer, member_user):
    with pytest.raises(PermissionDenied):
        permissions.require_grant(city_viewer, world.orgs["xian"])
    with pytest.raises(PermissionDenied):
        permissions.require_create_list(city_viewer, world.orgs["xian"])
    assert not permissions.can_manage_somewhere(city_viewer)
    assert not permissions.can_manage_somewhere(member_user)


def test_only_supervision_of_the_organiser_decides_objections(
    world, supervisor, province_admin, sibling_admin, objection
):
    plist = objection.nomination_list
    assert permissions.can_supervise(supervisor, plist)
    permissions.require_supervise(supervisor, objection)
    # The organiser's own admin sees the objection but does not judge its list: 403.
    assert not permissions.can_supervise(province_admin, plist)
    with pytest.raises(PermissionDenied):
        permissions.require_supervise(province_admin, objection)
    with pytest.raises(Http404):
        permissions.require_supervise(sibling_admin, objection)


def test_a_review_by_someone_who_cannot_see_the_nominee_is_404(world, sibling_admin, plist):
    """It was 403: the service told a stranger that the nominee exists."""
    n = recommend(world, plist)
    with pytest.raises(Http404):
        nominees.nominee_approve(actor=sibling_admin, nominee=n)
    with pytest.raises(Http404):
        nominees.nominee_return(actor=sibling_admin, nominee=n, reason="x")


@pytest.mark.parametrize("page", ["honours:grant", "honours:list_create"])
def test_the_pages_that_record_in_a_chosen_union_need_a_manager_somewhere(world, city_viewer, client, page):
    url = reverse(page)
    assert client.get(url).status_code == 302  # to the sign-in page
    assert client_for(city_viewer).get(url).status_code == 403
    assert client_for("member").get(url).status_code == 403
    assert client_for("xian").get(url).status_code == 200
