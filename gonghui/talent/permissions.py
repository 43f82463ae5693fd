"""Which sources of a talent profile a reader may open (docs/modules/talent.md), built on
``scoping``.

Who reads a profile is the member record's rule: officers whose ``view`` scope covers the
member's union, and the member themself — ``members.selectors.member_or_404`` fetches the
member under it (404 for everyone else). Each component links to its source record; on the
member's own page only the pages members have are linked (their ideas, competition results),
on an officer's every source page.
"""

from gonghui.organisations import scoping
from gonghui.talent.rubric import SOURCES

# Sources a member can open from their own profile (the others are officers' pages).
MEMBER_PAGES = frozenset({"idea", "result"})


def is_own_profile(user, member) -> bool:
    return user.is_authenticated and member.user_id == user.pk


def linked_sources(user, member, *, own_page: bool) -> frozenset[str]:
    """The kinds of source whose records ``member``'s profile links to for ``user``: members'
    pages on the member's own page (``/talent/me/``) and wherever the reader reaches the
    profile only as its member; every source for an officer whose scope covers the member."""
    if not own_page and scoping.can(user, scoping.Action.VIEW, member.organisation):
        return SOURCES
    return MEMBER_PAGES if is_own_profile(user, member) else frozenset()
