"""Who may do what with members, transfers, imports and exports (docs/dev/permissions.md).

Built on ``organisations.scoping``: a role over a union covers its members. On top of that,
the rules of this app's objects: a member acts on their own transfers; both unions of a
transfer see it, each acting on its own side; an import batch and an export job are their
creator's. Services call ``require_<verb>`` before they change anything (404 when the object
is not visible to the caller at all, 403 when it is but the caller may not do this); pages
ask ``can_<verb>`` to show a button or not. The subtree filters of this app's queries are
here too, so that nothing else compares organisation paths.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from gonghui.members.choices import TransferStatus
from gonghui.organisations import scoping
from gonghui.organisations.models import Organisation

Action = scoping.Action


# ---- subtrees ------------------------------------------------------------------------------


def in_subtrees(paths, *, field: str = "organisation") -> Q:
    """Rows whose union (``field``, ``""`` for an Organisation itself) lies in the subtree of
    one of ``paths``; no path selects nothing."""
    prefix = f"{field}__" if field else ""
    q = Q(pk__in=[])
    for path in paths:
        q |= Q(**{f"{prefix}path__startswith": path})
    return q


def in_subtree(organisation: Organisation, *, field: str = "organisation") -> Q:
    """Rows whose union is ``organisation`` or below it (statistics and filters of one union)."""
    return Q(**{f"{field}__path__startswith" if field else "path__startswith": organisation.path})


def scope_roots(user, organisation: Organisation | None = None) -> dict[str, object]:
    """``{path: id}`` of the unions whose (disjoint) subtrees make up the members ``user``
    sees, narrowed to ``organisation``'s subtree when given. No query for an officer (the
    grants are loaded once per request); one for an operator without an organisation."""
    if scoping.is_operator(user):
        if organisation is not None:
            return {organisation.path: organisation.pk}
        return dict(Organisation.objects.filter(depth=1).values_list("path", "pk"))
    roots = scoping.root_ids(user, Action.VIEW)
    if organisation is None:
        return roots
    if scoping.can(user, Action.VIEW, organisation):
        return {organisation.path: organisation.pk}
    return {path: pk for path, pk in roots.items() if path.startswith(organisation.path)}


# ---- members -------------------------------------------------------------------------------


def is_own(user, member) -> bool:
    """``member`` is the signed-in user's own membership."""
    return user.is_authenticated and member.user_id == user.pk


def can_view(user, member) -> bool:
    """Open the member's record: their own, or ``view`` on their union."""
    return is_own(user, member) or scoping.can(user, Action.VIEW, member.organisation)


def can_manage(user, member) -> bool:
    """Edit the record, change its 会籍, link a login (``manage_members`` on its union)."""
    return scoping.can(user, Action.MANAGE_MEMBERS, member.organisation)


def can_reveal(user, member) -> bool:
    """See the clear ID number or phone, with a reason (``reveal_pii`` on its union)."""
    return scoping.can(user, Action.REVEAL_PII, member.organisation)


def can_record_dues(user, member) -> bool:
    return scoping.can(user, Action.DUES, member.organisation)


def can_transfer(user, member) -> bool:
    """An officer of the member's union asks for a transfer on the member's behalf."""
    return scoping.can(user, Action.TRANSFER, member.organisation)


def is_roster_keeper(user) -> bool:
    """Keeps a roster somewhere (``manage_members``): may open the new-member form and the
    import page."""
    return scoping.has_any(user, Action.MANAGE_MEMBERS)


def require_roster_keeper(user) -> None:
    """403 for an officer who keeps no roster anywhere."""
    if not is_roster_keeper(user):
        raise PermissionDenied


# ---- transfers -----------------------------------------------------------------------------


def can_request_transfer(user, member) -> bool:
    return is_own(user, member) or can_transfer(user, member)


def require_request_transfer(user, member) -> None:
    """The member themself, or ``transfer`` on the member's union."""
    scoping.require_object(user, Action.TRANSFER, member.organisation, personal=is_own(user, member))


def _sees(user, transfer) -> bool:
    """Both unions see a transfer (the one place a record crosses a scope boundary)."""
    return scoping.can(user, Action.VIEW, transfer.from_organisation) or scoping.can(
        user, Action.VIEW, transfer.to_organisation
    )


