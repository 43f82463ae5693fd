"""Scoped reads of the honours app (out of scope answers like missing: 404).

* Honours and nominees are scoped by their union (``organisation``): a union and every level
  above it see them; siblings see nothing.
* A nomination list is visible to users in the organiser's scope **and** to unions below the
  organiser (they recommend to it) — but those see only the nominees of their own subtree.
"""

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from gonghui.core.api import uuid_or_404
from gonghui.honours import permissions
from gonghui.honours.choices import ListStatus, NomineeStatus, ObjectionStatus
from gonghui.honours.models import Honour, NominationList, Nominee, Objection
from gonghui.organisations import scoping
from gonghui.organisations import selectors as org_selectors

Action = scoping.Action


# ---- honours ----------------------------------------------------------------------------


def honours_visible_to(user, action: str = Action.VIEW) -> QuerySet:
    return scoping.restrict(Honour.objects.all(), user, action, field="organisation")


def honour_list(
    user, *, q: str = "", organisation=None, kind: str = "", level: str = "", year=None
) -> QuerySet:
    qs = honours_visible_to(user).select_related("organisation", "member")
    if organisation is not None:
        qs = qs.filter(organisation__in=org_selectors.subtree(organisation))
    if kind:
        qs = qs.filter(kind=kind)
    if level:
        qs = qs.filter(level=level)
    if year:
        qs = qs.filter(year=year)
    if q:
        qs = qs.filter(Q(member__name__contains=q) | Q(team_name__contains=q) | Q(member__member_no=q))
    return qs.order_by("-year", "kind", "id")


def honour_or_404(user, honour_id) -> Honour:
    pk = uuid_or_404(honour_id)
    honour = (
        Honour.objects.select_related("organisation", "member__organisation", "nominee").filter(pk=pk).first()
    )
    if honour is None:
        raise Http404
    scoping.require(user, Action.VIEW, honour.organisation)
    return honour


def member_honours(member) -> QuerySet:
    """The honours of one member (for other apps: talent profile, competitions)."""
    return Honour.objects.filter(member=member).order_by("-year")


# ---- nomination lists -------------------------------------------------------------------


def nomination_lists_visible_to(user) -> QuerySet:
    """Lists organised in the user's scope or above it (``permissions.lists_q``)."""
    return NominationList.objects.filter(permissions.lists_q(user))


def nomination_list_list(user, *, status: str = "", year=None) -> QuerySet:
    qs = nomination_lists_visible_to(user).select_related("organiser")
    if status:
        qs = qs.filter(status=status)
    if year:
        qs = qs.filter(year=year)
    # Only the nominees the user may see are counted (a union below the organiser must not
    # learn how many its sibling branches recommended).
    on_list = Q(nominees__status__in=[NomineeStatus.IN_REVIEW, NomineeStatus.ACCEPTED])
    in_scope = scoping.org_q(user, Action.VIEW, field="nominees__organisation")
    return qs.annotate(nominee_count=Count("nominees", filter=on_list & in_scope)).order_by(
        "-year", "-created_at"
    )


def nomination_list_or_404(user, list_id) -> NominationList:
    pk = uuid_or_404(list_id)
    nl = nomination_lists_visible_to(user).select_related("organiser").filter(pk=pk).first()
    if nl is None:
        raise Http404
    return nl


def nominees_visible_to(user, nomination_list: NominationList) -> QuerySet:
    return scoping.restrict(
        Nominee.objects.filter(nomination_list=nomination_list), user, Action.VIEW, field="organisation"
    ).select_related("organisation", "recommended_by_org", "current_org", "member")


def nominee_or_404(user, nominee_id) -> Nominee:
    pk = uuid_or_404(nominee_id)
    n = (
        Nominee.objects.select_related(
            "organisation", "recommended_by_org", "current_org", "nomination_list__organiser", "member"
        )
        .filter(pk=pk)
        .first()
    )
    if n is None:
        raise Http404
    scoping.require(user, Action.VIEW, n.organisation)
    return n


def nominee_timeline(nominee: Nominee) -> QuerySet:
    return nominee.reviews.select_related("organisation", "actor")


def objections_for(user, nomination_list: NominationList) -> QuerySet:
    """The objections to a list: for the organiser's scope only (officers and supervision)."""
    if not permissions.can_see_whole_list(user, nomination_list):
        return Objection.objects.none()
    return nomination_list.objections.select_related("nominee", "decided_by")


def objection_or_404(user, objection_id) -> Objection:
    pk = uuid_or_404(objection_id)
    o = Objection.objects.select_related("nomination_list__organiser", "nominee").filter(pk=pk).first()
    if o is None:
        raise Http404
    scoping.require(user, Action.VIEW, o.nomination_list.organiser)
    return o


# ---- public notice ----------------------------------------------------------------------


def public_notices() -> QuerySet:
    """Lists whose notice is running or over (shown until approved or cancelled)."""
    return (
        NominationList.objects.filter(status=ListStatus.PUBLICITY, publicity_start__lte=timezone.localdate())
        .select_related("organiser")
        .order_by("-publicity_start")
    )


def public_notice_or_404(list_id) -> NominationList:
    """A list on public notice (or approved after one), for anyone; else 404."""
    pk = uuid_or_404(list_id)
    nl = (
        NominationList.objects.select_related("organiser")
        .filter(
            pk=pk,
            status__in=[ListStatus.PUBLICITY, ListStatus.APPROVED],
            publicity_start__lte=timezone.localdate(),
        )
        .first()
    )
    if nl is None:
        raise Http404
    return nl


def public_nominees(nomination_list: NominationList) -> QuerySet:
    """What the notice shows: name, union, employer — no ID number, no phone."""
    return (
        Nominee.objects.filter(nomination_list=nomination_list, status=NomineeStatus.ACCEPTED)
        .select_related("organisation")
        .only("id", "display_name", "employer", "team_name", "deeds", "organisation__name")
        .order_by("created_at")
    )


def pending_objections(user) -> QuerySet:
    """Objections not yet decided, to lists organised in the user's supervision
    (``supervise``) scope, the earliest deadline first: a supervisor's queue."""
    return (
        scoping.restrict(
            Objection.objects.filter(status__in=[ObjectionStatus.RECEIVED, ObjectionStatus.INVESTIGATING]),
            user,
            Action.SUPERVISE,
            field="nomination_list__organiser",
        )
        .select_related("nomination_list__organiser", "nominee")
        .order_by("due_on", "submitted_at")
    )
