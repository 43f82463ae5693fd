"""Published activities are found by the site's search beside news, through the services'
hooks (publish, edit, cancel), and only by readers who may see them."""

import pytest
from django.urls import reverse

from gonghui.activities.services import activities as services
from gonghui.activities.tests.factories import activity_data, make_activity
from gonghui.search.models import SearchDocument
from gonghui.testing import client_for

pytestmark = pytest.mark.django_db


def _titles(client, q):
    response = client.get(reverse("search"), {"q": q})
    assert response.status_code == 200
    return [r.title for r in response.context["results"]]


def test_a_published_activity_is_found_a_draft_is_not(world, client):
    make_activity(world, title="劳模进校园宣讲会", description="请劳动模范走进中学讲述奋斗故事。")
    make_activity(world, title="职工书屋读书会", description="劳动模范导读。", publish=False)
    assert _titles(client, "劳动模范") == ["劳模进校园宣讲会"]
    assert _titles(client, "宣讲") == ["劳模进校园宣讲会"]


def test_an_edit_of_a_published_activity_replaces_its_terms(world, client):
    activity = make_activity(world, title="职工篮球赛")
    services.activity_update(
        actor=world.users["xian"], activity=activity, data=activity_data(title="职工乒乓球赛")
    )
    assert _titles(client, "篮球") == []
    assert _titles(client, "乒乓球") == ["职工乒乓球赛"]


def test_a_cancelled_activity_leaves_the_index(world, client):
    activity = make_activity(world, title="党史学习分享会")
    services.activity_cancel(actor=world.users["xian"], activity=activity, reason="场地维修")
    assert _titles(client, "党史") == []
    assert not SearchDocument.objects.filter(source="activities", object_id=activity.pk).exists()


def test_a_members_only_activity_is_found_by_its_members_only(world, client, member_user, sibling_city_admin):
    make_activity(world, title="会员专场读书会", audience="members")
    assert _titles(client_for(member_user), "读书会") == ["会员专场读书会"]
    assert _titles(client, "读书会") == []
    assert _titles(client_for(sibling_city_admin), "读书会") == []
