"""The demo activities: the upcoming 西安 one open to anyone signed in with 5 places and no
sign-ups (the contract, docs/product.md §4.4), the members-only 陕西 one full with the worker waiting, a past one and a
draft."""

import io

import pytest
from django.core.management import call_command

from gonghui.activities import demo
from gonghui.activities.choices import Audience, SignupStatus, Status
from gonghui.activities.models import Activity, Signup

pytestmark = pytest.mark.django_db


def test_demo(monkeypatch):
    monkeypatch.setattr("gonghui.demo.management.commands.seed_demo.DEMO_APPS", ("gonghui.activities",))
    call_command("seed_demo", members=60, stdout=io.StringIO())

    open_one = Activity.objects.get(title=demo.OPEN_TITLE)
    assert (open_one.organisation.code, open_one.audience, open_one.capacity) == (
        "610100",
        Audience.SIGNED_IN,
        5,
    )
    assert open_one.status == Status.PUBLISHED and open_one.starts_at > open_one.created_at
    assert not open_one.signups.exists()

    lecture = Activity.objects.get(title=demo.MEMBERS_TITLE)
    assert (lecture.organisation.code, lecture.audience) == ("610000", Audience.MEMBERS)
    assert lecture.signups.filter(status=SignupStatus.CONFIRMED).count() == 3
    waiting = Signup.objects.get(activity=lecture, status=SignupStatus.WAITLISTED)
    assert (waiting.user.username, waiting.position) == ("worker", 1)

    past = Activity.objects.get(title=demo.PAST_TITLE)
    assert past.ends_at < lecture.starts_at and past.signups.count() == 2
    assert Activity.objects.get(title=demo.DRAFT_TITLE).status == Status.DRAFT
