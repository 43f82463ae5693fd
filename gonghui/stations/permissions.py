"""Who may do what with stations, their repair tickets and suggested sites
(docs/dev/permissions.md), built on ``organisations.scoping``. Services call ``require_<verb>``
before they change anything; views and templates ask ``can_<verb>`` only to show a button or a
form; nothing else in the app decides rights or compares organisation paths.

A station's keeper (``Station.keeper``) holds a personal right over that one station — status,
weekly hours, special days, photos, "verified today", the check-in code and its repair tickets —
whatever roles they hold. Officers with ``manage_stations`` on the owning union's subtree may do
all of that and edit the station itself. As everywhere: a station (ticket, suggestion) the user
cannot see at all answers 404, like a missing one; one they see but may not act on answers 403.
"""

from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from gonghui.organisations import scoping

Action = scoping.Action


def signed_in(user) -> bool:
    """``user`` is a signed-in person (not anonymous, not None for the system or a script)."""
    return user is not None and user.is_authenticated


def is_keeper(user, station) -> bool:
    """``user`` keeps ``station``: a personal right, whatever roles they hold."""
    return signed_in(user) and station.keeper_id == user.pk


# --- one station --------------------------------------------------------------------------------


def can_see(user, station) -> bool:
    """The non-public view of one station (its usage, the officers' API details): its keeper,
    or a role that reads the owning union's records."""
    return is_keeper(user, station) or scoping.can(user, Action.VIEW, station.organisation)


def require_see(user, station) -> None:
    """404 unless :func:`can_see`: outside one's scope a station's private side does not exist."""
    if not can_see(user, station):
        raise Http404


def can_keep(user, station) -> bool:
    """Keep the station up to date (status, hours, special days, photos, verification, the
    check-in code): its keeper, or an officer who manages the owning union."""
    return scoping.can_object(
        user, Action.MANAGE_STATIONS, station.organisation, personal=is_keeper(user, station)
    )


def require_keep(user, station) -> None:
    """:func:`can_keep`, else 403 when the station is visible to ``user`` (a viewer of its
    union) and 404 when it is not (another keeper, a member, a sibling branch)."""
    scoping.require_object(
        user, Action.MANAGE_STATIONS, station.organisation, personal=is_keeper(user, station)
    )


def can_manage(user, station) -> bool:
    """Edit the station itself and name its keeper: officers with ``manage_stations`` there."""
    return scoping.can(user, Action.MANAGE_STATIONS, station.organisation)


def require_manage(user, station) -> None:
    """:func:`can_manage`, else 403 when ``user`` sees the station (its keeper, a viewer of its
    union) and 404 when they do not."""
    if is_keeper(user, station) and not can_manage(user, station):
        raise PermissionDenied
    scoping.require_object(user, Action.MANAGE_STATIONS, station.organisation)


def require_manage_in(user, organisation) -> None:
    """Create a station owned by ``organisation`` (404 outside the scope, 403 with a role there
    that may not)."""
    scoping.require_object(user, Action.MANAGE_STATIONS, organisation)


def can_manage_somewhere(user) -> bool:
    """Holds ``manage_stations`` somewhere: the "New station" button, the import pages."""
    return scoping.has_any(user, Action.MANAGE_STATIONS)


def require_manage_somewhere(user) -> None:
    """Create or import stations at all (403 without ``manage_stations`` anywhere)."""
    if not can_manage_somewhere(user):
        raise PermissionDenied


def require_export_subtree(user) -> None:
    """Export the stations of one's own subtree, inactive and closed ones included (403 without
    a role that reads records somewhere; the public export needs nothing)."""
    if not scoping.has_any(user, Action.VIEW):
        raise PermissionDenied


# --- repair tickets -----------------------------------------------------------------------------


def can_see_ticket(user, ticket) -> bool:
    """A ticket with its timeline and masked contact: the station's keeper, or a role that reads
    the owning union's records."""
    return is_keeper(user, ticket.station) or scoping.can(user, Action.VIEW, ticket.organisation)


def can_handle(user, ticket) -> bool:
    """Acknowledge, resolve or reject a ticket: the station's keeper, or an officer who manages
    the owning union."""
    return scoping.can_object(
        user, Action.MANAGE_STATIONS, ticket.organisation, personal=is_keeper(user, ticket.station)
    )


def require_handle(user, ticket) -> None:
    """:func:`can_handle`, else 403 when the ticket is visible to ``user`` and 404 when not."""
    scoping.require_object(
        user, Action.MANAGE_STATIONS, ticket.organisation, personal=is_keeper(user, ticket.station)
    )


# --- suggested sites ----------------------------------------------------------------------------


def can_review(user, suggestion) -> bool:
    """Accept (create the station) or decline a suggested site: officers with
    ``manage_stations`` on the union it was routed to."""
    return scoping.can(user, Action.MANAGE_STATIONS, suggestion.organisation)


def require_review(user, suggestion) -> None:
    """:func:`can_review`, else 403 when the suggestion is visible to ``user`` and 404 when not."""
    scoping.require_object(user, Action.MANAGE_STATIONS, suggestion.organisation)


# --- the tree, for selectors -------------------------------------------------------------------


def below(organisation, *, field: str = "organisation") -> Q:
    """Rows whose ``field`` (a lookup path to an organisation) is ``organisation`` or below it:
    a union a person chose to narrow a list to, applied to rows already scoped (or public)."""
    return Q(**{f"{field}__path__startswith": organisation.path})


def sees_path(user) -> Callable[[str], bool]:
    """A test ``path → bool``: whether ``user`` reads the records of the organisation at that
    materialised path (``view``), for labelling many rows read as plain values (an import's
    near duplicates) without a query per row."""
    if scoping.is_operator(user):
        return lambda path: True
    roots = tuple(scoping.root_paths(user, Action.VIEW))
    return lambda path: bool(roots) and path.startswith(roots)
