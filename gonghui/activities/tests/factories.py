"""Activities for tests, built through the services (published unless told otherwise)."""

import datetime

from django.utils import timezone

from gonghui.activities.services import activities as services
from gonghui.testing import make_user


def activity_data(**overrides) -> dict:
    starts = timezone.now() + datetime.timedelta(days=7)
    data = {
        "kind": "reading_room",
        "title": "职工书屋读书分享会",
        "description": "共读一本书。",
        "audience": "signed_in",
        "division_code": "610113",
        "address": "西安市雁塔区某路1号",
        "starts_at": starts,
        "ends_at": starts + datetime.timedelta(hours=2),
        "capacity": 5,
        "waitlist": True,
    }
    data.update(overrides)
    return data


def make_activity(world, *, actor=None, organisation="xian", publish=True, **overrides):
    actor = actor or world.users["xian"]
    activity = services.activity_create(
        actor=actor, organisation=world.orgs[organisation], data=activity_data(**overrides)
    )
    if publish:
        activity = services.activity_publish(actor=actor, activity=activity)
    return activity


def people(n: int, prefix: str = "person") -> list:
    """``n`` signed-in accounts with no member record and no role."""
    return [make_user(f"{prefix}{i}") for i in range(n)]
