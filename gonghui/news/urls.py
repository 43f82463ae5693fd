"""News pages: readers' pages and the feed under ``/news/``, the officers' pages under
``/news/manage/``. Mounted at the root by config/urls.py."""

from django.urls import path

from gonghui.news import feeds
from gonghui.news.views import officer, public

app_name = "news"

urlpatterns = [
    path("news/", public.news_list, name="list"),
    path("news/<uuid:item_id>/", public.news_detail, name="detail"),
    path("news/<uuid:item_id>/ack/", public.news_ack, name="ack"),
    path("news/<uuid:item_id>/files/<uuid:attachment_id>/", public.attachment_download, name="attachment"),
    path("news/feed/<str:code>.atom", feeds.OrganisationFeed(), name="feed"),
    path("news/manage/", officer.manage, name="manage"),
    path("news/manage/new/", officer.item_create, name="create"),
    path("news/manage/<uuid:item_id>/", officer.item_detail, name="item"),
    path("news/manage/<uuid:item_id>/edit/", officer.item_edit, name="edit"),
    path("news/manage/images/", officer.image_upload, name="image_upload"),
    path("news/manage/<uuid:item_id>/correct/", officer.item_correct, name="correct"),
    path("news/manage/<uuid:item_id>/cover/", officer.item_cover, name="cover"),
    path("news/manage/<uuid:item_id>/attachments/", officer.attachment_add, name="attachment_add"),
    path(
        "news/manage/<uuid:item_id>/attachments/<uuid:attachment_id>/remove/",
        officer.attachment_remove,
        name="attachment_remove",
    ),
    path("news/manage/<uuid:item_id>/receipts.csv", officer.receipts_export, name="receipts_export"),
    # The workflow buttons: one view, which picks the service from its table (views.officer).
    *[
        path(f"news/manage/<uuid:item_id>/{action}/", officer.item_act, {"action": action}, name=action)
        for action in officer.ACTIONS
    ],
]
