"""The activity pages: the list and an activity's page for visitors, members, a sibling city
and officers; signing up with answers, the waiting list and cancelling from the page; my
sign-ups; the organisers' create, publish, sign-up lists and export."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from gonghui.activities.choices import SignupStatus, Status
from gonghui.activities.models import Activity, Signup
from gonghui.activities.services import signups
from gonghui.activities.tests.factories import make_activity, people
from gonghui.core.models import AuditEntry
from gonghui.testing import client_for

pytestmark = pytest.mark.django_db


def _detail(activity):
    return reverse("activities:detail", kwargs={"activity_id": activity.pk})


def test_visitors_see_open_activities_and_are_asked_to_sign_in(world, client):
    open_one = make_activity(world, title="公开读书会")
    make_activity(world, title="会员专场", audience="members")
    page = client.get(reverse("activities:list")).content.decode()
    assert "公开读书会" in page and "会员专场" not in page
    detail = client.get(_detail(open_one)).content.decode()
    assert reverse("accounts:login") in detail


def test_a_members_only_activity_page_is_404_for_a_sibling_city_and_visitors(
    world, client, sibling_city_admin
):
    activity = make_activity(world, title="会员专场", audience="members")
    assert client.get(_detail(activity)).status_code == 404
    assert client_for(sibling_city_admin).get(_detail(activity)).status_code == 404
    assert "会员专场" not in client_for(sibling_city_admin).get(reverse("activities:list")).content.decode()
    post = client_for(sibling_city_admin).post(
        reverse("activities:signup", kwargs={"activity_id": activity.pk})
    )
    assert post.status_code == 404
    assert not Signup.objects.exists()


def test_a_member_signs_up_with_answers_from_the_page(world, member_user):
    activity = make_activity(world, audience="members", questions=[{"label": "工作单位", "required": True}])
    client = client_for(member_user)
    url = reverse("activities:signup", kwargs={"activity_id": activity.pk})
    refused = client.post(url, {"answer_0": ""})
    assert refused.status_code == 400
    assert not Signup.objects.exists()
    done = client.post(url, {"answer_0": "某机械厂"}, follow=True)
    assert done.status_code == 200
    signup = Signup.objects.get(user=member_user)
    assert signup.status == SignupStatus.CONFIRMED and signup.answers[0]["answer"] == "某机械厂"
    assert 'data-status="confirmed"' in done.content.decode()


def test_the_page_shows_the_queue_place_and_cancelling_promotes_the_next(world, member_user):
    activity = make_activity(world, capacity=1)
    holder = people(1)[0]
    signups.signup_create(actor=holder, activity=activity)
    client = client_for(member_user)
    page = client.post(reverse("activities:signup", kwargs={"activity_id": activity.pk}), follow=True)
    assert 'data-status="waitlisted"' in page.content.decode()
    client_for(holder).post(reverse("activities:cancel", kwargs={"activity_id": activity.pk}))
    assert Signup.objects.get(user=member_user, activity=activity).status == SignupStatus.CONFIRMED
    mine = client.get(reverse("activities:mine")).content.decode()
    assert activity.title in mine and 'data-status="confirmed"' in mine


def test_an_officer_who_is_not_a_member_is_told_the_activity_is_for_members(world, city_officer):
    activity = make_activity(world, audience="members")
    client = client_for(city_officer)
    page = client.get(_detail(activity))
    assert page.status_code == 200 and 'id="signup-form"' not in page.content.decode()
    post = client.post(reverse("activities:signup", kwargs={"activity_id": activity.pk}))
    assert post.status_code == 403
    assert not Signup.objects.exists()


def test_an_organiser_creates_publishes_and_exports_from_the_pages(world, city_officer, member_user):
    client = client_for(city_officer)
    starts = timezone.localtime() + datetime.timedelta(days=3)
    form = {
        "organisation": "610100",
        "kind": "training",
        "title": "安全生产培训",
        "audience": "members",
        "division_code": "610113",
        "address": "雁塔区职工服务中心",
        "starts_at": starts.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (starts + datetime.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "capacity": "20",
        "waitlist": "on",
        "questions": "所在班组 *\n备注",
        "reservations": "XA-0001 5",
    }
    created = client.post(reverse("activities:new"), form)
    assert created.status_code == 302, created.content.decode()[:2000]
    activity = Activity.objects.get(title="安全生产培训")
    assert activity.questions == [
        {"label": "所在班组", "required": True},
        {"label": "备注", "required": False},
    ]
    assert activity.reservations.get().places == 5
    client.post(reverse("activities:publish", kwargs={"activity_id": activity.pk}))
    assert Activity.objects.get(pk=activity.pk).status == Status.PUBLISHED
    signups.signup_create(
        actor=member_user, activity=Activity.objects.get(pk=activity.pk), answers=["一班组"]
    )
    detail = client.get(
        reverse("activities:manage_detail", kwargs={"activity_id": activity.pk})
    ).content.decode()
    assert "张伟" in detail and "一班组" in detail
    export = client.get(reverse("activities:export", kwargs={"activity_id": activity.pk}))
    body = export.content.decode("utf-8-sig")
    assert "张伟" in body and "一班组" in body
    assert (
        AuditEntry.objects.filter(action="activities.signups.exported", object_id=str(activity.pk)).count()
        == 1
    )


def test_a_bad_form_is_shown_again_and_nothing_is_written(world, city_officer):
    client = client_for(city_officer)
    answer = client.post(reverse("activities:new"), {"organisation": "610100", "title": "缺字段"})
    assert answer.status_code == 400
    assert not Activity.objects.exists()


def test_organiser_pages_are_404_for_a_sibling_city_and_403_for_a_viewer(
    world, sibling_city_admin, city_viewer
):
    activity = make_activity(world)
    url = reverse("activities:manage_detail", kwargs={"activity_id": activity.pk})
    assert client_for(sibling_city_admin).get(url).status_code == 404
    assert client_for(city_viewer).get(url).status_code == 403
    export = reverse("activities:export", kwargs={"activity_id": activity.pk})
    assert client_for(sibling_city_admin).get(export).status_code == 404


def test_an_organiser_cancels_the_activity_with_a_reason(world, city_admin):
    activity = make_activity(world)
    url = reverse("activities:manage_cancel", kwargs={"activity_id": activity.pk})
    client_for(city_admin).post(url, {"reason": ""})
    assert Activity.objects.get(pk=activity.pk).status == Status.PUBLISHED
    client_for(city_admin).post(url, {"reason": "场地维修"})
    assert Activity.objects.get(pk=activity.pk).status == Status.CANCELLED


def test_the_landing_page_lists_open_activities_and_the_hall_the_members_ones_too(world, client, member_user):
    import datetime as dt

    make_activity(world, title="公开读书会")
    make_activity(world, title="会员专场", audience="members")
    make_activity(world, title="尚未发布", publish=False)
    past_start = timezone.now() - dt.timedelta(days=3)
    make_activity(world, title="上周的活动", starts_at=past_start, ends_at=past_start + dt.timedelta(hours=2))
    landing = client.get("/").content.decode()
    assert "公开读书会" in landing
    assert "会员专场" not in landing and "尚未发布" not in landing and "上周的活动" not in landing
    hall = client_for(member_user).get("/").content.decode()
    assert "公开读书会" in hall and "会员专场" in hall and "上周的活动" not in hall


def test_the_export_neutralises_answers_that_look_like_formulas(world, city_officer):
    # Anyone with an account may sign up and type an answer; the organiser opens the file in a
    # spreadsheet program, where "=HYPERLINK(…)" would run.
    activity = make_activity(world, questions=[{"label": "备注", "required": False}])
    person = people(1)[0]
    signups.signup_create(
        actor=person, activity=activity, answers=[{"label": "备注", "answer": '=HYPERLINK("http://x","y")'}]
    )
    export = client_for(city_officer).get(reverse("activities:export", kwargs={"activity_id": activity.pk}))
    body = export.content.decode("utf-8-sig")
    assert "'=HYPERLINK" in body and ",=HYPERLINK" not in body and '"=HYPERLINK' not in body
