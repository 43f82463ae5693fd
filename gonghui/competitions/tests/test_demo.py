"""The demo welder competition: 30 entries, judges with a substitution, every sheet marked
and signed off, published results with recommendations."""

import io

import pytest
from django.core.management import call_command

from gonghui.competitions.choices import ResultsState, SheetStatus
from gonghui.competitions.demo import TITLE
from gonghui.competitions.models import Competition, Mark, Recommendation, Result, Sheet, Substitution

pytestmark = pytest.mark.django_db


def test_demo_builds_a_published_welder_competition(monkeypatch):
    # Only this app's part on top of the members (the other apps' demos test themselves).
    monkeypatch.setattr("gonghui.demo.management.commands.seed_demo.DEMO_APPS", ("gonghui.competitions",))
    call_command("seed_demo", members=120, stdout=io.StringIO())
    c = Competition.objects.get(title=TITLE)
    assert c.organisation.code == "610000" and c.occupation == "焊工"
    assert c.entries.count() == 30
    assert c.results_state == ResultsState.PUBLISHED
    assert not Sheet.objects.filter(competition=c).exclude(status=SheetStatus.SIGNED_OFF).exists()
    assert Sheet.objects.filter(competition=c).count() == 90
    assert Mark.objects.filter(sheet__competition=c).count() > 0
    assert Substitution.objects.filter(competition=c).count() >= 1
    assert Result.objects.filter(competition=c).count() == 30
    assert Recommendation.objects.filter(competition=c, kind="title").count() >= 5
    assert Sheet.objects.filter(competition=c).exclude(justifications={}).exists()
    before = Mark.objects.count()
    call_command("seed_demo", members=120, stdout=io.StringIO())
    assert Mark.objects.count() == before