def _require_side(user, transfer, allowed: bool) -> None:
    """404 for a caller who sees neither union of ``transfer``; 403 for one who sees it but
    may not do this."""
    if allowed:
        return
    if _sees(user, transfer):
        raise PermissionDenied
    raise Http404


def can_release(user, transfer) -> bool:
    """The old union lets the member go (``transfer`` on the old union)."""
    return scoping.can(user, Action.TRANSFER, transfer.from_organisation)


def require_release(user, transfer) -> None:
    _require_side(user, transfer, can_release(user, transfer))


def can_accept(user, transfer) -> bool:
    """The new union takes the member in (``transfer`` on the new union)."""
    return scoping.can(user, Action.TRANSFER, transfer.to_organisation)


def require_accept(user, transfer) -> None:
    _require_side(user, transfer, can_accept(user, transfer))


def can_refuse(user, transfer) -> bool:
    """The old union before release, the new union after; nobody once it is closed."""
    if transfer.status == TransferStatus.REQUESTED:
        return can_release(user, transfer)
    if transfer.status == TransferStatus.RELEASED:
        return can_accept(user, transfer)
    return False


def require_refuse(user, transfer) -> None:
    """A closed transfer passes (the service says it is closed, to whoever sees it)."""
    if transfer.status in (TransferStatus.REQUESTED, TransferStatus.RELEASED):
        _require_side(user, transfer, can_refuse(user, transfer))
    elif not _sees(user, transfer):
        raise Http404


def can_cancel(user, transfer) -> bool:
    """Whoever asked withdraws: the member themself, or the old union."""
    return is_own(user, transfer.member) or can_release(user, transfer)


def require_cancel(user, transfer) -> None:
    _require_side(user, transfer, can_cancel(user, transfer))


# ---- enrolment -----------------------------------------------------------------------------


def can_decide_enrolment(user, enrolment) -> bool:
    """Approve or reject an application (``approve_enrolment`` on the responsible union)."""
    return scoping.can(user, Action.APPROVE_ENROLMENT, enrolment.organisation)


# ---- imports -------------------------------------------------------------------------------


def is_batch_creator(user, batch) -> bool:
    return user.is_authenticated and batch.created_by_id == user.pk


def visible_batches(user) -> Q:
    """The import batches ``user`` sees: every one for an operator; otherwise only their own,
    while they keep a roster somewhere (a batch's rows and errors may name unions beyond the
    scope of other officers of its union, and it runs with its creator's rights)."""
    if scoping.is_operator(user):
        return Q()
    if not user.is_authenticated or not is_roster_keeper(user):
        return Q(pk__in=[])
    return Q(created_by=user)


def require_manage_batch(user, batch) -> None:
    """Confirm, resume, undo and roll back are for the batch's creator (it runs with their
    rights) or an operator; anyone else gets 404 like a missing batch. The creator needs
    ``manage_members`` still (403 otherwise), over the batch's union when it names one."""
    if not (scoping.is_operator(user) or is_batch_creator(user, batch)):
        raise Http404
    require_roster_keeper(user)
    if batch.organisation is not None:
        scoping.require(user, Action.MANAGE_MEMBERS, batch.organisation)


# ---- exports -------------------------------------------------------------------------------


def is_exporter(user) -> bool:
    """May export a roster somewhere: the export page makes sense."""
    return scoping.has_any(user, Action.EXPORT)


def require_exporter(user) -> None:
    if not is_exporter(user):
        raise PermissionDenied


def can_export(user, organisation: Organisation, *, unmasked: bool = False) -> bool:
    """``export`` on the union; ``reveal_pii`` there too for unmasked data."""
    if not scoping.can(user, Action.EXPORT, organisation):
        return False
    return not unmasked or scoping.can(user, Action.REVEAL_PII, organisation)


def require_export(user, organisation: Organisation, *, unmasked: bool = False) -> None:
    """404 when the union is not visible, 403 when it is but the caller may not export it (or
    not unmasked)."""
    scoping.require(user, Action.EXPORT, organisation)
    if unmasked:
        scoping.require(user, Action.REVEAL_PII, organisation)


def sees_export(user, job) -> bool:
    """An export job is its creator's, while they may still export the union."""
    return (
        user.is_authenticated
        and job.created_by_id == user.pk
        and scoping.can(user, Action.EXPORT, job.organisation)
    )
