"""Who may see, organise and sign up for activities, on top of scoping (docs/dev/permissions.md,
docs/modules/activities.md).

- Organising (create, edit, publish, cancel, see and export sign-ups): ``manage_activities`` on
  the activity's organising union (a role there or above).
- Seeing a published activity: ``signed_in`` ones anyone (the public pages list them; signing
  up needs an account); ``members`` ones the members of the target unions (in membership) and
  the officers who can view the organising union. Drafts: only their organisers.
- Signing up: seeing it, and for ``members`` being one of those members. An officer who sees a
  members-only activity without being such a member gets 403 ``members_only``; anyone else who
  cannot see it gets 404, like a missing activity.
"""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from gonghui.activities.choices import Audience, Status
from gonghui.members.choices import IN_MEMBERSHIP
from gonghui.members.selectors import own_member
from gonghui.organisations import scoping
from gonghui.organisations.scoping import Action


class MembersOnly(PermissionDenied):
    """The caller sees the activity (an officer in scope) but is not one of the members it is
    for: 403 with code ``members_only``."""

    code = "members_only"

    def __init__(self):
        super().__init__(_("This activity is for members of the unions it is organised for."))


def signed_in(user) -> bool:
    return user is not None and user.is_authenticated


def can_manage(user, organisation) -> bool:
    return scoping.can(user, Action.MANAGE_ACTIVITIES, organisation)


def require_manage(user, organisation) -> None:
    """404 when the union is not visible to ``user``, 403 when they may not organise there."""
    scoping.require_object(user, Action.MANAGE_ACTIVITIES, organisation)


def member_for(user, activity):
    """The user's member record when it makes them one of the members ``activity`` is for
    (in membership, in the organiser's subtree or a target's), else None."""
    member = own_member(user) if signed_in(user) else None
    if member is None or member.status not in IN_MEMBERSHIP:
        return None
    targets = list(activity.targets.all()) or [activity.organisation]
    if any(target.contains(member.organisation) for target in targets):
        return member
    return None


def can_view(user, activity) -> bool:
    if can_manage(user, activity.organisation):
        return True
    if activity.status == Status.DRAFT:
        return False
    if activity.audience == Audience.SIGNED_IN:
        return True
    return scoping.can(user, Action.VIEW, activity.organisation) or member_for(user, activity) is not None


def require_view(user, activity) -> None:
    if not can_view(user, activity):
        raise_not_found()


def require_signup(user, activity):
    """The member record to sign up with (None for an account without one, on a ``signed_in``
    activity). 404 when the activity is not visible; 403 ``members_only`` when it is visible but
    not open to the caller."""
    require_view(user, activity)
    member = member_for(user, activity)
    if activity.audience == Audience.MEMBERS and member is None:
        raise MembersOnly
    return member


def raise_not_found():
    scoping.refuse(visible=False)
