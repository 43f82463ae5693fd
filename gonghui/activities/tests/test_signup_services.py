"""Signing up: places, the waiting list, reserved places, the window, the audience, the no-show
rule, cancelling with promotion and its notification; organisers' create, edit, publish and
cancel."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from gonghui.activities.choices import AuditAction, NotificationKind, SignupStatus, Status
from gonghui.activities.models import Activity, Signup
from gonghui.activities.permissions import MembersOnly
from gonghui.activities.services import activities as services
from gonghui.activities.services import signups
from gonghui.activities.tests.factories import activity_data, make_activity, people
from gonghui.core.models import AuditEntry
from gonghui.notifications.models import Notification

pytestmark = pytest.mark.django_db


def _codes(error: ValidationError) -> set:
    if hasattr(error, "error_dict"):
        return {e.code for errors in error.error_dict.values() for e in errors}
    return {e.code for e in error.error_list}


def _fill(activity, users):
    return [signups.signup_create(actor=u, activity=activity) for u in users]


def test_sign_ups_take_places_then_join_the_waiting_list_in_order(world):
    activity = make_activity(world, capacity=2)
    results = _fill(activity, people(4))
    assert [s.status for s in results] == ["confirmed", "confirmed", "waitlisted", "waitlisted"]
    assert [s.position for s in results] == [None, None, 1, 2]
    assert AuditEntry.objects.filter(action=AuditAction.SIGNUP_CREATED).count() == 4


def test_without_a_waiting_list_a_full_activity_refuses_and_writes_nothing(world):
    activity = make_activity(world, capacity=1, waitlist=False)
    _fill(activity, people(1))
    late = people(1, "late")[0]
    with pytest.raises(ValidationError) as err:
        signups.signup_create(actor=late, activity=activity)
    assert _codes(err.value) == {"activity_full"}
    assert not Signup.objects.filter(user=late).exists()
    assert AuditEntry.objects.filter(action=AuditAction.SIGNUP_CREATED).count() == 1


def test_a_second_sign_up_by_the_same_person_is_refused(world, member_user):
    activity = make_activity(world)
    signups.signup_create(actor=member_user, activity=activity)
    with pytest.raises(ValidationError) as err:
        signups.signup_create(actor=member_user, activity=activity)
    assert _codes(err.value) == {"already_signed_up"}
    assert Signup.objects.filter(activity=activity).count() == 1


def test_cancelling_a_place_promotes_the_first_waiting_and_notifies_them(world):
    activity = make_activity(world, capacity=1)
    first, second, third = people(3)
    _fill(activity, [first, second, third])
    cancelled = signups.signup_cancel(actor=first, activity=activity)
    assert cancelled.status == SignupStatus.CANCELLED
    promoted = Signup.objects.get(activity=activity, user=second)
    assert promoted.status == SignupStatus.CONFIRMED and promoted.promoted_at is not None
    assert Signup.objects.get(activity=activity, user=third).status == SignupStatus.WAITLISTED
    notice = Notification.objects.get(recipient=second)
    assert notice.kind == NotificationKind.PROMOTED
    assert not Notification.objects.filter(recipient=third).exists()
    assert (
        AuditEntry.objects.filter(action=AuditAction.SIGNUP_PROMOTED, object_id=str(promoted.pk)).count() == 1
    )


def test_leaving_the_waiting_list_promotes_nobody(world):
    activity = make_activity(world, capacity=1)
    first, second, third = people(3)
    _fill(activity, [first, second, third])
    signups.signup_cancel(actor=second, activity=activity)
    assert Signup.objects.get(activity=activity, user=third).status == SignupStatus.WAITLISTED
    assert not Notification.objects.exists()


def test_a_new_waiting_sign_up_queues_after_everyone_before_it(world):
    activity = make_activity(world, capacity=1)
    a, b, c = people(3)
    _fill(activity, [a, b])
    signups.signup_cancel(actor=a, activity=activity)  # b promoted, keeps position 1
    assert signups.signup_create(actor=c, activity=activity).position == 2


def test_a_person_may_sign_up_again_after_cancelling(world, member_user):
    activity = make_activity(world)
    signups.signup_create(actor=member_user, activity=activity)
    signups.signup_cancel(actor=member_user, activity=activity)
    again = signups.signup_create(actor=member_user, activity=activity)
    assert again.status == SignupStatus.CONFIRMED


def test_cancelling_after_the_deadline_is_refused(world, member_user):
    activity = make_activity(world, cancel_until=timezone.now() + datetime.timedelta(days=1))
    signups.signup_create(actor=member_user, activity=activity)
    with pytest.raises(ValidationError) as err:
        signups.signup_cancel(
            actor=member_user, activity=activity, now=timezone.now() + datetime.timedelta(days=2)
        )
    assert _codes(err.value) == {"cancel_closed"}
    assert Signup.objects.get(user=member_user).status == SignupStatus.CONFIRMED


def test_cancelling_without_a_sign_up_is_not_found(world, member_user):
    with pytest.raises(Http404):
        signups.signup_cancel(actor=member_user, activity=make_activity(world))


@pytest.mark.parametrize(
    "window",
    [
        {"signup_opens": timezone.now() + datetime.timedelta(days=1)},
        {
            "signup_closes": timezone.now() - datetime.timedelta(minutes=1),
            "signup_opens": timezone.now() - datetime.timedelta(days=1),
        },
    ],
)
def test_sign_up_outside_the_window_is_refused(world, member_user, window):
    activity = make_activity(world, **window)
    with pytest.raises(ValidationError) as err:
        signups.signup_create(actor=member_user, activity=activity)
    assert _codes(err.value) == {"signup_closed"}
    assert not Signup.objects.exists()


def test_a_draft_cannot_be_signed_up_for_even_by_its_organiser(world, city_admin):
    activity = make_activity(world, publish=False)
    with pytest.raises(ValidationError) as err:
        signups.signup_create(actor=city_admin, activity=activity)
    assert _codes(err.value) == {"signup_closed"}


def test_a_draft_is_not_found_for_a_member(world, member_user):
    with pytest.raises(Http404):
        signups.signup_create(actor=member_user, activity=make_activity(world, publish=False))


def test_a_members_only_activity_takes_members_of_the_subtree(world, member_user):
    activity = make_activity(world, audience="members")
    signup = signups.signup_create(actor=member_user, activity=activity)
    assert signup.member == world.members["xian_worker"]


def test_a_members_only_activity_refuses_an_officer_in_scope_who_is_not_a_member(world, city_officer):
    activity = make_activity(world, audience="members")
    with pytest.raises(MembersOnly):
        signups.signup_create(actor=city_officer, activity=activity)
    assert not Signup.objects.exists()


def test_a_members_only_activity_is_not_found_for_a_sibling_city(world, sibling_city_admin):
    activity = make_activity(world, audience="members")
    with pytest.raises(Http404):
        signups.signup_create(actor=sibling_city_admin, activity=activity)


def test_a_members_only_activity_is_not_found_for_an_account_without_a_member_record(world):
    activity = make_activity(world, audience="members")
    with pytest.raises(Http404):
        signups.signup_create(actor=people(1)[0], activity=activity)


def test_a_members_only_activity_for_a_target_union_refuses_members_outside_it(world, member_user):
    activity = make_activity(world, audience="members", targets=[world.orgs["yanta_joint"]])
    with pytest.raises(Http404):
        signups.signup_create(actor=member_user, activity=activity)


def test_reserved_places_go_to_their_unions_members_first(world, member_user):
    factory = world.orgs["xian_factory"]
    activity = make_activity(world, capacity=2, reservations=[(factory, 1)])
    outsiders = people(2)
    first = signups.signup_create(actor=outsiders[0], activity=activity)
    second = signups.signup_create(actor=outsiders[1], activity=activity)
    assert (first.status, second.status) == ("confirmed", "waitlisted")  # one open place only
    mine = signups.signup_create(actor=member_user, activity=activity)
    assert mine.status == "confirmed" and mine.reservation.organisation == factory


def test_editing_an_activity_keeps_reserved_places_counted_against_their_union(world, member_user):
    # An edit of the title must not turn a reserved place into an open one: the waiting
    # outsider gets the open place freed by the other outsider.
    factory = world.orgs["xian_factory"]
    activity = make_activity(world, capacity=2, reservations=[(factory, 1)])
    mine = signups.signup_create(actor=member_user, activity=activity)
    outsiders = people(2)
    signups.signup_create(actor=outsiders[0], activity=activity)
    waiting = signups.signup_create(actor=outsiders[1], activity=activity)
    assert waiting.status == "waitlisted"
    data = activity_data(
        capacity=2, reservations=[(factory, 1)], title="改了标题的读书会",
        starts_at=activity.starts_at, ends_at=activity.ends_at,
    )  # fmt: skip
    services.activity_update(actor=world.users["xian"], activity=activity, data=data)
    mine.refresh_from_db()
    assert mine.reservation is not None and mine.reservation.organisation == factory
    signups.signup_cancel(actor=outsiders[0], activity=activity)
    waiting.refresh_from_db()
    assert waiting.status == "confirmed"
    entry = AuditEntry.objects.filter(action=AuditAction.ACTIVITY_UPDATED).latest("at")
    assert entry.changes == {"title": ["职工书屋读书分享会", "改了标题的读书会"]}


def _second_factory_member(world):
    """Another member of 西安某机械厂's union with an account of their own."""
    from gonghui.members.services import members as member_services
    from gonghui.testing import make_id_number, make_phone, make_user

    member = member_services.member_create(
        actor=None, organisation=world.orgs["xian_factory"], name="李娜",
        id_number=make_id_number("610113", datetime.date(1990, 5, 2), "F", seq=7),
        phone=make_phone(7), joined_on=datetime.date(2021, 3, 1),
    )  # fmt: skip
    user = make_user("factory_second")
    member_services.member_link_user(actor=world.users["xian"], member=member, user=user)
    return user


