"""Notifications' part of the URL walk (gonghui/tests/urlwalk.py): a notification in the
inbox of the 西安 admin. A sibling's inbox, bell and ``/me`` show none of it, and marking it
read answers 404 and changes nothing."""

from gonghui.notifications import services
from gonghui.notifications.models import Notification, Preference

MARKER = "西安走查通知"
MARKERS = [MARKER]
COUNTED = [Notification, Preference]
API_NOT_WALKED = {
    "me/notifications/read-all": "marks the caller's own inbox read (anyone's: their own, tested in test_api.py)",
}


def xian_objects(world) -> dict:
    n = services.notify(
        kind="request.closed",
        user=world.users["xian"],
        title=MARKER,
        body=MARKER,
        params={"number": "R-1"},
        link="/rights/",
    )
    return {"notification_id": n.pk}


def snapshot(values: dict) -> tuple:
    n = Notification.objects.get(pk=values["notification_id"])
    return (n.recipient_id, n.read_at, n.title)


API_BODIES = {("POST", "me/notifications/{notification_id}/read"): None}
