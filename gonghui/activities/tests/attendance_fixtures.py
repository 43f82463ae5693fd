"""Activities and sign-ups for the check-in, hours and report tests, written straight to the
database (the sign-up rules themselves are tested with the sign-up services)."""

import datetime

from django.utils import timezone

from gonghui.activities.choices import Audience, Kind, SignupStatus, Status
from gonghui.activities.models import Activity, Signup


def make_activity(
    world,
    *,
    org="xian",
    starts_in=datetime.timedelta(minutes=-30),
    hours=2,
    title="读书分享会",
    records_hours=True,
):
    starts = timezone.now().replace(microsecond=0) + starts_in
    return Activity.objects.create(
        organisation=world.orgs[org],
        kind=Kind.READING_ROOM,
        title=title,
        audience=Audience.SIGNED_IN,
        division_code="610113",
        address="雁塔区职工书屋",
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=hours),
        capacity=5,
        records_hours=records_hours,
        status=Status.PUBLISHED,
        published_at=starts - datetime.timedelta(days=3),
        created_by=world.users[org],
    )


def make_signup(activity, user, *, member=None, status=SignupStatus.CONFIRMED):
    return Signup.objects.create(
        activity=activity,
        user=user,
        member=member,
        status=status,
        position=1 if status == SignupStatus.WAITLISTED else None,
    )