def test_reserved_places_cannot_go_below_those_taken_and_nothing_changes(world, member_user):
    factory = world.orgs["xian_factory"]
    activity = make_activity(world, capacity=3, reservations=[(factory, 2)])
    for user in (member_user, _second_factory_member(world)):
        assert signups.signup_create(actor=user, activity=activity).reservation.organisation == factory
    entries = AuditEntry.objects.count()
    with pytest.raises(ValidationError) as err:
        services.activity_update(
            actor=world.users["xian"], activity=activity,
            data=activity_data(capacity=3, reservations=[(factory, 1)], title="新标题"),
        )  # fmt: skip
    assert "reservation_below_taken" in _codes(err.value)
    activity.refresh_from_db()
    assert activity.title == "职工书屋读书分享会" and activity.reservations.get().places == 2
    assert AuditEntry.objects.count() == entries


def test_an_edit_of_the_target_unions_is_in_the_audit_entry(world):
    activity = make_activity(world, audience="members")
    data = activity_data(
        audience="members",
        targets=[world.orgs["xian_factory"]],
        starts_at=activity.starts_at,
        ends_at=activity.ends_at,
    )
    services.activity_update(actor=world.users["xian"], activity=activity, data=data)
    entry = AuditEntry.objects.filter(action=AuditAction.ACTIVITY_UPDATED).latest("at")
    assert entry.changes == {"targets": ["", world.orgs["xian_factory"].name]}


