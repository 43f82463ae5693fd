"""The activities API (the contract, docs/product.md §4.4): list and detail for what the caller may see,
sign up (confirmed, waitlisted, 409 on a second), cancel with promotion and its notification,
scoping with a sibling city and anonymous callers, organisers' create, publish, cancel and
sign-up list."""

import datetime

import pytest
from django.utils import timezone

from gonghui.activities.choices import NotificationKind
from gonghui.activities.models import Activity, Signup
from gonghui.activities.services import signups
from gonghui.activities.tests.factories import make_activity, people
from gonghui.core.models import AuditEntry
from gonghui.notifications.models import Notification
from gonghui.testing import api_for

pytestmark = pytest.mark.django_db

ITEM_KEYS = {"id", "title", "kind", "starts_at", "ends_at", "capacity", "confirmed", "waitlisted", "audience"}


def _url(activity, tail=""):
    return f"/api/v1/activities/{activity.pk}{tail}"


def test_the_list_gives_the_spec_keys_with_counts(world, member_user):
    activity = make_activity(world, capacity=1)
    for user in people(2):
        signups.signup_create(actor=user, activity=activity)
    body = api_for(member_user).get("/api/v1/activities").json()
    assert body["count"] == 1
    (item,) = body["items"]
    assert set(item) == ITEM_KEYS
    assert (item["capacity"], item["confirmed"], item["waitlisted"], item["audience"]) == (
        1,
        1,
        1,
        "signed_in",
    )


def test_anonymous_callers_list_only_activities_open_to_anyone_signed_in(world):
    open_one = make_activity(world, title="公开活动")
    make_activity(world, title="会员活动", audience="members")
    make_activity(world, title="草稿", publish=False)
    body = api_for(None).get("/api/v1/activities").json()
    assert [i["id"] for i in body["items"]] == [str(open_one.pk)]


def test_a_members_only_activity_is_invisible_to_a_sibling_city_and_anonymous(world, sibling_city_admin):
    activity = make_activity(world, audience="members")
    assert api_for(sibling_city_admin).get("/api/v1/activities").json()["count"] == 0
    assert api_for(sibling_city_admin).get(_url(activity)).status_code == 404
    assert api_for(None).get(_url(activity)).status_code == 404
    answer = api_for(sibling_city_admin).post(_url(activity, "/signups"), {}, content_type="application/json")
    assert answer.status_code == 404
    assert not Signup.objects.exists()


def test_a_member_sees_and_signs_up_for_a_members_only_activity_of_their_city(world, member_user):
    activity = make_activity(world, audience="members")
    client = api_for(member_user)
    assert client.get("/api/v1/activities").json()["count"] == 1
    answer = client.post(_url(activity, "/signups"), {}, content_type="application/json")
    assert answer.status_code == 201
    assert answer.json() == {"status": "confirmed", "position": None}


def test_an_officer_in_scope_who_is_not_a_member_is_refused_with_members_only(world, city_officer):
    activity = make_activity(world, audience="members")
    client = api_for(city_officer)
    assert client.get(_url(activity)).status_code == 200
    answer = client.post(_url(activity, "/signups"), {}, content_type="application/json")
    assert answer.status_code == 403
    assert answer.json()["code"] == "members_only"
    assert not Signup.objects.exists()


def test_signing_up_needs_an_account(world):
    activity = make_activity(world)
    assert (
        api_for(None).post(_url(activity, "/signups"), {}, content_type="application/json").status_code == 401
    )
    assert not Signup.objects.exists()


def test_sign_up_then_waitlist_then_409_on_a_second_sign_up(world, member_user):
    activity = make_activity(world, capacity=1)
    signups.signup_create(actor=people(1)[0], activity=activity)
    client = api_for(member_user)
    first = client.post(_url(activity, "/signups"), content_type="application/json")
    assert first.status_code == 201
    assert first.json() == {"status": "waitlisted", "position": 1}
    second = client.post(_url(activity, "/signups"), {}, content_type="application/json")
    assert second.status_code == 409
    assert second.json()["code"] == "already_signed_up"
    assert Signup.objects.filter(user=member_user).count() == 1


