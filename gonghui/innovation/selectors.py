"""Scoped reads of studios, alliances and ideas. Who sees what is ``permissions``' rule
(ideas: officers of the union's scope, members of the idea's city community, assigned experts;
alliances: the founding union's scope and its member studios'); anything else answers 404,
like a missing object.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Prefetch, Q, QuerySet, Sum
from django.http import Http404

from gonghui.core.api import uuid_or_404
from gonghui.innovation import permissions, similarity
from gonghui.innovation.choices import ADOPTED_STATES, IdeaStatus, Moderation, StudioStatus
from gonghui.innovation.models import (
    Alliance,
    AllianceMembership,
    Idea,
    IdeaExpert,
    IdeaSettings,
    JointProject,
    Studio,
    StudioMember,
)
from gonghui.members.choices import IN_MEMBERSHIP
from gonghui.members.models import Member
from gonghui.organisations import scoping
from gonghui.organisations import selectors as org_selectors
from gonghui.organisations.models import Organisation

Action = scoping.Action

DEFAULT_SUPPORT_THRESHOLD = 10
DEFAULT_REPORT_THRESHOLD = 3
DEFAULT_REVIEW_DAYS = 30


# ---- thresholds ------------------------------------------------------------------------------


@dataclass(frozen=True)
class EffectiveSettings:
    """The idea thresholds that apply to a union, and where they come from: ``source`` is
    the union whose ``IdeaSettings`` row gives them (the union itself or the nearest ancestor
    with a row), ``None`` for the settings defaults."""

    support_threshold: int
    report_threshold: int
    review_days: int
    source: Organisation | None = None


def _defaults() -> EffectiveSettings:
    from django.conf import settings

    return EffectiveSettings(
        support_threshold=int(getattr(settings, "GONGHUI_IDEA_SUPPORT_THRESHOLD", DEFAULT_SUPPORT_THRESHOLD)),
        report_threshold=int(getattr(settings, "GONGHUI_IDEA_REPORT_THRESHOLD", DEFAULT_REPORT_THRESHOLD)),
        review_days=int(getattr(settings, "GONGHUI_IDEA_REVIEW_DAYS", DEFAULT_REVIEW_DAYS)),
    )


def idea_settings_for(organisation: Organisation) -> EffectiveSettings:
    """The thresholds for ideas of ``organisation``: the nearest ``IdeaSettings`` row up the
    tree (the union's own first) gives all three values; without one, the settings defaults
    ``GONGHUI_IDEA_SUPPORT_THRESHOLD`` (10), ``GONGHUI_IDEA_REPORT_THRESHOLD`` (3) and
    ``GONGHUI_IDEA_REVIEW_DAYS`` (30)."""
    row = (
        IdeaSettings.objects.filter(organisation__path__in=Organisation.lineage(organisation.path))
        .select_related("organisation")
        .order_by("-organisation__depth")
        .first()
    )
    if row is None:
        return _defaults()
    return EffectiveSettings(
        support_threshold=row.support_threshold,
        report_threshold=row.report_threshold,
        review_days=row.review_days,
        source=row.organisation,
    )


def idea_thresholds(organisation: Organisation) -> tuple[int, int]:
    """``(supports needed for review, reports that hide)`` for ideas of ``organisation``
    (see ``idea_settings_for``)."""
    found = idea_settings_for(organisation)
    return found.support_threshold, found.report_threshold


def review_days(organisation: Organisation | None = None) -> int:
    """Days the expert review of an idea of ``organisation`` may take (see
    ``idea_settings_for``); without a union, the settings default."""
    if organisation is None:
        return _defaults().review_days
    return idea_settings_for(organisation).review_days


def idea_settings_rows(user) -> QuerySet:
    """The unions in ``user``'s scope that set their own thresholds."""
    return scoping.restrict(
        IdeaSettings.objects.select_related("organisation").order_by("organisation__path"), user
    )


def expert_candidates(user, idea: Idea) -> QuerySet:
    """Logins holding an officer role (admin, officer, viewer, supervisor) or the judge role
    on the idea's union or a union above or below it, within ``user``'s scope — people who
    could review it — minus those assigned already and the author."""
    from django.contrib.auth import get_user_model

    from gonghui.organisations.choices import Role
    from gonghui.organisations.models import RoleAssignment

    roles = RoleAssignment.objects.filter(
        Q(organisation__path__in=Organisation.lineage(idea.organisation.path))
        | Q(organisation__in=org_selectors.subtree(idea.organisation)),
        role__in=[Role.ADMIN, Role.OFFICER, Role.VIEWER, Role.SUPERVISOR, Role.JUDGE],
    )
    if not scoping.is_operator(user):
        roles = roles.filter(scoping.org_q(user, Action.VIEW, field="organisation"))
    assigned = IdeaExpert.objects.filter(idea=idea).values("user_id")
    return (
        get_user_model()
        .objects.filter(is_active=True, pk__in=roles.values("user_id"))
        .exclude(pk__in=assigned)
        .exclude(pk=idea.author.user_id or 0)
        .order_by("username")
    )


def idea_experts(idea: Idea) -> QuerySet:
    return IdeaExpert.objects.filter(idea=idea).select_related("user").order_by("assigned_at")


# ---- ideas -------------------------------------------------------------------------------------


def ideas_visible_to(user) -> QuerySet:
    q = permissions.ideas_q(user)
    if q is None:
        return Idea.objects.none()
    return Idea.objects.filter(q).select_related("author", "organisation")


def idea_list(
    user, *, status: str = "", kind: str = "", mine: bool = False, moderation: str = ""
) -> QuerySet:
    qs = ideas_visible_to(user)
    if status:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    if moderation:
        qs = qs.filter(moderation=moderation)
    if mine:
        member = permissions.member_for(user)
        qs = qs.filter(author=member) if member is not None else qs.none()
    return qs.order_by("-submitted_at")


def idea_or_404(user, idea_id) -> Idea:
    try:
        return ideas_visible_to(user).get(pk=idea_id)
    except (Idea.DoesNotExist, ValueError, TypeError, ValidationError):
        raise Http404 from None


def idea_detail(idea: Idea) -> Idea:
    """The idea with what its page shows, in a fixed number of queries."""
    return (
        Idea.objects.select_related("author", "organisation", "review")
        .prefetch_related("milestones", "rewards", "attachments", "experts__user")
        .defer("attachments__data")
        .get(pk=idea.pk)
    )


def has_supported(member: Member | None, idea: Idea) -> bool:
    return member is not None and idea.supports.filter(member=member).exists()


def has_reported(member: Member | None, idea: Idea) -> bool:
    return member is not None and idea.reports.filter(member=member).exists()


def progress(idea: Idea) -> int:
    """Implementation progress in whole percent: milestones done ÷ milestones × 100, rounded
    down (0 without milestones), so 100 means every milestone is done."""
    milestones = list(idea.milestones.all())
    if not milestones:
        return 0
    done = sum(1 for m in milestones if m.done_on is not None)
    return done * 100 // len(milestones)


def attachment_or_404(user, idea_id, attachment_id):
    idea = idea_or_404(user, idea_id)
    found = idea.attachments.filter(pk=uuid_or_404(attachment_id)).first()
    if found is None:
        raise Http404
    return found


def similar_ideas(
    user, query: str, *, exclude=None, limit: int = similarity.LIMIT
) -> list[tuple[float, Idea]]:
    """Ideas like ``query`` among those the user can see (not removed or hidden), by
    character-bigram Jaccard over title + problem (``innovation.similarity``)."""
    qs = ideas_visible_to(user).filter(moderation=Moderation.VISIBLE)
    if exclude is not None:
        qs = qs.exclude(pk=exclude)
    candidates = qs.order_by("-submitted_at").only(
        "id", "title", "problem", "kind", "status", "support_count", "submitted_at", "organisation", "author"
    )[: similarity.CANDIDATES]
    return similarity.rank(query, candidates, limit=limit)


def review_queue(user) -> QuerySet:
    """Ideas in review the user may decide: in their MANAGE_INNOVATION scope or assigned."""
    return (
        Idea.objects.filter(permissions.review_queue_q(user), status=IdeaStatus.IN_REVIEW)
        .select_related("author", "organisation")
        .order_by("review_due_on", "submitted_at")
    )


def moderation_queue(user) -> QuerySet:
    return scoping.restrict(
        Idea.objects.filter(moderation=Moderation.HIDDEN).select_related("author", "organisation"),
        user,
        Action.MANAGE_INNOVATION,
    ).order_by("submitted_at")


def implementation_queue(user) -> QuerySet:
    return (
        scoping.restrict(
            Idea.objects.filter(status__in=ADOPTED_STATES).select_related("author", "organisation"),
            user,
            Action.MANAGE_INNOVATION,
        )
        .prefetch_related("milestones", "rewards")
        .order_by("-decided_at")
    )


def adopted_ideas_for(member: Member) -> QuerySet:
    """The member's adopted ideas (adopted or implemented), with their review and rewards —
    for the talent profile. Not scoped: the caller has already scoped ``member``."""
    return (
        Idea.objects.filter(author=member, status__in=ADOPTED_STATES)
        .exclude(moderation=Moderation.REMOVED)
        .select_related("review", "organisation")
        .prefetch_related("rewards", "milestones")
        .order_by("-decided_at")
    )


# ---- studios and alliances ----------------------------------------------------------------------


def studios_visible_to(user, action: str = Action.VIEW) -> QuerySet:
    return scoping.restrict(Studio.objects.select_related("organisation", "lead"), user, action)


def studio_list(user, *, status: str = "", level: str = "", q: str = "") -> QuerySet:
    qs = studios_visible_to(user)
    if status:
        qs = qs.filter(status=status)
    if level:
        qs = qs.filter(level=level)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(employer__icontains=q))
    return qs.order_by("name")


