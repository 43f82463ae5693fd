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
