"""The demo's attendance: the past 西安 session with both members checked in by card scans,
hours certified (one corrected with its reason) and the photo report as a news draft."""

import io

import pytest
from django.core.management import call_command

from gonghui.activities import demo
from gonghui.activities.choices import SignupStatus
from gonghui.activities.models import Activity, ActivityReport, Attendance, CheckIn

pytestmark = pytest.mark.django_db


def test_demo_attendance_and_report(monkeypatch):
    monkeypatch.setattr(
        "gonghui.demo.management.commands.seed_demo.DEMO_APPS",
        ("gonghui.activities", "gonghui.activities.checkin"),
    )
    call_command("seed_demo", members=60, stdout=io.StringIO())
    past = Activity.objects.get(title=demo.PAST_TITLE)
    assert CheckIn.objects.filter(signup__activity=past, source="card").count() == 3
    hours = sorted(
        Attendance.objects.filter(signup__activity=past).values_list("minutes", "computed_minutes", "reason")
    )
    assert hours == [(115, 115, ""), (120, None, "忘记签退，组织者现场核实全程参加")]
    assert set(past.signups.values_list("status", flat=True)) == {SignupStatus.ATTENDED}
    report = ActivityReport.objects.get(activity=past)
    assert report.photos.count() == 2 and report.news_item.status == "draft"

    # A second run changes nothing.
    call_command("seed_demo", members=60, stdout=io.StringIO())
    assert CheckIn.objects.count() == 3 and ActivityReport.objects.count() == 1
