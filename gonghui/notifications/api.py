"""The signed-in person's inbox over HTTP (mounted at /api/v1/): ``me/notifications``."""

import datetime

from ninja import Router, Schema

from gonghui.core import pagination
from gonghui.core.api import uuid_or_404
from gonghui.notifications import selectors, services

router = Router(tags=["me"])


class NotificationOut(Schema):
    id: str
    kind: str
    title: str
    body: str
    link: str
    created_at: datetime.datetime
    read_at: datetime.datetime | None


class NotificationList(Schema):
    items: list[NotificationOut]
    count: int


class MarkedAllOut(Schema):
    marked: int


def notification_out(n) -> dict:
    return {
        "id": str(n.pk),
        "kind": n.kind,
        "title": n.title,
        "body": n.body,
        "link": n.link,
        "created_at": n.created_at,
        "read_at": n.read_at,
    }


@router.get("me/notifications", response=NotificationList)
def list_notifications(request, page: int = 1, page_size: int = 20):
    """The caller's notifications, newest first."""
    req = pagination.parse(page, page_size)
    items, count = pagination.slice_queryset(selectors.notifications_of(request.user), req)
    return {"items": [notification_out(n) for n in items], "count": count}


@router.post("me/notifications/read-all", response=MarkedAllOut)
def mark_all_read(request):
    """Mark every notification of the caller read; answers how many were unread."""
    return {"marked": services.notifications_mark_all_read(actor=request.user)}


@router.post("me/notifications/{notification_id}/read", response=NotificationOut)
def mark_read(request, notification_id: str):
    """Mark one of the caller's notifications read (someone else's: 404)."""
    n = services.notification_mark_read(actor=request.user, notification_id=uuid_or_404(notification_id))
    return notification_out(n)
