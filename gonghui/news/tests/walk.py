"""News pages' part of the URL walk (gonghui/tests/urlwalk.py): a published members-only 西安
notice that asks for acknowledgement, written by the 西安 admin (so that the admin reaches its
edit page too, which says that only a draft can be changed)."""

from django.core.files.uploadedfile import SimpleUploadedFile

from gonghui.news import models
from gonghui.news.services import files, items
from gonghui.news.tests.factories import item_data

MARKER = "西安读书月确认通知"


def xian_objects(world) -> dict:
    author = world.users["xian"]
    item = items.news_create(
        actor=author, organisation=world.orgs["xian"], data=item_data(title=MARKER, requires_ack=True)
    )
    attachment = files.news_attachment_add(
        actor=author, item=item, file=SimpleUploadedFile("安排.pdf", b"%PDF-1.4\n" + b"0" * 64)
    )
    item = items.news_submit(actor=author, item=item)
    for reviewer in ("shaanxi", "national"):
        item = items.news_approve(actor=world.users[reviewer], item=item)
    items.news_publish(actor=world.users["operator"], item=item)
    return {"item_id": item.pk, "news_attachment_id": attachment.pk}


# ``attachment_id`` of the news pages is a news attachment (the innovation app's is an idea's).
PARAM_ALIASES = {"attachment_id": "news_attachment_id"}


MARKERS = [MARKER]

# Readers' pages and the feed are open to everyone by design; who reads which item is the
# readers selector's rule, tested with sibling personas in test_views.py and test_feed.py.
PUBLIC_PAGES = {"news:list", "news:detail", "news:feed", "news:attachment"}

NOT_WALKED = {"news:ack": "a member's own acknowledgement, tested in test_views.py and the browser test"}

LIST_QUERIES = [("news:manage", "?stage=published"), ("news:manage", "?stage=review")]

FORM_POST = {"comment": "walk", "reason": "walk"}

COUNTED = [models.NewsItem, models.ReviewStep, models.NewsReceipt, models.NewsAttachment, models.NewsImage]


def snapshot(values: dict) -> tuple:
    item = models.NewsItem.objects.get(pk=values["item_id"])
    return (item.status, item.reminded_at, item.withdrawn_at)
