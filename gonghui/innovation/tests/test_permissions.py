"""innovation.permissions: who sees and may do what, and 404 (not visible) versus 403
(visible, not allowed) — with the sibling province (甘肃), the sibling city (宝鸡), a member of
the idea's community and an assigned expert."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse

from gonghui.core.models import AuditEntry
from gonghui.innovation import permissions
from gonghui.innovation.models import Alliance, Idea, IdeaReview
from gonghui.innovation.services import alliances as alliance_services
from gonghui.innovation.services import ideas as idea_services
from gonghui.innovation.tests.helpers import member_with_login
from gonghui.innovation.tests.test_api import IDEA, make_studio
from gonghui.innovation.tests.test_manage import baoji_studio
from gonghui.testing import api_for, client_for, make_user

pytestmark = pytest.mark.django_db

REVIEW = {"feasibility": "high", "estimated_benefit": "100", "score": 80, "adopted": True, "answer": "可行"}


@pytest.fixture
def idea(world, member_user, city_admin):
    """张伟's idea (西安 factory), in expert review."""
    idea = idea_services.idea_submit(actor=member_user, **IDEA)
    return idea_services.idea_send_to_review(actor=city_admin, idea=idea)


@pytest.fixture
def neighbour(world):
    """A member of another 西安 union, in 张伟's idea community, with no officer role."""
    return member_with_login(world, "yanta_joint", "neighbour")[1]


def test_the_idea_community_is_the_city_federations_subtree(world, member_user, neighbour):
    worker = permissions.member_for(member_user)
    assert worker == world.members["xian_worker"] and permissions.active_member_for(member_user) == worker
    assert permissions.member_for(None) is None
    assert permissions.community_root(world.orgs["xian_factory"]) == world.orgs["xian"]
    assert permissions.community_root(world.orgs["xian"]) == world.orgs["xian"]
    # No city federation above a province: the union is its own community.
    assert permissions.community_root(world.orgs["shaanxi"]) == world.orgs["shaanxi"]
    assert permissions.in_community(worker, world.orgs["yanta_joint"])
    assert not permissions.in_community(worker, world.orgs["baoji_factory"])


def test_the_sibling_province_sees_nothing_and_gets_404(world, sibling_admin, idea):
    gansu = sibling_admin
    studio = make_studio(world)
    alliance = alliance_services.alliance_create(
        actor=world.users["xian"], organisation=world.orgs["xian"], name="西安联盟", studios=[studio]
    )
    assert not Idea.objects.filter(permissions.ideas_q(gansu)).exists()
    assert not Alliance.objects.filter(permissions.alliances_q(gansu)).exists()
    assert not permissions.can_see_idea(gansu, idea) and not permissions.can_review_idea(gansu, idea)
    assert not permissions.can_see_studio(gansu, studio) and not permissions.can_manage_studio(gansu, studio)
    assert not permissions.can_see_alliance(gansu, alliance)
    assert not permissions.can_see_member(gansu, world.members["xian_worker"])
    for refused in (
        lambda: permissions.require_manage_idea(gansu, idea),
        lambda: permissions.require_review_idea(gansu, idea),
        lambda: permissions.require_manage_studio(gansu, studio),
        lambda: permissions.require_manage_alliance(gansu, alliance),
        lambda: permissions.require_manage_in(gansu, world.orgs["xian"]),
    ):
        with pytest.raises(Http404):
            refused()
    lanzhou = member_with_login(world, "lanzhou_factory", "lanzhou_member")[1]
    with pytest.raises(Http404):
        permissions.require_take_part(permissions.member_for(lanzhou), idea)
    assert permissions.can_manage_somewhere(gansu)  # it manages innovation at home


