"""The profiles compute from the demo data as it is (no talent demo of its own)."""

import io

import pytest
from django.core.management import call_command

from gonghui.competitions.models import EntryMember, Result
from gonghui.honours.models import Honour
from gonghui.innovation.models import Idea, Studio
from gonghui.members.models import Member
from gonghui.talent import selectors

pytestmark = pytest.mark.django_db


def sources(profile) -> set[str]:
    return {c.source.source for dim in profile.dimensions for c in dim.components if c.points > 0}


def test_demo_members_get_components_from_every_source():
    call_command("seed_demo", members=120, stdout=io.StringIO())
    found = set()
    honoured = Honour.objects.filter(member__isnull=False).values_list("member_id", flat=True)
    authors = Idea.objects.filter(status__in=["adopted", "implemented"]).values_list("author_id", flat=True)
    # a medallist: a result below the standard and outside the places is worth 0 points
    competitors = EntryMember.objects.filter(
        entry__in=Result.objects.filter(competition__results_state="published", rank__lte=3).values("entry")
    ).values_list("member_id", flat=True)
    leads = Studio.objects.exclude(status="delisted").values_list("lead_id", flat=True)
    for ids in (honoured, authors, competitors, leads):
        member = Member.objects.get(pk=ids.order_by()[:1].get())
        found |= sources(selectors.profile_for(member))
    assert {"honour", "idea", "result", "studio"} <= found
