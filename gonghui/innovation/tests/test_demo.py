import io

import pytest
from django.core.management import call_command

from gonghui.honours.selectors import member_honours
from gonghui.innovation.choices import IdeaStatus, Moderation, StudioStatus
from gonghui.innovation.models import Alliance, Idea, Studio
from gonghui.innovation.selectors import progress

pytestmark = pytest.mark.django_db


def test_demo_has_studios_alliance_and_ideas_in_every_state():
    call_command("seed_demo", members=60, stdout=io.StringIO())
    assert Studio.objects.count() == 2
    studios = {s.organisation.division_code[:4]: s for s in Studio.objects.select_related("organisation")}
    assert studios["6101"].status == StudioStatus.ACTIVE and studios["6103"].delisting_proposed
    # every demo lead is an honoured worker: an honour in the registry, or the written reason
    for studio in studios.values():
        assert member_honours(studio.lead).exists() != bool(studio.lead_honour_note)
    assert studios["6101"].lead_honour_note == ""  # 解朝阳: 2022 陕西省技术能手 in the registry
    assert studios["6103"].lead_honour_note  # 单晓燕: on the officer's written reason
    alliance = Alliance.objects.get()
    assert alliance.studios.count() == 2 and alliance.lead_terms.count() == 3
    states = set(Idea.objects.values_list("status", flat=True))
    assert {IdeaStatus.SUBMITTED, IdeaStatus.IN_REVIEW, IdeaStatus.ADOPTED, IdeaStatus.NOT_ADOPTED} <= states
    assert Idea.objects.filter(moderation=Moderation.HIDDEN).count() == 1
    adopted = Idea.objects.get(status=IdeaStatus.ADOPTED)
    assert progress(adopted) == 66 and adopted.rewards.count() == 1
    assert Idea.objects.filter(status=IdeaStatus.IN_REVIEW, support_count__gte=3).exists()
    assert Idea.objects.filter(author__user__username="worker").exists()
    before = (Idea.objects.count(), Studio.objects.count())
    call_command("seed_demo", members=60, stdout=io.StringIO())
    assert (Idea.objects.count(), Studio.objects.count()) == before