def test_a_community_member_sees_the_idea_but_may_not_decide_it(world, neighbour, idea):
    """It was 404 for a member who reads the idea on the same site; now 403. Nothing is
    written."""
    assert permissions.can_see_idea(neighbour, idea)
    permissions.require_take_part(permissions.member_for(neighbour), idea)
    assert not permissions.can_manage_idea(neighbour, idea) and not permissions.can_review_idea(
        neighbour, idea
    )
    for refused in (
        lambda: permissions.require_manage_idea(neighbour, idea),
        lambda: permissions.require_review_idea(neighbour, idea),
        lambda: idea_services.idea_review(actor=neighbour, idea=idea, **REVIEW),
    ):
        with pytest.raises(PermissionDenied):
            refused()
    api = api_for(neighbour)
    before = AuditEntry.objects.count()
    r = api.post(f"/api/v1/ideas/{idea.pk}/review", REVIEW, content_type="application/json")
    assert (r.status_code, r.json()["code"]) == (403, "forbidden")
    assert AuditEntry.objects.count() == before and not IdeaReview.objects.exists()
    outsider = member_with_login(world, "baoji_factory", "baoji_member")[1]
    assert not permissions.can_see_idea(outsider, idea)
    with pytest.raises(Http404):
        permissions.require_review_idea(outsider, idea)


def test_an_assigned_expert_reviews_that_idea_only(world, city_admin, idea):
    expert = make_user("outside_expert")
    assert not permissions.can_see_idea(expert, idea)
    idea_services.idea_assign_expert(actor=city_admin, idea=idea, user=expert)
    assert permissions.is_assigned_expert(expert, idea) and permissions.can_review_idea(expert, idea)
    permissions.require_review_idea(expert, idea)
    assert Idea.objects.filter(permissions.review_queue_q(expert)).get() == idea
    with pytest.raises(PermissionDenied):
        permissions.require_manage_idea(expert, idea)


def test_a_member_studios_union_sees_the_alliance_but_may_not_manage_it(
    world, province_admin, sibling_city_admin, sibling_admin
):
    """宝鸡's studio is in 陕西's alliance: 宝鸡 sees the alliance, so managing it is 403 (it
    was 404); 甘肃 does not see it: 404."""
    alliance = alliance_services.alliance_create(
        actor=province_admin, organisation=world.orgs["shaanxi"], name="省联盟", studios=[baoji_studio(world)]
    )
    baoji = sibling_city_admin
    assert permissions.can_see_alliance(baoji, alliance) and not permissions.can_manage_alliance(
        baoji, alliance
    )
    with pytest.raises(PermissionDenied):
        permissions.require_manage_alliance(baoji, alliance)
    with pytest.raises(PermissionDenied):
        alliance_services.alliance_update(actor=baoji, alliance=alliance, name="改名")
    with pytest.raises(Http404):
        permissions.require_manage_alliance(sibling_admin, alliance)
    permissions.require_manage_alliance(province_admin, alliance)
    assert Alliance.objects.get().name == "省联盟"


def test_a_viewer_sees_studios_but_manages_nothing(world, city_viewer, city_admin):
    studio = make_studio(world)
    assert permissions.can_see_studio(city_viewer, studio) and not permissions.can_manage_studio(
        city_viewer, studio
    )
    with pytest.raises(PermissionDenied):
        permissions.require_manage_studio(city_viewer, studio)
    with pytest.raises(PermissionDenied):
        permissions.require_manage_in(city_viewer, world.orgs["xian"])
    assert not permissions.can_manage_somewhere(city_viewer)
    assert permissions.can_manage_in(city_admin, world.orgs["xian_factory"])
    assert permissions.can_manage_somewhere(city_admin)


@pytest.mark.parametrize("page", ["innovation:studio_new", "innovation:alliance_new"])
def test_the_pages_that_register_in_a_chosen_union_need_a_manager_somewhere(world, city_viewer, client, page):
    url = reverse(page)
    assert client.get(url).status_code == 302  # to the sign-in page
    assert client_for(city_viewer).get(url).status_code == 403
    assert client_for("member").get(url).status_code == 403
    assert client_for("xian").get(url).status_code == 200