def studio_or_404(user, studio_id) -> Studio:
    try:
        return studios_visible_to(user).get(pk=studio_id)
    except (Studio.DoesNotExist, ValueError, TypeError, ValidationError):
        raise Http404 from None


def studio_detail(studio: Studio) -> Studio:
    return (
        Studio.objects.select_related("organisation", "lead")
        .prefetch_related(
            Prefetch("team", queryset=StudioMember.objects.select_related("member")),
            "achievements",
            "reviews",
            "funding",
            "alliances",
        )
        .get(pk=studio.pk)
    )


def studio_totals(studio: Studio) -> dict:
    savings = studio.achievements.aggregate(total=Sum("savings"))["total"] or Decimal("0")
    funding = studio.funding.aggregate(total=Sum("amount"))["total"] or Decimal("0")
    return {"savings": savings, "funding": funding}


@dataclass
class StudioWork:
    """One studio a member works in, for the talent profile."""

    studio: Studio
    role: str  # "lead" or "member"
    achievements: list = field(default_factory=list)

    @property
    def savings(self) -> Decimal:
        return sum((a.savings for a in self.achievements), Decimal("0"))


def studio_work_for(member: Member) -> list[StudioWork]:
    """Studios the member leads or is on the team of (not de-listed ones), with their
    achievements — for the talent profile. Not scoped: the caller has already scoped ``member``."""
    studios = (
        Studio.objects.filter(Q(lead=member) | Q(team__member=member))
        .exclude(status=StudioStatus.DELISTED)
        .distinct()
        .prefetch_related("achievements")
        .order_by("named_on")
    )
    return [
        StudioWork(
            studio=s,
            role="lead" if s.lead_id == member.pk else "member",
            achievements=list(s.achievements.all()),
        )
        for s in studios
    ]


