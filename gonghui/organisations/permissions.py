"""Who may do what with organisations, roles and the audit log, and who counts as an officer
for the pages (docs/dev/permissions.md). Built on ``scoping``; the services call the
``require_*`` functions before they write, the pages ask the ``can_*`` ones to show a button.

404 or 403 as everywhere: an organisation the user cannot see at all answers 404, one they
see but may not act on 403.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from gonghui.core import web
from gonghui.organisations import scoping
from gonghui.organisations.choices import Role
from gonghui.organisations.models import Organisation, RoleAssignment

Action = scoping.Action

# Roles that read other people's records (members, applications, entries): their sessions get
# the officer limits (``organisations.middleware``). Station keepers and members see their own
# things only.
OFFICER_ROLES = frozenset({Role.ADMIN, Role.OFFICER, Role.VIEWER, Role.SUPERVISOR, Role.JUDGE})


# ---- officers and the pages they open ----------------------------------------------------


def is_officer(user) -> bool:
    """Holds a role that reads other people's records somewhere (or is an operator)."""
    return scoping.has_any(user, Action.VIEW)


def holds_officer_role(user) -> bool:
    """Operators, staff and holders of an officer-type role anywhere (for the session limits:
    a judge reads entries although no subtree action comes with the role)."""
    if user.is_superuser or user.is_staff:
        return True
    return any(scoping.holds_role(user, role) for role in OFFICER_ROLES)


def can_read_audit_log(user) -> bool:
    """The audit log of some organisation is the user's to read (``view_audit``)."""
    return scoping.has_any(user, Action.VIEW_AUDIT)


def require_read_audit_log(user) -> None:
    """403 for a user with no audit right anywhere (the log of each organisation is then
    filtered by scope: ``selectors.audit_entries``)."""
    if not can_read_audit_log(user):
        raise PermissionDenied


# Officer pages: signed in (else the sign-in page) and an officer somewhere (else 403).
officer_required = web.requires(is_officer)
# The audit log page: signed in, and the audit right somewhere (else 403).
audit_reader_required = web.requires(can_read_audit_log)


# ---- the tree ------------------------------------------------------------------------------


def can_create_organisation(user, parent: Organisation | None) -> bool:
    """Add an organisation under ``parent``: ``manage_organisations`` there; a new root (a
    national federation) only for an operator."""
    if parent is None:
        return scoping.is_operator(user)
    return scoping.can(user, Action.MANAGE_ORGANISATIONS, parent)


def require_create_organisation(user, parent: Organisation | None) -> None:
    if parent is None:
        if not scoping.is_operator(user):
            raise PermissionDenied
        return
    scoping.require_object(user, Action.MANAGE_ORGANISATIONS, parent)


def can_change_organisation(user, organisation: Organisation) -> bool:
    """Edit an organisation's descriptive fields."""
    return scoping.can(user, Action.MANAGE_ORGANISATIONS, organisation)


def require_change_organisation(user, organisation: Organisation) -> None:
    scoping.require_object(user, Action.MANAGE_ORGANISATIONS, organisation)


def can_move_organisation(user, organisation: Organisation, new_parent: Organisation | None = None) -> bool:
    """Move ``organisation`` (with its subtree): ``manage_organisations`` on its current parent
    and, when given, on ``new_parent``. A root is never moved. The current parent is read
    from the tree (one query)."""
    old_parent = organisation.get_parent()
    if old_parent is None or not scoping.can(user, Action.MANAGE_ORGANISATIONS, old_parent):
        return False
    return new_parent is None or scoping.can(user, Action.MANAGE_ORGANISATIONS, new_parent)


def require_move_organisation(user, organisation: Organisation, new_parent: Organisation) -> None:
    """Both the current and the new parent must be the user's to manage; 404 for a parent they
    cannot see, 403 for one they see without the right. Moving a root is a ValidationError
    (``org_root``) for the service to raise, not a right."""
    old_parent = organisation.get_parent()
    if old_parent is not None:
        scoping.require_object(user, Action.MANAGE_ORGANISATIONS, old_parent)
    scoping.require_object(user, Action.MANAGE_ORGANISATIONS, new_parent)


# ---- roles ---------------------------------------------------------------------------------


def can_manage_roles(user, organisation: Organisation) -> bool:
    """Give and take roles held on ``organisation`` (any role, admin included: an
    administrator hands on administration of their subtree)."""
    return scoping.can(user, Action.MANAGE_ROLES, organisation)


def require_manage_roles(user, organisation: Organisation) -> None:
    scoping.require_object(user, Action.MANAGE_ROLES, organisation)


def require_revoke_role(user, assignment: RoleAssignment) -> None:
    """``manage_roles`` on the assignment's organisation, and not the user's own last admin
    role over it (``role_last_admin``): one click must not lock the last administrator out of
    their own branch. Call it inside the revoking transaction: the user's admin rows are
    locked, so two revocations at once cannot each count on the other."""
    require_manage_roles(user, assignment.organisation)
    if is_own_last_admin_role(user, assignment):
        raise ValidationError(
            _(
                "You cannot revoke your own last administrator role on this organisation: "
                "you would lose the right to manage it. Ask an administrator above it."
            ),
            code="role_last_admin",
        )


def is_own_last_admin_role(user, assignment: RoleAssignment) -> bool:
    """Whether revoking ``assignment`` would leave ``user`` (its holder) without admin over its
    organisation: no other admin role of theirs on the same organisation or one above it. An
    operator keeps everything anyway."""
    if assignment.role != Role.ADMIN or assignment.user_id != user.pk or scoping.is_operator(user):
        return False
    path = assignment.organisation.path
    others = (
        RoleAssignment.objects.select_for_update(of=("self",))
        .filter(user_id=user.pk, role=Role.ADMIN)
        .exclude(pk=assignment.pk)
        .values_list("organisation__path", flat=True)
    )
    return not any(path.startswith(other) for other in others)
