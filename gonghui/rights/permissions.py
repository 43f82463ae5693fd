"""Who may see and act on requests (诉求), their transfers, legal-aid cases and practical needs
(docs/dev/permissions.md). Built on ``scoping``: services call ``require_<verb>`` first,
templates ask ``can_<verb>``; views and endpoints decide nothing themselves.

A request is seen by more people than may act on it: the unions in whose scope it is held,
the union a pending transfer offers it to (to decide), and the worker who filed it (to follow
and rate it). Acting on it — ``handle_requests`` — belongs to the unions over the one holding
it. So an action refused to someone who sees the request is 403; to anyone else it is 404, as
for a request that does not exist.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q

from gonghui.organisations import scoping
from gonghui.organisations.models import Organisation
from gonghui.rights.choices import TransferStatus
from gonghui.rights.models import Request, RequestTransfer

Action = scoping.Action


def is_own(user, req: Request) -> bool:
    """``user`` filed the request: signed in when filing, or the member it was filed for.
    ``user`` None: the system, or the demo loader."""
    if user is None or not user.is_authenticated:
        return False
    return req.user_id == user.pk or (req.member_id is not None and req.member.user_id == user.pk)


def files_for_themself(user, member) -> bool:
    """A signed-in ``user`` filing a request is the worker it is for — the request is then
    theirs to follow (:func:`is_own`) — unless they are an officer taking a call for someone
    else without a member record. ``user`` None: a request entered by the system."""
    if user is None or not user.is_authenticated:
        return False
    if member is not None and member.user_id == user.pk:
        return True
    return not scoping.has_any(user, Action.HANDLE_REQUESTS)


def can_see(user, req: Request) -> bool:
    """The request is visible to ``user``: held in their scope, offered to a union in their
    scope by a pending transfer, or their own (``selectors.request_or_404`` finds the same)."""
    if scoping.can(user, Action.VIEW, req.organisation) or is_own(user, req):
        return True
    pending = req.transfers.filter(status=TransferStatus.PENDING).select_related("to_organisation")
    return any(scoping.can(user, Action.VIEW, t.to_organisation) for t in pending)


def can_handle(user, req: Request) -> bool:
    """Accept, class, transfer, escalate, close and follow up the request, record wages
    recovered and legal-aid details: ``handle_requests`` on the union holding it."""
    return scoping.can(user, Action.HANDLE_REQUESTS, req.organisation)


def require_handle(user, req: Request) -> None:
    """:func:`can_handle`, else 403 when the request is visible to ``user`` (a viewer, the
    union a transfer is offered to, the worker who filed it) and 404 when it is not. Checked
    before the input, so someone who may not act learns nothing from validation errors."""
    if not can_handle(user, req) and can_see(user, req):
        raise PermissionDenied  # seen through a transfer or as its filer, like a viewer
    scoping.require_object(user, Action.HANDLE_REQUESTS, req.organisation)


def can_decide(user, transfer: RequestTransfer) -> bool:
    """Accept or refuse a transfer: ``handle_requests`` on the union it is offered to."""
    return scoping.can(user, Action.HANDLE_REQUESTS, transfer.to_organisation)


def require_decide(user, transfer: RequestTransfer) -> None:
    """:func:`can_decide`, else 403 when either union of the transfer is visible to ``user``
    (``selectors.transfer_or_404`` shows it to both) and 404 when neither is."""
    if not can_decide(user, transfer) and scoping.can(user, Action.VIEW, transfer.from_organisation):
        raise PermissionDenied  # the sending union sees the transfer it proposed
    scoping.require_object(user, Action.HANDLE_REQUESTS, transfer.to_organisation)


def require_open_case(user, organisation: Organisation) -> None:
    """An officer opening a case for their own area (the case endpoints): the union the case
    is routed to must be one they handle requests for — 404 outside their scope, 403 without
    the right."""
    scoping.require(user, Action.HANDLE_REQUESTS, organisation)


def can_manage_need(user, organisation: Organisation) -> bool:
    """Add practical needs of ``organisation`` and update their progress and rating."""
    return scoping.can(user, Action.HANDLE_REQUESTS, organisation)


def require_manage_need(user, organisation: Organisation) -> None:
    """:func:`can_manage_need`, else 403 when the union is visible to ``user`` and 404 when it
    is not."""
    scoping.require_object(user, Action.HANDLE_REQUESTS, organisation)


def held_within(organisation: Organisation, field: str = "organisation") -> Q:
    """Rows whose union (``field``) is ``organisation`` or one below it, for a union's own
    figures and filters (not a right: callers restrict to the user's scope first). A subtree
    is one prefix match on the materialised path (ADR 0002)."""
    return Q(**{f"{field}__path__startswith": organisation.path})
