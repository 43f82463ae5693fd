"""Who may see and do what in the innovation app (docs/dev/permissions.md,
docs/modules/innovation.md), built on ``scoping``. Services call the ``require_*`` functions
before they write; pages and endpoints ask the ``can_*`` ones to show or hide a button.

Who sees what (the 404 / 403 line):

* a 五小 idea: officers of its union's scope (hidden and removed ones included: they
  moderate); the members of its **community** — every union under the same city federation
  (市总工会) as the member's own union, or the member's union alone when no city federation is
  above it — hidden and removed ideas left out except the member's own; and the experts
  assigned to it (:func:`ideas_q`);
* a studio: its owning union's scope;
* an alliance: the founding union's scope, and the scope of any of its member studios
  (:func:`alliances_q`).

Not visible → 404, like a missing object; visible but not allowed → 403.
"""

from django.db.models import Q
from django.http import Http404

from gonghui.core import web
from gonghui.innovation.choices import Moderation
from gonghui.innovation.models import Alliance, AllianceMembership, Idea, IdeaExpert, Studio
from gonghui.members.choices import IN_MEMBERSHIP
from gonghui.members.models import Member
from gonghui.organisations import scoping
from gonghui.organisations.choices import Kind
from gonghui.organisations.models import Organisation

Action = scoping.Action


# ---- who is asking --------------------------------------------------------------------------


def member_for(user) -> Member | None:
    """The member record linked to ``user`` (cached on the user for the request); None for
    the system (``None``), an anonymous visitor or a login without one."""
    if user is None or not user.is_authenticated:
        return None
    if not hasattr(user, "_innovation_member"):
        user._innovation_member = (
            Member.objects.select_related("organisation").filter(user_id=user.pk).first()
        )
    return user._innovation_member


def active_member_for(user) -> Member | None:
    """:func:`member_for`, when the member is in membership (submits, supports, reports)."""
    member = member_for(user)
    return member if member is not None and member.status in IN_MEMBERSHIP else None


# ---- ideas ----------------------------------------------------------------------------------


def community_root(organisation: Organisation) -> Organisation:
    """The union whose subtree is an idea community: the nearest city federation (kind
    ``city``) at or above ``organisation``, else ``organisation`` itself."""
    cached = getattr(organisation, "_innovation_community", None)
    if cached is None:
        if organisation.kind == Kind.CITY:
            cached = organisation
        else:
            cached = (
                organisation.get_ancestors().filter(kind=Kind.CITY).order_by("-depth").first() or organisation
            )
        organisation._innovation_community = cached
    return cached


def in_community(member: Member, organisation: Organisation) -> bool:
    """``organisation`` (an idea's union) is in ``member``'s idea community."""
    return community_root(member.organisation).contains(organisation)


def _assigned_q(user) -> Q:
    return Q(pk__in=IdeaExpert.objects.filter(user_id=user.pk).values("idea_id"))


def ideas_q(user) -> Q | None:
    """The ideas ``user`` sees (see the module's docstring); None for none at all."""
    if scoping.is_operator(user):
        return Q()
    q = Q(pk__in=[])
    seen = False
    if scoping.root_paths(user, Action.VIEW):
        q, seen = q | scoping.org_q(user, Action.VIEW, field="organisation"), True
    member = member_for(user)
    if member is not None:
        community = Q(organisation__path__startswith=community_root(member.organisation).path)
        q, seen = q | (community & Q(moderation=Moderation.VISIBLE)) | Q(author=member), True
    if user.is_authenticated:
        q, seen = q | _assigned_q(user), True
    return q if seen else None


def review_queue_q(user) -> Q:
    """The ideas whose review ``user`` may decide: in their ``manage_innovation`` scope, or
    assigned to them as an expert."""
    q = scoping.org_q(user, Action.MANAGE_INNOVATION, field="organisation")
    return q | _assigned_q(user) if user.is_authenticated else q


