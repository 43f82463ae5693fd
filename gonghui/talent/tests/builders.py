"""Rows for the talent tests, written directly (the other apps' workflows are tested there)."""

import datetime
from decimal import Decimal

from django.utils import timezone

from gonghui.competitions.models import Competition, Entry, EntryMember, Result
from gonghui.honours.models import Honour
from gonghui.innovation.models import Achievement, Idea, IdeaReview, Studio, StudioMember

D = Decimal
_number = iter(range(1, 10_000))


def competition(org, *, stage="provincial", published=True, title="焊工技能竞赛"):
    now = timezone.now()
    return Competition.objects.create(
        organisation=org,
        title=title,
        occupation="焊工",
        stage=stage,
        registration_opens=now - datetime.timedelta(days=30),
        registration_closes=now - datetime.timedelta(days=20),
        status="results",
        results_state="published" if published else "verified",
        results_published_at=now if published else None,
    )


def result(comp, members, *, rank, standardised, meets=None, team=False):
    entry = Entry.objects.create(
        competition=comp,
        kind="team" if team else "individual",
        name="焊接一队" if team else members[0].name,
        number=next(_number),
    )
    for m in members:
        EntryMember.objects.create(competition=comp, entry=entry, member=m)
    s = D(standardised)
    return Result.objects.create(
        competition=comp,
        entry=entry,
        theory=D("80"),
        practical=D("80"),
        raw_total=D("80"),
        rank=rank,
        standardised=s,
        meets_standard=(s >= 700) if meets is None else meets,
    )


def adopted_idea(member, *, kind="invention", implemented=False, benefit="0", removed=False):
    idea = Idea.objects.create(
        author=member,
        organisation=member.organisation,
        kind=kind,
        title=f"{kind} 改进焊枪夹具",
        problem="问题",
        proposal="方案",
        status="implemented" if implemented else "adopted",
        moderation="removed" if removed else "visible",
        decided_at=timezone.now(),
    )
    IdeaReview.objects.create(
        idea=idea, feasibility="high", estimated_benefit=D(benefit), score=85, adopted=True
    )
    return idea


def studio(lead, *, team=(), status="active", achievements=()):
    s = Studio.objects.create(
        name=f"{lead.name}劳模创新工作室",
        organisation=lead.organisation,
        employer="西安某机械厂",
        lead=lead,
        level="provincial",
        named_on=datetime.date(2022, 4, 28),
        naming_body="陕西省总工会",
        status=status,
    )
    for m in team:
        StudioMember.objects.create(studio=s, member=m)
    for kind, savings in achievements:
        Achievement.objects.create(
            studio=s,
            kind=kind,
            title=f"{kind} 成果",
            achieved_on=datetime.date(2023, 6, 1),
            savings=D(savings),
        )
    return s


def honour(member, org, *, kind="model_worker", level="provincial", year=2020):
    return Honour.objects.create(
        kind=kind, level=level, year=year, issuing_body="陕西省人民政府", member=member, organisation=org
    )


def team_honour(members, org, *, level="city", year=2023, team_name="焊接班"):
    h = Honour.objects.create(
        kind="pioneer_team",
        level=level,
        year=year,
        issuing_body="西安市总工会",
        team_name=team_name,
        organisation=org,
    )
    h.team_members.add(*members)
    return h
