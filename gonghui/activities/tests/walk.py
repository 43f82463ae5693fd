"""Activities' part of the URL walk (gonghui/tests/urlwalk.py): a members-only activity of 西安
with a member's sign-up. The activity list and an activity's page are open to everyone by
design (an activity open to anyone signed in is shown to visitors, who are asked to sign in to
take part); their scoping is tested in test_views.py and test_api.py."""

import datetime

from django.utils import timezone

from gonghui.activities import models
from gonghui.activities.services import activities, signups
from gonghui.activities.tests import walk_checkin


def xian_objects(world) -> dict:
    """A published members-only 劳模进校园 activity of 西安市总工会 with one question, and the
    sign-up of 张伟 (西安某机械厂) with his answer."""
    admin = world.users["xian"]
    starts = timezone.now() + datetime.timedelta(days=5)
    activity = activities.activity_create(
        actor=admin,
        organisation=world.orgs["xian"],
        data={
            "kind": "model_worker_school", "title": "西安劳模进校园宣讲会", "audience": "members",
            "division_code": "610113", "address": "西安市雁塔区某小学礼堂", "starts_at": starts,
            "ends_at": starts + datetime.timedelta(hours=2), "capacity": 2,
            "questions": [{"label": "随行家属人数", "required": False}],
        },
    )  # fmt: skip
    activity = activities.activity_publish(actor=admin, activity=activity)
    signups.signup_create(actor=world.users["member"], activity=activity, answers=["西安随行家属两人"])
    return {"activity_id": activity.pk, **walk_checkin.xian_objects(world, activity)}


# The activity, the member's answer.
MARKERS = ["西安劳模进校园宣讲会", "西安随行家属两人"]

PUBLIC_PAGES = {"activities:list", "activities:detail", *walk_checkin.PUBLIC_PAGES}
# Check-in, attendance and photo reports (walk_checkin.py).
NOT_WALKED = walk_checkin.NOT_WALKED
PARAM_ALIASES = walk_checkin.PARAM_ALIASES
API_NOT_WALKED = walk_checkin.API_NOT_WALKED

API_PUBLIC = {("GET", "activities"), ("GET", "activities/{activity_id}")}

API_BODIES = {
    ("POST", "activities"): {
        "organisation": "610100",
        "kind": "other",
        "title": "walk",
        "audience": "members",
        "division_code": "610113",
        "address": "walk",
        "starts_at": "2030-01-01T09:00:00+08:00",
        "ends_at": "2030-01-01T10:00:00+08:00",
        "capacity": 3,
    },
    ("POST", "activities/{activity_id}/signups"): None,
    ("DELETE", "activities/{activity_id}/signups/me"): None,
    ("POST", "activities/{activity_id}/publish"): None,
    ("POST", "activities/{activity_id}/cancel"): {"reason": "walk"},
    **walk_checkin.API_BODIES,
}

COUNTED = [models.Activity, models.ActivityReservation, models.Signup, *walk_checkin.COUNTED]


def snapshot(values) -> tuple:
    activity = models.Activity.objects.get(pk=values["activity_id"])
    return (
        activity.status,
        activity.capacity,
        tuple(
            models.Signup.objects.filter(activity=activity)
            .values_list("status", "position")
            .order_by("created_at")
        ),
    )
