"""Who may do what in the honours app (docs/dev/permissions.md, docs/modules/honours.md §6),
built on ``scoping``. Services call the ``require_*`` functions before they write; pages and
endpoints ask the ``can_*`` ones to show or hide a button.

What each object's visibility is (the 404 / 403 line):

* an honour, a nominee: its union's scope (``organisation``) — the union and every level above;
* a nomination list: the organiser's scope **and** every union below the organiser (they
  recommend to it) — :func:`lists_q`;
* an objection: the organiser's scope.

Not visible → 404, like a missing object; visible but not allowed → 403.
"""

from django.db.models import Q

from gonghui.core import web
from gonghui.honours.choices import ListStatus, NomineeStatus
from gonghui.honours.models import NominationList, Nominee, Objection
from gonghui.organisations import scoping
from gonghui.organisations.models import Organisation

Action = scoping.Action


# ---- anywhere -------------------------------------------------------------------------------


def can_manage_somewhere(user) -> bool:
    """Holds ``manage_honours`` on some union: may open the forms that record an honour or
    open a nomination list (the union is chosen on the form, and checked when it is sent)."""
    return scoping.has_any(user, Action.MANAGE_HONOURS)


# Pages that record or register something in a union chosen on the form: signed in (else the
# sign-in page) and managing honours somewhere (else 403); the union is checked when sent.
manager_required = web.requires(can_manage_somewhere)


# ---- the registry ---------------------------------------------------------------------------


def require_grant(user, organisation: Organisation) -> None:
    """Record an honour filed by ``organisation``: ``manage_honours`` there."""
    scoping.require_object(user, Action.MANAGE_HONOURS, organisation)


# ---- nomination lists -----------------------------------------------------------------------


def _paths_above_scope(user) -> list[str]:
    """Paths of every organisation on the way down to the user's scope roots (the roots
    included): a list organised there is open to the user."""
    step = Organisation.steplen
    return sorted(
        {
            root[:end]
            for root in scoping.root_paths(user, Action.VIEW)
            for end in range(step, len(root) + 1, step)
        }
    )


def lists_q(user) -> Q:
    """The nomination lists ``user`` sees: organised in their scope, or above it (a union
    recommends to the lists of the unions above it)."""
    if scoping.is_operator(user):
        return Q()
    if not scoping.root_paths(user, Action.VIEW):
        return Q(pk__in=[])
    return scoping.org_q(user, Action.VIEW, field="organiser") | Q(
        organiser__path__in=_paths_above_scope(user)
    )


def can_see_list(user, nomination_list: NominationList) -> bool:
    return scoping.can(
        user, Action.VIEW, nomination_list.organiser
    ) or nomination_list.organiser.path in _paths_above_scope(user)


def can_see_whole_list(user, nomination_list: NominationList) -> bool:
    """The organiser's scope sees every nominee, the quota counts and the objections; the
    unions below see only their own subtree's nominees (counts would tell them how many their
    sibling branches recommended)."""
    return scoping.can(user, Action.VIEW, nomination_list.organiser)


def require_see_whole_list(user, nomination_list: NominationList) -> None:
    """403 for a union below the organiser (it sees the list, not the whole of it)."""
    if not can_see_whole_list(user, nomination_list):
        scoping.refuse(can_see_list(user, nomination_list))


def require_create_list(user, organiser: Organisation) -> None:
    """Open a selection round organised by ``organiser``: ``manage_honours`` there."""
    scoping.require_object(user, Action.MANAGE_HONOURS, organiser)


def can_manage_list(user, nomination_list: NominationList) -> bool:
    """The organiser's managers: quotas, 公示, striking off, approval, cancelling."""
    return scoping.can(user, Action.MANAGE_HONOURS, nomination_list.organiser)


def require_manage_list(user, nomination_list: NominationList) -> None:
    if not can_manage_list(user, nomination_list):
        scoping.refuse(can_see_list(user, nomination_list))


def require_recommend(user, recommending_org: Organisation) -> None:
    """Recommend on behalf of ``recommending_org``: ``manage_honours`` there."""
    scoping.require_object(user, Action.MANAGE_HONOURS, recommending_org)


# ---- nominees -------------------------------------------------------------------------------


def can_see_nominee(user, nominee: Nominee) -> bool:
    return scoping.can(user, Action.VIEW, nominee.organisation)


def can_review(user, nominee: Nominee) -> bool:
    """It is the nominee's turn at a level the user manages (a level above may act for it),
    while the list is being built: pass on or return."""
    return (
        nominee.status == NomineeStatus.IN_REVIEW
        and nominee.current_org is not None
        and nominee.nomination_list.status == ListStatus.BUILDING
        and scoping.can(user, Action.MANAGE_HONOURS, nominee.current_org)
    )


def require_review(user, nominee: Nominee) -> None:
    """``manage_honours`` on the level the nominee waits at (the caller checks it waits at
    all); a level below that one sees the nominee and gets 403."""
    if nominee.current_org is None or not scoping.can(user, Action.MANAGE_HONOURS, nominee.current_org):
        scoping.refuse(can_see_nominee(user, nominee))


def can_manage_nomination(user, nominee: Nominee) -> bool:
    """The recommending union (or a level above it) resubmits or withdraws its nominee."""
    return scoping.can(user, Action.MANAGE_HONOURS, nominee.recommended_by_org)


def require_manage_nomination(user, nominee: Nominee) -> None:
    if not can_manage_nomination(user, nominee):
        scoping.refuse(can_see_nominee(user, nominee))


def require_strike(user, nominee: Nominee) -> None:
    """Strike a nominee off a list on notice: the organiser's managers."""
    if not can_manage_list(user, nominee.nomination_list):
        scoping.refuse(can_see_nominee(user, nominee))


# ---- objections -----------------------------------------------------------------------------


def can_supervise(user, nomination_list: NominationList) -> bool:
    """Supervision (``supervise``) of the organiser decides objections; officers and admins do
    not judge objections to their own lists."""
    return scoping.can(user, Action.SUPERVISE, nomination_list.organiser)


def require_supervise(user, objection: Objection) -> None:
    """Decide an objection or read its contact: ``supervise`` on the list's organiser."""
    scoping.require_object(user, Action.SUPERVISE, objection.nomination_list.organiser)


# ---- the 劳模进校园 ledger --------------------------------------------------------------------


def require_manage_visits(user, organisation: Organisation) -> None:
    """Record a school visit organised by ``organisation``: ``manage_honours`` there."""
    scoping.require_object(user, Action.MANAGE_HONOURS, organisation)


def can_manage_visit(user, visit) -> bool:
    return scoping.can(user, Action.MANAGE_HONOURS, visit.organisation)


def require_manage_visit(user, visit) -> None:
    """Change, delete or add a photo to a visit: ``manage_honours`` on its organiser (a viewer
    there gets 403, a sibling branch 404)."""
    scoping.require_object(user, Action.MANAGE_HONOURS, visit.organisation)
