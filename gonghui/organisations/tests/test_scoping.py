import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from gonghui.members.models import Member
from gonghui.organisations import scoping
from gonghui.organisations.models import Organisation

pytestmark = pytest.mark.django_db
A = scoping.Action


def codes(qs):
    return set(qs.values_list("code", flat=True))


def test_role_on_a_node_covers_its_subtree_only(city_admin):
    xian = city_admin
    assert codes(scoping.visible_organisations(xian)) == {"610100", "610113", "XA-0001", "XA-0002"}


def test_sibling_province_admin_sees_nothing_of_shaanxi(sibling_admin):
    gansu = sibling_admin
    assert codes(scoping.visible_organisations(gansu)) == {"620000", "LZ-0001"}
    assert not scoping.restrict(Member.objects.filter(organisation__code="XA-0001"), gansu).exists()


def test_ancestors_are_invisible(world, city_admin):
    xian = city_admin
    assert not scoping.can(xian, A.VIEW, world.orgs["shaanxi"])
    with pytest.raises(Http404):
        scoping.get_organisation_or_404(xian, "610000")


def test_not_yours_answers_like_missing(sibling_city_admin):
    with pytest.raises(Http404):
        scoping.get_organisation_or_404(sibling_city_admin, "610100")
    with pytest.raises(Http404):
        scoping.get_organisation_or_404(sibling_city_admin, "NO-SUCH")


def test_visible_but_not_allowed_is_403(world, city_viewer, city_officer):
    with pytest.raises(PermissionDenied):
        scoping.require(city_viewer, A.MANAGE_MEMBERS, world.orgs["xian"])
    with pytest.raises(PermissionDenied):
        scoping.require(city_officer, A.REVEAL_PII, world.orgs["xian"])


def test_operator_sees_everything(world):
    assert scoping.visible_organisations(world.users["operator"]).count() == Organisation.objects.count()


def test_member_and_anonymous_have_no_subtree(member_user):
    from django.contrib.auth.models import AnonymousUser

    assert not scoping.visible_organisations(member_user).exists()
    assert not scoping.visible_organisations(AnonymousUser()).exists()


def test_several_assignments_combine(world, sibling_city_admin):
    from gonghui.organisations.services import role_assign

    user = sibling_city_admin
    role_assign(actor=None, user=user, organisation=world.orgs["lanzhou_factory"], role="viewer")
    assert "LZ-0001" in codes(scoping.visible_organisations(user))
    assert not scoping.can(user, A.MANAGE_MEMBERS, world.orgs["lanzhou_factory"])
    assert scoping.can(user, A.MANAGE_MEMBERS, world.orgs["baoji_factory"])


def test_inactive_organisation_grants_nothing(world, city_admin):
    Organisation.objects.filter(pk=world.orgs["xian"].pk).update(is_active=False)
    xian = city_admin
    scoping.forget(xian)
    assert not scoping.visible_organisations(xian).exists()
