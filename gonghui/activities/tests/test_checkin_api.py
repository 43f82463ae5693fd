"""The check-in endpoints and pages: the member's scan, the organiser's code and the offline
sync (dedup by nonce, replay, wrong activity, scan-time limits, scoping)."""

import datetime
import uuid

import pytest
from django.test import Client
from django.utils import timezone

from gonghui.activities.checkin import tokens, views
from gonghui.activities.models import CheckIn
from gonghui.activities.tests.attendance_fixtures import make_activity, make_signup
from gonghui.members.services import cards
from gonghui.testing import api_for, client_for

pytestmark = pytest.mark.django_db


def _sync(persona, activity, scans):
    return api_for(persona).post(
        f"/api/v1/activities/{activity.pk}/checkins/sync", {"scans": scans}, content_type="application/json"
    )


def _scan(world, *, nonce=None, member="xian_worker", at=None, direction="in"):
    return {
        "nonce": nonce or uuid.uuid4().hex,
        "token": cards.card_token(world.members[member]),
        "direction": direction,
        "at": (at or timezone.now()).isoformat(),
    }


# ---- the member opens the code's URL ---------------------------------------------------------


def test_a_confirmed_member_opening_the_code_url_is_checked_in(world, member_user):
    activity = make_activity(world)
    make_signup(activity, member_user)
    response = client_for(member_user).get(
        f"/activities/{activity.pk}/checkin/", {"c": tokens.make(activity.pk, "in")}
    )
    assert response.status_code == 200
    assert 'data-result="in"' in response.content.decode()
    assert "签到成功" in response.content.decode()
    assert CheckIn.objects.filter(signup__user=member_user, direction="in", source="qr").count() == 1


def test_an_expired_code_url_is_refused_with_its_message_and_writes_nothing(world, member_user):
    activity = make_activity(world)
    make_signup(activity, member_user)
    old = tokens.make(activity.pk, "in", timezone.now() - datetime.timedelta(minutes=3))
    response = client_for(member_user, language="en").get(f"/activities/{activity.pk}/checkin/", {"c": old})
    assert response.status_code == 400
    assert "This check-in code has expired" in response.content.decode()
    assert not CheckIn.objects.exists()


def test_a_code_scanned_before_a_slow_sign_in_counts_at_the_scan_time(world, member_user):
    activity = make_activity(world)
    make_signup(activity, member_user)
    scanned = timezone.now().replace(microsecond=0) - datetime.timedelta(minutes=3)
    code = tokens.make(activity.pk, "in", scanned)
    client = Client()
    response = client.get(f"/activities/{activity.pk}/checkin/", {"c": code})
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert not CheckIn.objects.exists()
    # Signing in took three minutes: the code has expired since, but it was valid when scanned.
    session = client.session
    session[views.PENDING] = {**session[views.PENDING], "at": scanned.isoformat()}
    session.save()
    client.force_login(member_user)
    response = client.get(f"/activities/{activity.pk}/checkin/", {"c": code})
    assert response.status_code == 200
    assert CheckIn.objects.get().at == scanned
    # The kept scan time is used once, for that code only.
    assert views.PENDING not in client.session


def test_a_code_expired_at_its_scan_is_refused_after_signing_in_too(world, member_user):
    activity = make_activity(world)
    make_signup(activity, member_user)
    code = tokens.make(activity.pk, "in", timezone.now() - datetime.timedelta(minutes=3))
    client = Client()
    client.get(f"/activities/{activity.pk}/checkin/", {"c": code})
    client.force_login(member_user)
    assert client.get(f"/activities/{activity.pk}/checkin/", {"c": code}).status_code == 400
    assert not CheckIn.objects.exists()


def test_the_api_checks_in_with_the_code_and_refuses_a_replay(world, member_user):
    activity = make_activity(world)
    make_signup(activity, member_user)
    code = tokens.make(activity.pk, "in")
    url = f"/api/v1/activities/{activity.pk}/checkin"
    first = api_for(member_user).post(url, {"code": code}, content_type="application/json")
    assert first.status_code == 200 and first.json()["direction"] == "in"
    again = api_for(member_user).post(url, {"code": code}, content_type="application/json")
    assert again.status_code == 400 and again.json()["code"] == "already_checked_in"
    assert CheckIn.objects.count() == 1


# ---- the organiser's screen -----------------------------------------------------------------


