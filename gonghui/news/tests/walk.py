"""News' part of the URL walk (gonghui/tests/urlwalk.py): a published members-only 西安 notice
that asks for acknowledgement, written by the 西安 admin (so that the admin reaches its edit
page too, which says that only a draft can be changed), with a cover image and an attachment."""

from django.core.files.uploadedfile import SimpleUploadedFile

from gonghui.news import models
from gonghui.news.services import files, items
from gonghui.news.tests.factories import item_data
from gonghui.testing import PNG

MARKER = "西安读书月确认通知"
PDF = b"%PDF-1.7\n" + b"0" * 64


def xian_objects(world) -> dict:
    author = world.users["xian"]
    item = items.news_create(
        actor=author, organisation=world.orgs["xian"], data=item_data(title=MARKER, requires_ack=True)
    )
    files.news_cover_set(actor=author, item=item, file=SimpleUploadedFile("封面.png", PNG))
    attachment = files.news_attachment_add(actor=author, item=item, file=SimpleUploadedFile("通知.pdf", PDF))
    item = items.news_submit(actor=author, item=item)
    for reviewer in ("shaanxi", "national"):
        item = items.news_approve(actor=world.users[reviewer], item=item)
    item = items.news_publish(actor=world.users["operator"], item=item)
    item.refresh_from_db()
    return {"item_id": item.pk, "news_image_id": item.cover_id, "news_attachment_id": attachment.pk}


MARKERS = [MARKER]

# ``attachment_id`` of the news pages is a news attachment (the innovation app's is an idea's).
PARAM_ALIASES = {"attachment_id": "news_attachment_id"}

# Readers' pages and the feed are open to everyone by design; who reads which item is the
# readers selector's rule, tested with sibling personas in test_views.py and test_feed.py.
PUBLIC_PAGES = {"news:list", "news:detail", "news:feed", "news:attachment"}

NOT_WALKED = {"news:ack": "a member's own acknowledgement, tested in test_views.py and the browser test"}

LIST_QUERIES = [("news:manage", "?stage=published"), ("news:manage", "?stage=review")]

FORM_POST = {"comment": "walk", "reason": "walk"}

# Reading is open to everyone: the readers' selector decides what each caller gets (public items
# for anonymous callers), tested with sibling personas in test_api.py and test_readers.py;
# images are served by their random id to anyone, since published pages show them to all.
API_PUBLIC = {
    ("GET", "news"),
    ("GET", "news/{item_id}"),
    ("GET", "news/images/{news_image_id}"),
    ("GET", "news/{item_id}/attachments/{news_attachment_id}"),
}

API_BODIES = {
    ("POST", "news"): {
        "kind": "news",
        "title": "walk",
        "body": "<p>walk</p>",
        "audience": "public",
        "organisation": "610100",
    },
    ("POST", "news/{item_id}/submit"): None,
    ("POST", "news/{item_id}/approve"): {"comment": "walk"},
    ("POST", "news/{item_id}/reject"): {"comment": "walk"},
    ("POST", "news/{item_id}/publish"): {"comment": "walk"},
    ("POST", "news/{item_id}/withdraw"): {"reason": "walk"},
    ("POST", "news/{item_id}/correct"): {"title": "walk", "body": "<p>walk</p>"},
    ("POST", "news/{item_id}/ack"): None,
    ("POST", "news/{item_id}/remind"): None,
    ("POST", "news/images"): None,
}

# An editor image goes to the caller's own union when the form names none: a sibling admin
# uploading nothing is refused for the missing file, in their own union.
API_OWN_UNION_WRITES = {("POST", "news/images"): (400, "required")}

COUNTED = [
    models.NewsItem,
    models.ReviewStep,
    models.NewsReceipt,
    models.NewsImage,
    models.NewsAttachment,
    models.NewsRevision,
]


def snapshot(values: dict) -> tuple:
    item = models.NewsItem.objects.get(pk=values["item_id"])
    return (item.status, item.title, item.reminded_at, item.withdrawn_at, item.corrected_at)