def test_repeat_no_shows_block_new_sign_ups(world, member_user, settings):
    settings.GONGHUI_ACTIVITY_NO_SHOW_LIMIT = 2
    settings.GONGHUI_ACTIVITY_NO_SHOW_DAYS = 90
    now = timezone.now()
    for days in (10, 20):
        past = make_activity(world, title=f"过去的活动{days}")
        signups.signup_create(actor=member_user, activity=past)
        starts = now - datetime.timedelta(days=days)
        Activity.objects.filter(pk=past.pk).update(
            starts_at=starts, ends_at=starts + datetime.timedelta(hours=1)
        )
        Signup.objects.filter(activity=past).update(status=SignupStatus.NO_SHOW)
    with pytest.raises(ValidationError) as err:
        signups.signup_create(actor=member_user, activity=make_activity(world))
    assert _codes(err.value) == {"no_show_blocked"}
    settings.GONGHUI_ACTIVITY_NO_SHOW_DAYS = 15  # the older no-show no longer counts
    assert (
        signups.signup_create(actor=member_user, activity=make_activity(world, title="再来")).status
        == "confirmed"
    )


def test_a_required_question_must_be_answered(world, member_user):
    activity = make_activity(world, questions=[{"label": "工作单位", "required": True}, {"label": "备注"}])
    with pytest.raises(ValidationError) as err:
        signups.signup_create(actor=member_user, activity=activity, answers=["", "无"])
    assert _codes(err.value) == {"required"}
    assert not Signup.objects.exists()
    signup = signups.signup_create(actor=member_user, activity=activity, answers=["某机械厂"])
    assert signup.answers == [{"label": "工作单位", "answer": "某机械厂"}, {"label": "备注", "answer": ""}]


