"""Builders for the news tests: an item taken through the whole 三审三校 by three different
reviewers of the world (西安 admin, 陕西 admin, the national admin)."""

from gonghui.news.services import items


def item_data(**overrides) -> dict:
    data = {
        "kind": "notice",
        "title": "关于开展职工书屋读书月活动的通知",
        "audience": "members",
        "body": "<p>各基层工会：请于本月底前报送读书月活动安排。</p>",
    }
    data.update(overrides)
    return data


def published(world, *, organisation="xian", author=None, reviewers=None, **overrides):
    """A published item of ``world.orgs[organisation]`` written by ``author`` (the 西安
    officer by default) with ``overrides`` of the fields (``targets`` as world keys)."""
    author = author or world.users["xian_officer"]
    reviewers = reviewers or [world.users["xian"], world.users["shaanxi"], world.users["national"]]
    if "targets" in overrides:
        overrides["targets"] = [world.orgs[key] for key in overrides["targets"]]
    item = items.news_create(actor=author, organisation=world.orgs[organisation], data=item_data(**overrides))
    item = items.news_submit(actor=author, item=item)
    item = items.news_approve(actor=reviewers[0], item=item)
    item = items.news_approve(actor=reviewers[1], item=item)
    return items.news_publish(actor=reviewers[2], item=item)


def national_officer(world):
    """A second officer of the national federation: the third reviewer a 陕西 item needs."""
    from gonghui.organisations import services as org_services
    from gonghui.testing import make_user

    user = world.users.get("national_reviewer")
    if user is None:
        user = make_user("national_reviewer")
        org_services.role_assign(actor=None, user=user, organisation=world.orgs["national"], role="officer")
        world.users["national_reviewer"] = user
    return user


def published_by_province(world, **overrides):
    """A published item of 陕西省总工会, written by the operator and reviewed by the 陕西 admin,
    the national admin and a national officer."""
    reviewers = [world.users["shaanxi"], world.users["national"], national_officer(world)]
    return published(
        world, organisation="shaanxi", author=world.users["operator"], reviewers=reviewers, **overrides
    )