def test_the_organiser_screen_shows_a_qr_of_the_checkin_url(world, city_officer):
    activity = make_activity(world)
    response = client_for(city_officer).get(f"/activities/manage/{activity.pk}/checkin/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<svg" in html and "checkin-screen.js" in html
    code = (
        client_for(city_officer).get(f"/activities/manage/{activity.pk}/checkin/code/?direction=out").json()
    )
    assert f"/activities/{activity.pk}/checkin/?c={activity.pk.hex}.out." in code["url"]
    assert code["svg"].startswith("<svg") and 0 < code["seconds_left"] <= 30


@pytest.mark.parametrize(
    ("persona", "status"), [("baoji", 404), ("gansu", 404), ("xian_viewer", 403), ("member", 404)]
)
def test_organiser_pages_refuse_other_branches_and_viewers(world, persona, status):
    activity = make_activity(world)
    for page in ("checkin/", "checkin/code/", "scan/", "attendance/", "report/"):
        assert client_for(persona).get(f"/activities/manage/{activity.pk}/{page}").status_code == status, page


# ---- offline sync -----------------------------------------------------------------------------


def test_sync_records_queued_scans_at_their_scan_time(world, city_officer, member_user):
    activity = make_activity(world)
    make_signup(activity, member_user, member=world.members["xian_worker"])
    scanned = activity.starts_at + datetime.timedelta(minutes=3)
    scan = _scan(world, at=scanned)
    response = _sync(city_officer, activity, [scan])
    assert response.status_code == 200
    assert response.json()["results"] == [
        {"nonce": scan["nonce"], "status": "accepted", "code": "", "detail": ""}
    ]
    checkin = CheckIn.objects.get()
    assert (checkin.at, checkin.nonce, checkin.source, checkin.by) == (
        scanned,
        scan["nonce"],
        "card",
        city_officer,
    )


def test_sending_the_queue_twice_records_each_scan_once(world, city_officer, member_user):
    activity = make_activity(world)
    make_signup(activity, member_user, member=world.members["xian_worker"])
    scans = [_scan(world), _scan(world, direction="out")]
    _sync(city_officer, activity, scans)
    again = _sync(city_officer, activity, scans)
    assert [r["status"] for r in again.json()["results"]] == ["duplicate", "duplicate"]
    assert CheckIn.objects.count() == 2


def test_a_second_scan_of_the_same_card_is_refused_as_already_checked_in(world, city_officer, member_user):
    activity = make_activity(world)
    make_signup(activity, member_user, member=world.members["xian_worker"])
    results = _sync(city_officer, activity, [_scan(world), _scan(world)]).json()["results"]
    assert [(r["status"], r["code"]) for r in results] == [
        ("accepted", ""),
        ("refused", "already_checked_in"),
    ]
    assert CheckIn.objects.count() == 1


def test_a_nonce_recorded_at_another_activity_is_refused_as_wrong_activity(world, city_officer, member_user):
    first, second = make_activity(world), make_activity(world, title="职工运动会")
    make_signup(first, member_user, member=world.members["xian_worker"])
    make_signup(second, member_user, member=world.members["xian_worker"])
    scan = _scan(world)
    _sync(city_officer, first, [scan])
    result = _sync(city_officer, second, [scan]).json()["results"][0]
    assert (result["status"], result["code"]) == ("refused", "wrong_activity")
    assert CheckIn.objects.filter(signup__activity=second).count() == 0


@pytest.mark.parametrize(
    ("at", "code"),
    [
        (lambda a: a.starts_at - datetime.timedelta(hours=5), "scan_time_out_of_range"),
        (lambda a: timezone.now() + datetime.timedelta(hours=1), "scan_time_out_of_range"),
        (lambda a: "yesterday", "scan_time_invalid"),
        (lambda a: "2026-01-01T10:00:00", "scan_time_invalid"),
    ],
)
def test_a_scan_time_outside_the_limits_is_refused(world, city_officer, member_user, at, code):
    activity = make_activity(world)
    make_signup(activity, member_user, member=world.members["xian_worker"])
    scan = _scan(world)
    value = at(activity)
    scan["at"] = value if isinstance(value, str) else value.isoformat()
    result = _sync(city_officer, activity, [scan]).json()["results"][0]
    assert (result["status"], result["code"]) == ("refused", code)
    assert not CheckIn.objects.exists()


def test_a_scan_of_someone_not_signed_up_is_refused(world, city_officer):
    activity = make_activity(world)
    result = _sync(city_officer, activity, [_scan(world, member="baoji_worker")]).json()["results"][0]
    assert (result["status"], result["code"]) == ("refused", "not_signed_up")


@pytest.mark.parametrize(
    ("persona", "status"), [("baoji", 404), ("gansu", 404), ("xian_viewer", 403), (None, 401)]
)
def test_sync_refuses_other_branches_viewers_and_anonymous(world, member_user, persona, status):
    activity = make_activity(world)
    make_signup(activity, member_user, member=world.members["xian_worker"])
    response = _sync(persona, activity, [_scan(world)])
    assert response.status_code == status
    assert "code" in response.json()
    assert not CheckIn.objects.exists()


def test_sync_refuses_a_malformed_body_with_the_json_error_shape(world, city_officer):
    activity = make_activity(world)
    response = api_for(city_officer).post(
        f"/api/v1/activities/{activity.pk}/checkins/sync", {"scans": "nope"}, content_type="application/json"
    )
    assert response.status_code == 400
    assert {"detail", "code"} <= set(response.json())


def test_the_organisers_activity_page_links_to_check_in_attendance_and_report(world, city_officer):
    activity = make_activity(world)
    html = client_for(city_officer).get(f"/activities/manage/{activity.pk}/").content.decode()
    for page in ("checkin/", "scan/", "attendance/", "report/"):
        assert f"/activities/manage/{activity.pk}/{page}" in html, page


def test_a_cancelled_activity_cannot_be_checked_into(world, member_user):
    activity = make_activity(world)
    make_signup(activity, member_user)
    activity.status = "cancelled"
    activity.cancelled_at = timezone.now()
    activity.save()
    response = client_for(member_user).get(
        f"/activities/{activity.pk}/checkin/", {"c": tokens.make(activity.pk, "in")}
    )
    assert response.status_code == 404
    assert not CheckIn.objects.exists()