def test_cancelling_by_the_api_promotes_the_first_waiting_who_is_notified(world, member_user):
    activity = make_activity(world, capacity=1)
    holder = people(1)[0]
    signups.signup_create(actor=holder, activity=activity)
    signups.signup_create(actor=member_user, activity=activity)
    answer = api_for(holder).delete(_url(activity, "/signups/me"))
    assert answer.status_code == 200 and answer.json() == {"status": "cancelled"}
    detail = api_for(member_user).get(_url(activity)).json()
    assert detail["my_signup"] == {"status": "confirmed", "position": None}
    assert (detail["confirmed"], detail["waitlisted"]) == (1, 0)
    assert Notification.objects.get(recipient=member_user).kind == NotificationKind.PROMOTED


def test_cancelling_without_a_sign_up_is_404(world, member_user):
    activity = make_activity(world)
    assert api_for(member_user).delete(_url(activity, "/signups/me")).status_code == 404


def test_a_missing_or_malformed_activity_is_404(world, member_user):
    client = api_for(member_user)
    assert client.get("/api/v1/activities/not-an-id").status_code == 404
    assert client.get("/api/v1/activities/00000000-0000-0000-0000-000000000000").status_code == 404


def test_a_closed_sign_up_answers_400_signup_closed(world, member_user):
    past = timezone.now() - datetime.timedelta(days=1)
    activity = make_activity(world, signup_opens=past - datetime.timedelta(days=1), signup_closes=past)
    answer = api_for(member_user).post(_url(activity, "/signups"), {}, content_type="application/json")
    assert answer.status_code == 400 and answer.json()["code"] == "signup_closed"


# ---- organisers ---------------------------------------------------------------------------


def _payload(**overrides):
    starts = timezone.now() + datetime.timedelta(days=3)
    data = {
        "organisation": "610100",
        "kind": "party_history",
        "title": "党史学习报告会",
        "audience": "members",
        "division_code": "610113",
        "address": "西安市雁塔区某礼堂",
        "starts_at": starts.isoformat(),
        "ends_at": (starts + datetime.timedelta(hours=2)).isoformat(),
        "capacity": 3,
        "questions": [{"label": "所在支部", "required": True}],
        "reservations": [{"organisation": "XA-0001", "places": 1}],
    }
    data.update(overrides)
    return data


def test_an_officer_creates_publishes_and_cancels_an_activity(world, city_officer):
    client = api_for(city_officer)
    created = client.post("/api/v1/activities", _payload(), content_type="application/json")
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["status"] == "draft" and body["questions"] == [{"label": "所在支部", "required": True}]
    published = client.post(f"/api/v1/activities/{body['id']}/publish")
    assert published.json()["status"] == "published"
    cancelled = client.post(
        f"/api/v1/activities/{body['id']}/cancel", {"reason": "场地维修"}, content_type="application/json"
    )
    assert cancelled.json()["status"] == "cancelled"


def test_a_sibling_city_admin_cannot_create_in_xian_or_read_its_sign_ups(world, sibling_city_admin):
    client = api_for(sibling_city_admin)
    assert client.post("/api/v1/activities", _payload(), content_type="application/json").status_code == 404
    assert not Activity.objects.exists()
    activity = make_activity(world)
    assert client.get(_url(activity, "/signups")).status_code == 404
    assert client.post(_url(activity, "/publish")).status_code == 404


def test_a_viewer_sees_the_activity_but_may_not_manage_it(world, city_viewer):
    activity = make_activity(world)
    client = api_for(city_viewer)
    assert client.get(_url(activity, "/signups")).status_code == 403
    answer = client.post("/api/v1/activities", _payload(), content_type="application/json")
    assert answer.status_code == 403
    assert Activity.objects.count() == 1


def test_bad_input_names_the_field_and_writes_nothing(world, city_officer):
    answer = api_for(city_officer).post(
        "/api/v1/activities", _payload(capacity=0, division_code="000000"), content_type="application/json"
    )
    assert answer.status_code == 400
    fields = {e["field"] for e in answer.json()["errors"]}
    assert {"capacity", "division_code"} <= fields
    assert not Activity.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="activities.").exists()


def test_organisers_list_the_sign_ups_with_answers_in_queue_order(world, city_admin, member_user):
    activity = make_activity(world, capacity=1, questions=[{"label": "备注", "required": False}])
    signups.signup_create(actor=people(1)[0], activity=activity)
    signups.signup_create(actor=member_user, activity=activity, answers=["素食"])
    body = api_for(city_admin).get(_url(activity, "/signups")).json()
    assert body["count"] == 2
    waiting = body["items"][1]
    assert (waiting["status"], waiting["position"], waiting["member"]) == ("waitlisted", 1, "张伟")
    assert waiting["answers"] == [{"label": "备注", "answer": "素食"}]
