"""Who reads which published item: the audience, the target subtree, the display window, the
sibling branches and the anonymous visitor (selectors/readers.py)."""

import datetime

import pytest
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from gonghui.news.selectors.readers import published_for, readable_or_404
from gonghui.news.tests.factories import published, published_by_province
from gonghui.testing import make_user

pytestmark = pytest.mark.django_db


def _ids(user, **kwargs) -> set:
    return set(published_for(user, **kwargs).values_list("pk", flat=True))


@pytest.fixture
def xian_notice(world):
    """A members-only notice of 西安市总工会 to its whole subtree."""
    return published(world, title="西安会员通知")


@pytest.fixture
def public_news(world):
    return published(world, kind="news", audience="public", title="西安公开资讯")


def test_a_xian_member_reads_the_xian_members_notice_and_a_baoji_member_never_does(
    world, xian_notice, member_user
):
    from gonghui.members.services import members as member_services

    baoji_user = make_user("baoji_reader")
    member_services.member_link_user(
        actor=world.users["baoji"], member=world.members["baoji_worker"], user=baoji_user
    )
    assert xian_notice.pk in _ids(member_user)
    assert xian_notice.pk not in _ids(baoji_user)
    with pytest.raises(Http404):
        readable_or_404(baoji_user, xian_notice.pk)


def test_anonymous_visitors_read_public_items_only(xian_notice, public_news):
    assert _ids(None) == {public_news.pk}
    with pytest.raises(Http404):
        readable_or_404(None, xian_notice.pk)
    assert readable_or_404(None, public_news.pk) == public_news


def test_an_officer_of_a_sibling_branch_does_not_see_a_members_notice(
    xian_notice, sibling_city_admin, sibling_admin, city_viewer, province_admin
):
    assert xian_notice.pk not in _ids(sibling_city_admin)
    assert xian_notice.pk not in _ids(sibling_admin)
    # Officers whose scope holds the publishing union read it.
    assert xian_notice.pk in _ids(city_viewer)
    assert xian_notice.pk in _ids(province_admin)


def test_a_notice_to_chosen_targets_reaches_their_subtrees_only(world, member_user, city_officer):
    to_joint = published(world, targets=["yanta_joint"], title="联合工会通知")
    to_yanta = published(world, targets=["yanta"], title="雁塔区通知")
    assert to_joint.pk not in _ids(member_user)  # 张伟 is in 西安某机械厂, not the joint union
    assert to_yanta.pk in _ids(member_user)


def test_a_province_notice_reaches_an_officer_of_a_city_below_as_a_recipient(world, sibling_city_admin):
    notice = published_by_province(world, title="全省通知")
    assert notice.pk in _ids(sibling_city_admin)
    assert notice.pk not in _ids(world.users["gansu"])


def test_a_member_out_of_membership_no_longer_reads_members_notices(world, xian_notice, member_user):
    from gonghui.members.models import Member

    Member.objects.filter(pk=world.members["xian_worker"].pk).update(status="withdrawn")
    member_user = type(member_user).objects.get(pk=member_user.pk)
    assert xian_notice.pk not in _ids(member_user)


def test_items_outside_their_display_window_or_unpublished_are_not_read(world, city_officer, member_user):
    from gonghui.news.models import NewsItem
    from gonghui.news.services import items
    from gonghui.news.tests.factories import item_data

    now = timezone.now()
    later = published(world, title="未到展示时间")
    NewsItem.objects.filter(pk=later.pk).update(valid_from=now + datetime.timedelta(days=1))
    expired = published(world, title="已过期")
    NewsItem.objects.filter(pk=expired.pk).update(
        valid_from=now - datetime.timedelta(days=3), valid_until=now - datetime.timedelta(days=1)
    )
    draft = items.news_create(actor=city_officer, organisation=world.orgs["xian"], data=item_data())
    assert _ids(member_user) == set()
    assert later.pk in _ids(member_user, now=now + datetime.timedelta(days=2))
    for item in (later, expired, draft):
        with pytest.raises(Http404):
            readable_or_404(member_user, item.pk)


def test_pinned_items_come_first_then_the_newest(world):
    first = published(world, kind="news", audience="public", title="较早")
    pinned = published(world, kind="news", audience="public", title="置顶", pinned=True)
    last = published(world, kind="news", audience="public", title="最新")
    assert list(published_for(None).values_list("pk", flat=True)) == [pinned.pk, last.pk, first.pk]


def test_the_list_filters_by_publishing_union_and_kind(world, xian_notice, public_news, city_admin):
    assert _ids(city_admin, kind="news") == {public_news.pk}
    assert _ids(city_admin, organisation=world.orgs["baoji"]) == set()
    assert _ids(city_admin, organisation=world.orgs["xian"]) == {public_news.pk, xian_notice.pk}


def test_unknown_and_malformed_ids_are_404(member_user):
    for bad in ("00000000-0000-0000-0000-000000000000", "not-a-uuid"):
        with pytest.raises(Http404):
            readable_or_404(member_user, bad)


def test_the_list_is_one_query_however_many_items_and_targets(world, member_user):
    for n in range(5):
        published(world, targets=["yanta", "xian_factory"], title=f"通知{n}")
    member_user = type(member_user).objects.get(pk=member_user.pk)
    list(published_for(member_user))  # loads the member's union and grants once
    with CaptureQueriesContext(connection) as queries:
        rows = list(published_for(member_user))
    assert len(rows) == 5
    assert len(queries) == 1