def can_see_idea(user, idea: Idea) -> bool:
    q = ideas_q(user)
    return q is not None and Idea.objects.filter(q, pk=idea.pk).exists()


def is_assigned_expert(user, idea: Idea) -> bool:
    return user.is_authenticated and IdeaExpert.objects.filter(idea=idea, user_id=user.pk).exists()


def can_manage_idea(user, idea: Idea) -> bool:
    """Send to review, assign experts, record milestones and rewards, moderate: officers with
    ``manage_innovation`` on the idea's union."""
    return scoping.can(user, Action.MANAGE_INNOVATION, idea.organisation)


def require_manage_idea(user, idea: Idea) -> None:
    if not can_manage_idea(user, idea):
        scoping.refuse(can_see_idea(user, idea))


def can_review_idea(user, idea: Idea) -> bool:
    """Decide an idea in review: its managers, or an expert assigned to it."""
    return can_manage_idea(user, idea) or is_assigned_expert(user, idea)


def require_review_idea(user, idea: Idea) -> None:
    if not can_review_idea(user, idea):
        scoping.refuse(can_see_idea(user, idea))


def require_take_part(member: Member, idea: Idea) -> None:
    """Support or report an idea: a member of its community (or its author, who hears
    ``own_idea`` from the service); to anyone else the idea does not exist (404)."""
    if idea.author_id != member.pk and not in_community(member, idea.organisation):
        raise Http404


# ---- studios and alliances ------------------------------------------------------------------


def can_manage_somewhere(user) -> bool:
    """Holds ``manage_innovation`` on some union: may open the forms that register a studio
    or found an alliance (the union is chosen on the form, and checked when it is sent)."""
    return scoping.has_any(user, Action.MANAGE_INNOVATION)


# Pages that record or register something in a union chosen on the form: signed in (else the
# sign-in page) and managing innovation somewhere (else 403); the union is checked when sent.
manager_required = web.requires(can_manage_somewhere)


def can_manage_in(user, organisation: Organisation) -> bool:
    return scoping.can(user, Action.MANAGE_INNOVATION, organisation)


def require_manage_in(user, organisation: Organisation) -> None:
    """Register a studio or found an alliance owned by ``organisation``, move a studio to it,
    set its idea thresholds: ``manage_innovation`` there."""
    scoping.require_object(user, Action.MANAGE_INNOVATION, organisation)


def can_see_studio(user, studio: Studio) -> bool:
    return scoping.can(user, Action.VIEW, studio.organisation)


def can_manage_studio(user, studio: Studio) -> bool:
    return can_manage_in(user, studio.organisation)


def require_manage_studio(user, studio: Studio) -> None:
    """Edit a studio, its team, achievements, reviews, funding, status."""
    require_manage_in(user, studio.organisation)


def can_see_member(user, member: Member) -> bool:
    """A member ``user`` may name as a studio's lead or team member."""
    return scoping.can(user, Action.VIEW, member.organisation)


def alliances_q(user) -> Q:
    """Alliances founded by a union in ``user``'s scope, or with a member studio owned by one."""
    if scoping.is_operator(user):
        return Q()
    if not scoping.root_paths(user, Action.VIEW):
        return Q(pk__in=[])
    via_studios = AllianceMembership.objects.filter(
        scoping.org_q(user, Action.VIEW, field="studio__organisation")
    ).values("alliance_id")
    return scoping.org_q(user, Action.VIEW, field="organisation") | Q(pk__in=via_studios)


def can_see_alliance(user, alliance: Alliance) -> bool:
    return Alliance.objects.filter(alliances_q(user), pk=alliance.pk).exists()


def can_manage_alliance(user, alliance: Alliance) -> bool:
    return can_manage_in(user, alliance.organisation)


def require_manage_alliance(user, alliance: Alliance) -> None:
    """Edit an alliance, its member studios, lead terms and joint projects: the founding
    union's managers; a member studio's union sees the alliance and gets 403."""
    if not can_manage_alliance(user, alliance):
        scoping.refuse(can_see_alliance(user, alliance))
