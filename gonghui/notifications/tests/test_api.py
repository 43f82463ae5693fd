"""``/api/v1/me`` and ``/api/v1/me/notifications``: the caller's own, never anyone else's."""

import json

from gonghui.notifications import services
from gonghui.notifications.models import Notification
from gonghui.rights.tests.helpers import file_request
from gonghui.testing import api_for, client_for


def send(user, title="第一条") -> Notification:
    return services.notify(
        kind="request.closed", params={"number": "R-1"}, user=user, title=title, body="正文", link="/rights/"
    )


def test_me_describes_the_account_its_member_record_and_the_unread_count(world, member_user):
    send(member_user)
    send(member_user)
    answer = api_for(member_user).get("/api/v1/me")
    assert answer.status_code == 200
    data = answer.json()
    worker = world.members["xian_worker"]
    assert data["unread"] == 2
    assert data["account"]["username"] == "member"
    assert data["account"]["roles"][0]["role"] == "member"
    assert data["account"]["roles"][0]["organisation"] == {
        "code": "XA-0001",
        "name": "西安某机械厂工会委员会",
    }
    assert data["member"] == {
        "id": str(worker.pk),
        "name": "张伟",
        "member_no": worker.member_no,
        "organisation": {"code": "XA-0001", "name": "西安某机械厂工会委员会"},
    }


def test_me_of_an_officer_has_no_member_record(world, city_officer):
    data = client_for(city_officer).get("/api/v1/me").json()
    assert data["member"] is None and data["unread"] == 0
    assert [(r["role"], r["organisation"]["code"]) for r in data["account"]["roles"]] == [
        ("officer", "610100")
    ]


def test_me_needs_a_signed_in_caller(db):
    answer = api_for(None).get("/api/v1/me")
    assert answer.status_code == 401 and answer.json()["code"] == "unauthenticated"
    assert api_for(None).get("/api/v1/me/notifications").status_code == 401


def test_the_inbox_lists_the_callers_notifications_newest_first_and_paged(world, member_user, city_officer):
    first, second = send(member_user, "第一条"), send(member_user, "第二条")
    send(city_officer, "别人的")
    data = api_for(member_user).get("/api/v1/me/notifications").json()
    assert data["count"] == 2
    assert [i["id"] for i in data["items"]] == [str(second.pk), str(first.pk)]
    assert set(data["items"][0]) == {"id", "kind", "title", "body", "link", "created_at", "read_at"}
    assert data["items"][0]["kind"] == "request.closed" and data["items"][0]["read_at"] is None
    paged = api_for(member_user).get("/api/v1/me/notifications?page=2&page_size=1").json()
    assert [i["id"] for i in paged["items"]] == [str(first.pk)] and paged["count"] == 2
    bad = api_for(member_user).get("/api/v1/me/notifications?page=0")
    assert bad.status_code == 400 and bad.json()["code"] == "bad_page"


def test_marking_read_through_the_api_lowers_the_unread_count(world, member_user):
    n, _other = send(member_user), send(member_user)
    api = api_for(member_user)
    answer = api.post(f"/api/v1/me/notifications/{n.pk}/read")
    assert answer.status_code == 200 and answer.json()["read_at"] is not None
    assert api.get("/api/v1/me").json()["unread"] == 1
    assert api.post("/api/v1/me/notifications/read-all").json() == {"marked": 1}
    assert api.get("/api/v1/me").json()["unread"] == 0


def test_someone_elses_notification_is_not_found_and_stays_unread(world, member_user, sibling_admin):
    n = send(member_user)
    for caller in (sibling_admin, "national", "operator"):
        answer = api_for(caller).post(f"/api/v1/me/notifications/{n.pk}/read")
        assert answer.status_code == 404 and answer.json()["code"] == "not_found"
        assert api_for(caller).get("/api/v1/me/notifications").json()["count"] == 0
    assert api_for(member_user).post("/api/v1/me/notifications/not-a-uuid/read").status_code == 404
    n.refresh_from_db()
    assert n.read_at is None


def test_my_requests_are_only_the_callers_own_even_for_an_officer(world, member_user, city_admin):
    mine = file_request(actor=member_user, member=world.members["xian_worker"], name="张伟")
    file_request()  # someone else's, in the Xi'an admin's queue
    data = api_for(member_user).get("/api/v1/me/requests").json()
    assert data["count"] == 1 and data["items"][0]["id"] == str(mine.pk)
    assert api_for(city_admin).get("/api/v1/me/requests").json()["count"] == 0
    assert api_for(city_admin).get("/api/v1/requests").json()["count"] == 2
    assert api_for("gansu").get("/api/v1/me/requests").json() == {"items": [], "count": 0}


def test_the_session_needs_its_csrf_token_to_mark_read(world, member_user):
    n = send(member_user)
    client = client_for(member_user)
    client.handler.enforce_csrf_checks = True
    answer = client.post(
        f"/api/v1/me/notifications/{n.pk}/read", json.dumps({}), content_type="application/json"
    )
    assert answer.status_code == 403
    n.refresh_from_db()
    assert n.read_at is None