# ---- organisers ---------------------------------------------------------------------------


def test_an_organiser_creates_a_draft_and_publishes_it(world, city_officer):
    activity = services.activity_create(
        actor=city_officer, organisation=world.orgs["xian"], data=activity_data()
    )
    assert activity.status == Status.DRAFT
    activity = services.activity_publish(actor=city_officer, activity=activity)
    assert activity.status == Status.PUBLISHED and activity.published_at
    assert AuditEntry.objects.filter(object_id=str(activity.pk)).count() == 2


def test_a_viewer_may_not_create_an_activity(world, city_viewer):
    with pytest.raises(PermissionDenied):
        services.activity_create(actor=city_viewer, organisation=world.orgs["xian"], data=activity_data())
    assert not Activity.objects.exists()


def test_a_sibling_city_admin_cannot_find_the_union(world, sibling_city_admin):
    with pytest.raises(Http404):
        services.activity_create(
            actor=sibling_city_admin, organisation=world.orgs["xian"], data=activity_data()
        )
    assert not Activity.objects.exists()


def test_bad_activity_fields_are_named_and_nothing_is_written(world, city_admin):
    bad = activity_data(
        capacity=0,
        division_code="999999",
        ends_at=timezone.now(),
        reservations=[(world.orgs["baoji"], 1)],
    )
    with pytest.raises(ValidationError) as err:
        services.activity_create(actor=city_admin, organisation=world.orgs["xian"], data=bad)
    assert set(err.value.error_dict) >= {"capacity", "division_code", "ends_at", "reservations"}
    assert not Activity.objects.exists()
    assert not AuditEntry.objects.filter(action=AuditAction.ACTIVITY_CREATED).exists()


def test_reserving_more_places_than_the_capacity_is_refused(world, city_admin):
    data = activity_data(capacity=2, reservations=[(world.orgs["xian_factory"], 3)])
    with pytest.raises(ValidationError) as err:
        services.activity_create(actor=city_admin, organisation=world.orgs["xian"], data=data)
    assert _codes(err.value) == {"reserved_over_capacity"}


def test_raising_the_capacity_promotes_from_the_waiting_list(world, city_admin):
    activity = make_activity(world, capacity=1)
    _fill(activity, people(3))
    services.activity_update(actor=city_admin, activity=activity, data=activity_data(capacity=2))
    assert Signup.objects.filter(activity=activity, status="confirmed").count() == 2
    assert Notification.objects.filter(kind=NotificationKind.PROMOTED).count() == 1


def test_the_capacity_cannot_go_below_the_places_taken(world, city_admin):
    activity = make_activity(world, capacity=3)
    _fill(activity, people(3))
    with pytest.raises(ValidationError) as err:
        services.activity_update(actor=city_admin, activity=activity, data=activity_data(capacity=2))
    assert _codes(err.value) == {"capacity_below_taken"}
    assert Activity.objects.get(pk=activity.pk).capacity == 3


def test_cancelling_an_activity_tells_everyone_signed_up(world, city_admin):
    activity = make_activity(world, capacity=1)
    _fill(activity, people(2))
    services.activity_cancel(actor=city_admin, activity=activity, reason="天气原因")
    assert Activity.objects.get(pk=activity.pk).status == Status.CANCELLED
    assert Notification.objects.filter(kind=NotificationKind.CANCELLED).count() == 2
    with pytest.raises(ValidationError) as err:
        signups.signup_create(actor=people(1, "late")[0], activity=activity)
    assert _codes(err.value) == {"signup_closed"}


def test_a_sign_up_takes_a_dozen_queries_at_most(world, django_assert_max_num_queries):
    # What runs between the row lock and the commit is serialised per activity: keep it short
    # (lock, duplicate check, reservations, places taken, last position, insert, audit; the
    # scope, the member record and the no-show count are read before the lock).
    activity = make_activity(world, capacity=1)
    first, second = people(2)
    signups.signup_create(actor=first, activity=activity)
    with django_assert_max_num_queries(12):
        assert signups.signup_create(actor=second, activity=activity).status == SignupStatus.WAITLISTED
