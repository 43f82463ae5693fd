"""Hours: computed from the check-in times clipped to the schedule, certified only by the
organising union, corrections with a reason (audited), shown on the member's record; the
no-show rule after the activity."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.http import Http404

from gonghui.activities.checkin import services, tokens
from gonghui.activities.choices import SignupStatus
from gonghui.activities.models import Attendance, CheckIn
from gonghui.activities.tests.attendance_fixtures import make_activity, make_signup
from gonghui.core.models import AuditEntry
from gonghui.testing import client_for

pytestmark = pytest.mark.django_db

MIN = datetime.timedelta(minutes=1)


def _ended(world, **kwargs):
    return make_activity(world, starts_in=datetime.timedelta(hours=-3), hours=2, **kwargs)


def _times(signup, checked_in=None, checked_out=None):
    for direction, at in (("in", checked_in), ("out", checked_out)):
        if at is not None:
            CheckIn.objects.create(signup=signup, direction=direction, at=at, source="qr")


def _code(error):
    exc = error.value
    if hasattr(exc, "error_dict"):
        return next(iter(exc.error_dict.values()))[0].code
    return exc.error_list[0].code


@pytest.mark.parametrize(
    ("in_offset", "out_offset", "expected"),
    [
        (-20, 130, 120),  # early and late: the scheduled two hours
        (15, 100, 85),  # late and early: the time actually there
        (30, 30, 0),
    ],
)
def test_hours_are_the_time_between_check_in_and_out_within_the_schedule(
    world, member_user, in_offset, out_offset, expected
):
    activity = _ended(world)
    signup = make_signup(activity, member_user)
    _times(signup, activity.starts_at + in_offset * MIN, activity.starts_at + out_offset * MIN)
    assert services.computed_minutes(activity, signup.checkins.all()) == expected


def test_the_organiser_certifies_the_computed_hours_and_the_signup_becomes_attended(
    world, city_officer, member_user
):
    activity = _ended(world)
    signup = make_signup(activity, member_user, member=world.members["xian_worker"])
    _times(signup, activity.starts_at, activity.starts_at + 90 * MIN)
    attendance = services.attendance_certify(actor=city_officer, signup=signup)
    assert (attendance.minutes, attendance.computed_minutes, attendance.reason) == (90, 90, "")
    signup.refresh_from_db()
    assert signup.status == SignupStatus.ATTENDED
    entry = AuditEntry.objects.get(action="activities.attendance.certified")
    assert entry.changes["minutes"] == [None, 90]


def test_a_correction_needs_a_reason_and_is_audited_with_it(world, city_officer, member_user):
    activity = _ended(world)
    signup = make_signup(activity, member_user)
    _times(signup, activity.starts_at)  # forgot to check out
    with pytest.raises(ValidationError) as error:
        services.attendance_certify(actor=city_officer, signup=signup)
    assert _code(error) == "minutes_required"
    with pytest.raises(ValidationError) as error:
        services.attendance_certify(actor=city_officer, signup=signup, minutes=120)
    assert _code(error) == "reason_required"
    assert not Attendance.objects.exists()
    assert not AuditEntry.objects.filter(action="activities.attendance.certified").exists()
    signup.refresh_from_db()
    assert signup.status == SignupStatus.CONFIRMED
    services.attendance_certify(
        actor=city_officer, signup=signup, minutes=120, reason="忘记签退，现场核实全程参加"
    )
    entry = AuditEntry.objects.get(action="activities.attendance.certified")
    assert entry.reason == "忘记签退，现场核实全程参加"


def test_more_minutes_than_the_activity_lasted_are_refused(world, city_officer, member_user):
    activity = _ended(world)
    signup = make_signup(activity, member_user)
    with pytest.raises(ValidationError) as error:
        services.attendance_certify(actor=city_officer, signup=signup, minutes=121, reason="x")
    assert _code(error) == "number_too_large"


def test_only_the_organising_union_certifies(
    world, province_admin, sibling_city_admin, city_viewer, member_user
):
    # 谁组织谁记录，谁记录谁证明: the province above sees the list, but does not certify.
    activity = _ended(world)
    signup = make_signup(activity, member_user)
    with pytest.raises(PermissionDenied):
        services.attendance_certify(actor=province_admin, signup=signup, minutes=60, reason="x")
    with pytest.raises(PermissionDenied):
        services.attendance_certify(actor=city_viewer, signup=signup, minutes=60, reason="x")
    with pytest.raises(Http404):
        services.attendance_certify(actor=sibling_city_admin, signup=signup, minutes=60, reason="x")
    assert not Attendance.objects.exists()


def test_hours_are_not_certified_before_the_activity_ends(world, city_officer, member_user):
    activity = make_activity(world)
    signup = make_signup(activity, member_user)
    with pytest.raises(ValidationError) as error:
        services.attendance_certify(actor=city_officer, signup=signup, minutes=10, reason="x")
    assert _code(error) == "activity_not_ended"


def test_certified_hours_appear_on_the_member_record_and_my_page(
    world, city_officer, city_admin, member_user
):
    activity = _ended(world)
    signup = make_signup(activity, member_user, member=world.members["xian_worker"])
    _times(signup, activity.starts_at, activity.ends_at)
    services.attendance_certify(actor=city_officer, signup=signup)
    member = world.members["xian_worker"]
    officer_page = client_for(city_admin).get(f"/members/{member.pk}/").content.decode()
    assert 'id="activity-hours"' in officer_page and "读书分享会" in officer_page and "2.0" in officer_page
    mine = client_for(member_user).get("/me/overview/").content.decode()
    assert 'id="activity-hours"' in mine and "累计认证 2.0 小时" in mine


def test_the_attendance_page_certifies_through_the_form(world, city_officer, member_user):
    activity = _ended(world)
    signup = make_signup(activity, member_user)
    client = client_for(city_officer)
    page = client.get(f"/activities/manage/{activity.pk}/attendance/")
    assert page.status_code == 200 and str(signup.pk) in page.content.decode()
    response = client.post(
        f"/activities/manage/{activity.pk}/attendance/{signup.pk}/certify/",
        {"minutes": "100", "reason": "补录"},
    )
    assert response.status_code == 302
    assert Attendance.objects.get().minutes == 100


def test_after_the_activity_confirmed_signups_without_check_in_become_no_shows(
    world, member_user, city_officer
):
    activity = _ended(world)
    came = make_signup(activity, city_officer)
    _times(came, activity.starts_at)
    absent = make_signup(activity, member_user)
    upcoming = make_signup(make_activity(world, starts_in=datetime.timedelta(days=1)), member_user)
    call_command("mark_no_shows", stdout=open("/dev/null", "w"))
    call_command("mark_no_shows", stdout=open("/dev/null", "w"))
    for signup, status in ((came, "confirmed"), (absent, "no_show"), (upcoming, "confirmed")):
        signup.refresh_from_db()
        assert signup.status == status
    assert AuditEntry.objects.filter(action="activities.signup.no_show").count() == 1


def test_at_an_activity_without_hours_the_check_in_marks_attended_and_nothing_is_certified(
    world, city_officer, member_user
):
    activity = make_activity(world, records_hours=False)
    signup = make_signup(activity, member_user, member=world.members["xian_worker"])
    services.checkin_by_code(actor=member_user, activity=activity, code=tokens.make(activity.pk, "in"))
    signup.refresh_from_db()
    assert signup.status == SignupStatus.ATTENDED
    # Still checks out (the place is held), and no hours can be certified.
    services.checkin_by_code(actor=member_user, activity=activity, code=tokens.make(activity.pk, "out"))
    ended = _ended(world)
    ended.records_hours = False
    ended.save()
    other = make_signup(ended, member_user)
    with pytest.raises(ValidationError) as error:
        services.attendance_certify(actor=city_officer, signup=other, minutes=60, reason="x")
    assert _code(error) == "hours_not_recorded"
    assert not Attendance.objects.exists()


def test_the_attendance_page_query_count_does_not_grow_with_people(
    world, city_officer, django_assert_max_num_queries
):
    from gonghui.testing import make_user

    activity = _ended(world)
    client = client_for(city_officer)

    def add(n, start):
        for i in range(start, start + n):
            signup = make_signup(activity, make_user(f"attendee{i}"))
            _times(signup, activity.starts_at, activity.ends_at)

    add(2, 0)
    client.get(f"/activities/manage/{activity.pk}/attendance/")  # warm the session and caches
    with django_assert_max_num_queries(12) as small:
        client.get(f"/activities/manage/{activity.pk}/attendance/")
    add(8, 2)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert (
            client.get(f"/activities/manage/{activity.pk}/attendance/").content.decode().count("data-signup=")
            == 10
        )
