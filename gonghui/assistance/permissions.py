"""Who may see and do what with hardship files and the 低保 table (docs/dev/permissions.md).
Built on ``organisations.scoping``; the services call the ``require_*`` functions, the pages
ask the ``can_*`` ones to show or hide a button.

A file belongs to the union of its head (the owning, usually grassroots, union): that union
screens it, visits the family, records payments, incomes and reviews, and closes or reopens it
(``manage_assistance``). Its upper union — the owning union's parent — approves it, puts it on
public notice and files it. The head themself applies for their household and may apply again
(reopen) when their file is closed. 404 when the file is not visible at all, 403 when it is
visible but the step is not the user's.
"""

from django.core.exceptions import PermissionDenied

from gonghui.assistance.models import Household
from gonghui.core import divisions
from gonghui.members.models import Member
from gonghui.organisations import scoping
from gonghui.organisations.models import Organisation

Action = scoping.Action


def upper_union(household: Household) -> Organisation:
    """The union that approves, publicises and files: the owning union's parent (a root union
    is its own upper union)."""
    return household.organisation.get_parent() or household.organisation


def is_head(user, member: Member) -> bool:
    """``user`` is this member themself (the head of a household applies for it)."""
    return user.is_authenticated and member.user_id == user.pk


def can_view(user, household: Household) -> bool:
    """The head themself, or ``view`` on the owning union."""
    return is_head(user, household.head) or scoping.can(user, Action.VIEW, household.organisation)


def require_read_documents(user, household: Household) -> None:
    """Reading a file's documents: ``view`` on the owning union, else 404. Unlike ``can_view``
    the head is not let through: they follow their file on their own page, which shows no
    documents."""
    scoping.require_object(user, Action.VIEW, household.organisation)


def can_manage(user, household: Household) -> bool:
    """The owning union's steps: ``manage_assistance`` on the file's union."""
    return scoping.can_object(user, Action.MANAGE_ASSISTANCE, household.organisation)


def require_manage(user, household: Household) -> None:
    scoping.require_object(user, Action.MANAGE_ASSISTANCE, household.organisation)


def can_upper_review(user, household: Household) -> bool:
    """The upper union's steps (审核, 公示, 建档): ``manage_assistance`` on the owning union's
    parent."""
    return scoping.can(user, Action.MANAGE_ASSISTANCE, upper_union(household))


def require_upper_review(user, household: Household) -> None:
    """403 for whoever sees the file but is not its upper union (the owning union itself
    included: nobody approves their own file); 404 for the rest."""
    if can_upper_review(user, household):
        return
    scoping.require_object(user, Action.VIEW, household.organisation)
    raise PermissionDenied


def can_reveal_card(user, household: Household) -> bool:
    return scoping.can_object(user, Action.REVEAL_PII, household.organisation)


def require_reveal_card(user, household: Household) -> None:
    """The full payout card number: ``reveal_pii`` on the owning union (admins)."""
    scoping.require_object(user, Action.REVEAL_PII, household.organisation)


def require_open(user, head: Member) -> None:
    """Opening a file: the head for their own household, or ``manage_assistance`` on the
    head's union; 404 when the head is not visible to the user."""
    scoping.require_object(user, Action.MANAGE_ASSISTANCE, head.organisation, personal=is_head(user, head))


def require_reopen(user, household: Household) -> None:
    """Reopening a closed file: the head applying again, or the owning union."""
    scoping.require_object(
        user, Action.MANAGE_ASSISTANCE, household.organisation, personal=is_head(user, household.head)
    )


def can_set_dibao(user, division_code: str) -> bool:
    """Admins (``manage_organisations``) of a union whose division covers the code; a
    national union (no division) covers every code."""
    if scoping.is_operator(user):
        return True
    chain = set(divisions.ancestors(division_code))
    return any(
        not org.division_code or org.division_code in chain
        for org in scoping.home_organisations(user, Action.MANAGE_ORGANISATIONS)
    )


def require_set_dibao(user, division_code: str) -> None:
    """The 低保 table is public: a division outside the user's unions is 403, not 404."""
    if not can_set_dibao(user, division_code):
        raise PermissionDenied
