import io

import pytest
from django.core.management import call_command

from gonghui.honours.models import Honour, NominationList, Objection

pytestmark = pytest.mark.django_db


def test_the_demo_has_honours_and_a_list_on_public_notice_with_an_objection():
    call_command("seed_demo", members=60, stdout=io.StringIO())
    kinds = set(Honour.objects.values_list("kind", flat=True))
    assert {"model_worker", "may_day_medal", "pioneer_team"} <= kinds
    team = Honour.objects.get(kind="pioneer_team")
    assert team.member is None and team.team_members.exists()
    nl = NominationList.objects.get()
    assert nl.status == "publicity" and nl.publicity_open()
    assert nl.nominees.filter(status="accepted").count() >= 6
    assert Objection.objects.filter(nomination_list=nl, status="received").count() == 1
    before = (Honour.objects.count(), NominationList.objects.count(), Objection.objects.count())
    call_command("seed_demo", members=60, stdout=io.StringIO())
    assert (Honour.objects.count(), NominationList.objects.count(), Objection.objects.count()) == before
