"""Who may do what with organisations and roles, and who counts as an officer for the pages
(docs/dev/permissions.md). Built on ``scoping``; services and views ask here."""

from gonghui.core import web
from gonghui.organisations import scoping


def is_officer(user) -> bool:
    """Holds a role that reads other people's records somewhere (or is an operator)."""
    return scoping.has_any(user, scoping.Action.VIEW)


# Officer pages: signed in (else the sign-in page) and an officer somewhere (else 403).
officer_required = web.requires(is_officer)
