"""Scoped reads of the organisation tree, its roles and the audit log."""

from django.db.models import QuerySet
from django.http import Http404

from gonghui.organisations import permissions, scoping
from gonghui.organisations.models import Organisation, RoleAssignment


def subtree(org: Organisation) -> QuerySet:
    """``org`` and every organisation under it, unscoped: for the demo loaders and for
    selectors that have already checked the caller may see ``org``."""
    return scoping.subtree(org)


def children(user, org: Organisation) -> QuerySet:
    """The organisations directly under ``org``, which the user must see (else 404)."""
    scoping.require(user, scoping.Action.VIEW, org)
    return org.get_children().order_by("kind", "code")


def ancestors_visible(user, org: Organisation) -> list[Organisation]:
    """The breadcrumb from the user's highest visible ancestor down to ``org``."""
    chain = [*org.get_ancestors(), org]
    return [o for o in chain if scoping.can(user, scoping.Action.VIEW, o)]


def visible_parent(user, org: Organisation) -> Organisation | None:
    """``org``'s parent when the user sees it (a root and the top of the user's scope have
    none to show)."""
    parent = org.get_parent()
    return parent if parent is not None and scoping.can(user, scoping.Action.VIEW, parent) else None


def matching(user, q: str = "") -> QuerySet:
    """Organisations in scope whose name contains ``q`` or whose code starts with it (all of
    them for an empty ``q``), highest first."""
    qs = scoping.visible_organisations(user)
    q = (q or "").strip()
    if q:
        qs = qs.filter(name__icontains=q) | qs.filter(code__startswith=q.upper())
    return qs.order_by("depth", "code")


def search(user, q: str, limit: int = 20) -> QuerySet:
    return matching(user, q)[:limit]


def in_reach(user, code: str, action: str = scoping.Action.VIEW) -> Organisation | None:
    """The organisation with ``code`` (as typed: spaces and case do not matter) when the
    user's roles allow ``action`` on it; None otherwise, missing and out of reach alike (for a
    form to say so next to its field)."""
    code = (code or "").strip().upper()
    if not code:
        return None
    return scoping.visible_organisations(user, action).filter(code=code).first()


def by_code(code: str) -> Organisation | None:
    return Organisation.objects.filter(code=code).first()


def audit_entries(
    user,
    *,
    organisation: Organisation | None = None,
    action: str = "",
    action_prefix: str = "",
    object_id: str = "",
):
    """Audit entries the user may read: those of organisations in their VIEW_AUDIT scope
    (entries without an organisation — logins, lockouts — only for operators), of
    ``organisation``'s subtree when given, of one ``action`` (a code) or of the actions whose
    code starts with ``action_prefix``, about one object, newest first."""
    from gonghui.core.models import AuditEntry

    qs = AuditEntry.objects.select_related("actor")
    if not scoping.is_operator(user):
        qs = qs.filter(organisation_id__in=scoping.visible_organisation_ids(user, scoping.Action.VIEW_AUDIT))
    if organisation is not None:
        qs = qs.filter(organisation_id__in=scoping.subtree(organisation).values("id"))
    if action:
        qs = qs.filter(action=action)
    if action_prefix:
        qs = qs.filter(action__startswith=action_prefix)
    if object_id:
        qs = qs.filter(object_id=object_id)
    return qs.order_by("-at")


def role_assignments(user, org: Organisation) -> QuerySet:
    """The roles held directly on ``org``, for its administrators (``manage_roles``)."""
    permissions.require_manage_roles(user, org)
    return org.role_assignments.select_related("user").order_by("role", "user__username")


def role_assignment_or_404(user, org: Organisation, assignment_id) -> RoleAssignment:
    """One role held on ``org``; 404 when it is not there, whatever the reason."""
    permissions.require_manage_roles(user, org)
    assignment = org.role_assignments.select_related("user", "organisation").filter(pk=assignment_id).first()
    if assignment is None:
        raise Http404
    return assignment


def active_user_by_username(username: str):
    """The active login called ``username``, for granting it a role (None when there is none)."""
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(username=(username or "").strip(), is_active=True).first()


def transfer_target(code: str) -> Organisation | None:
    """The union a member moves to, by its code. Deliberately not scoped: a member may move
    to any active union in the country, and a union's code and name are public."""
    return Organisation.objects.filter(code=(code or "").strip().upper(), is_active=True).first()


def own_roles(user) -> QuerySet:
    """The roles the user holds, on active organisations (for the user's own account page)."""
    if not user.is_authenticated:
        return RoleAssignment.objects.none()
    return (
        RoleAssignment.objects.filter(user_id=user.pk, organisation__is_active=True)
        .select_related("organisation")
        .order_by("organisation__path", "role")
    )
