"""News pages' part of the URL walk (gonghui/tests/urlwalk.py): a published members-only 西安
notice that asks for acknowledgement, written by the 西安 admin (so that the admin reaches its
edit page too, which says that only a draft can be changed)."""

from gonghui.news import models
from gonghui.news.tests.factories import published

MARKER = "西安读书月确认通知"


def xian_objects(world) -> dict:
    item = published(
        world,
        author=world.users["xian"],
        reviewers=[world.users["shaanxi"], world.users["national"], world.users["operator"]],
        title=MARKER,
        requires_ack=True,
    )
    return {"item_id": item.pk}


MARKERS = [MARKER]

# Readers' pages and the feed are open to everyone by design; who reads which item is the
# readers selector's rule, tested with sibling personas in test_views.py and test_feed.py.
PUBLIC_PAGES = {"news:list", "news:detail", "news:feed"}

NOT_WALKED = {"news:ack": "a member's own acknowledgement, tested in test_views.py and the browser test"}

LIST_QUERIES = [("news:manage", "?stage=published"), ("news:manage", "?stage=review")]

FORM_POST = {"comment": "walk", "reason": "walk"}

COUNTED = [models.NewsItem, models.ReviewStep, models.NewsReceipt]


def snapshot(values: dict) -> tuple:
    item = models.NewsItem.objects.get(pk=values["item_id"])
    return (item.status, item.reminded_at, item.withdrawn_at)
