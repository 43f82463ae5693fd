"""Reads for the talent profile: the facts the rubric scores, gathered from the competitions,
innovation and honours apps, and who may read whose profile.

The member is scoped first (``member_or_404``: in the user's VIEW scope, or the user's own
record); the facts of a scoped member are then read unscoped, like the other apps' talent
selectors (``adopted_ideas_for``, ``studio_work_for``, ``member_honours``).
"""

import datetime

from django.db.models import QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from gonghui.competitions.choices import EntryKind, ResultsState
from gonghui.competitions.models import Result
from gonghui.honours.models import Honour
from gonghui.honours.selectors import member_honours
from gonghui.innovation.choices import IdeaStatus
from gonghui.innovation.selectors import adopted_ideas_for, studio_work_for
from gonghui.members.models import Member
from gonghui.members.selectors import member_or_404
from gonghui.organisations import scoping
from gonghui.talent import rubric
from gonghui.talent.rubric import (
    AchievementFact,
    Facts,
    HonourFact,
    IdeaFact,
    ResultFact,
    Source,
    StudioFact,
)

Action = scoping.Action
ZERO = rubric.ZERO


def _date(value) -> str:
    if isinstance(value, datetime.datetime):
        value = timezone.localdate(value) if timezone.is_aware(value) else value.date()
    return value.isoformat() if value else ""


def profile_member_or_404(user, member_id) -> Member:
    """A member whose profile the user may read (in VIEW scope, or their own), else 404."""
    return member_or_404(user, member_id, Action.VIEW)


def own_member_or_404(user) -> Member:
    """The signed-in user's own member record; 404 for a login without one."""
    try:
        return Member.objects.select_related("organisation").get(user_id=user.pk)
    except Member.DoesNotExist:
        raise Http404 from None


def published_results_for(member: Member) -> QuerySet:
    """The member's results in competitions whose results are published: individual entries
    and team entries the member competed in."""
    return (
        Result.objects.filter(
            entry__competitors__member=member,
            competition__results_state=ResultsState.PUBLISHED,
        )
        .select_related("competition", "entry")
        .order_by("-competition__results_published_at")
    )


def team_honours_for(member: Member) -> QuerySet:
    """Team honours (工人先锋号) whose team list names the member."""
    return Honour.objects.filter(member__isnull=True, team_members=member).order_by("-year")


def facts_for(member: Member) -> Facts:
    """Everything the rubric scores for ``member`` (a fixed number of queries)."""
    facts = Facts(
        skill_grade=member.skill_grade,
        skill_grade_label=str(member.get_skill_grade_display()) if member.skill_grade else "",
        member_id=str(member.pk),
        member_link=reverse("members:detail", args=[member.pk]),
    )
    for idea in adopted_ideas_for(member):
        review = getattr(idea, "review", None)
        facts.ideas.append(
            IdeaFact(
                source=Source(
                    "idea",
                    idea.kind,
                    str(idea.pk),
                    idea.title,
                    _date(idea.decided_at),
                    reverse("innovation:idea_detail", args=[idea.pk]),
                ),
                implemented=idea.status == IdeaStatus.IMPLEMENTED,
                benefit=review.estimated_benefit if review is not None else ZERO,
            )
        )
    for work in studio_work_for(member):
        studio = work.studio
        link = reverse("innovation:studio_detail", args=[studio.pk])
        facts.studios.append(
            StudioFact(Source("studio", work.role, str(studio.pk), studio.name, _date(studio.named_on), link))
        )
        for a in work.achievements:
            facts.achievements.append(
                AchievementFact(
                    source=Source("achievement", a.kind, str(a.pk), a.title, _date(a.achieved_on), link),
                    studio=studio.name,
                    savings=a.savings,
                )
            )
    for r in published_results_for(member):
        c = r.competition
        facts.results.append(
            ResultFact(
                source=Source(
                    "result",
                    c.stage,
                    str(r.pk),
                    f"{c.title} · {c.get_stage_display()}",
                    _date(c.results_published_at),
                    reverse("competitions:results", args=[c.pk]),
                ),
                rank=r.rank,
                standardised=r.standardised,
                meets_standard=r.meets_standard,
                team=r.entry.kind == EntryKind.TEAM,
            )
        )
    honours = [(h, False) for h in member_honours(member)] + [(h, True) for h in team_honours_for(member)]
    for h, team in honours:
        title = f"{h.year} {h.get_level_display()}{h.get_kind_display()}"
        if team:
            title += f" · {h.team_name}"
        facts.honours.append(
            HonourFact(
                source=Source(
                    "honour", h.kind, str(h.pk), title, str(h.year), reverse("honours:detail", args=[h.pk])
                ),
                level=h.level,
                team=team,
            )
        )
    return facts


def profile_for(member: Member, rubric_config: dict | None = None) -> rubric.Profile:
    return rubric.evaluate(facts_for(member), rubric_config)