def alliances_visible_to(user) -> QuerySet:
    """Alliances founded by a union in scope, or with a member studio owned by one."""
    return Alliance.objects.filter(permissions.alliances_q(user)).select_related("organisation")


def alliance_or_404(user, alliance_id) -> Alliance:
    try:
        return alliances_visible_to(user).get(pk=alliance_id)
    except (Alliance.DoesNotExist, ValueError, TypeError, ValidationError):
        raise Http404 from None


def alliance_detail(alliance: Alliance) -> Alliance:
    return (
        Alliance.objects.select_related("organisation")
        .prefetch_related(
            Prefetch(
                "memberships", queryset=AllianceMembership.objects.select_related("studio__organisation")
            ),
            "lead_terms__studio",
            "projects__studios",
        )
        .get(pk=alliance.pk)
    )


def current_lead(alliance: Alliance, on=None):
    from django.utils import timezone

    on = on or timezone.localdate()
    for term in alliance.lead_terms.all():
        if term.starts_on <= on < term.ends_on:
            return term
    return None


# ---- officer pickers ----------------------------------------------------------------------------


def member_picker(user, q: str, organisation: Organisation, limit: int = 10) -> list[Member]:
    """Up to ``limit`` members in membership of ``organisation``'s subtree matching ``q``
    (name, pinyin, member number…: ``members.selectors.search``), with their honours."""
    from django.db.models import prefetch_related_objects

    from gonghui.members import selectors as member_selectors

    q = (q or "").strip()[:60]
    if not q:
        return []
    found = [
        m
        for m in member_selectors.search(user, q, organisation=organisation)[: limit * 3]
        if m.status in IN_MEMBERSHIP
    ][:limit]
    prefetch_related_objects(found, "organisation", "honours")
    return found


def studio_choices(user, *, exclude_alliance: Alliance | None = None) -> QuerySet:
    """Studios the user may put in an alliance: in scope, not de-listed, not in it yet."""
    qs = studios_visible_to(user).exclude(status=StudioStatus.DELISTED)
    if exclude_alliance is not None:
        qs = qs.exclude(alliance_memberships__alliance=exclude_alliance)
    return qs.order_by("name")[:500]


def project_or_404(alliance: Alliance, project_id):
    found = JointProject.objects.filter(alliance=alliance, pk=uuid_or_404(project_id)).first()
    if found is None:
        raise Http404
    return found


def studio_by_id(user, studio_id) -> Studio | None:
    """A studio in scope by id (from a form), else ``None``."""
    try:
        return studios_visible_to(user).filter(pk=uuid_or_404(studio_id)).first()
    except Http404:
        return None


def user_for_expert(user_id="", username: str = ""):
    """The login chosen as an expert: by id (from the candidates list) or by username."""
    from django.contrib.auth import get_user_model

    User = get_user_model()
    if user_id:
        try:
            return User.objects.filter(pk=user_id).first()
        except (TypeError, ValueError, ValidationError):
            return None
    username = (username or "").strip()
    if not username:
        return None
    return User.objects.filter(**{f"{User.USERNAME_FIELD}__iexact": username}).first()
