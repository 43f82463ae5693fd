"""The one place that decides what a user may see and do (docs/product.md §2.1).

A role granted on organisation N covers N and everything below it, nothing else. Callers ask
for a :class:`~django.db.models.Q` or a restricted queryset; objects outside the user's scope
are answered exactly like missing ones (404) by :func:`get_organisation_or_404` and by the
``*_or_404`` helpers of the domain apps, which all build on :func:`restrict`.
"""

from dataclasses import dataclass
from typing import NoReturn

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from gonghui.organisations.choices import Role
from gonghui.organisations.models import Organisation, RoleAssignment


class Action:
    VIEW = "view"  # read records of the subtree
    VIEW_STATS = "view_stats"
    MANAGE_ORGANISATIONS = "manage_organisations"
    MANAGE_ROLES = "manage_roles"
    MANAGE_MEMBERS = "manage_members"  # create, edit, import, change 会籍
    APPROVE_ENROLMENT = "approve_enrolment"
    TRANSFER = "transfer"
    DUES = "dues"
    EXPORT = "export"
    REVEAL_PII = "reveal_pii"
    VIEW_AUDIT = "view_audit"
    MANAGE_COMPETITIONS = "manage_competitions"  # competitions, entries, judges, results
    MANAGE_HONOURS = "manage_honours"  # honour registry, nomination lists, 公示
    MANAGE_INNOVATION = "manage_innovation"  # studios, alliances, idea review
    SUPERVISE = "supervise"  # decide appeals and objections (监督)
    MANAGE_ASSISTANCE = "manage_assistance"  # hardship files, visits, payments, reviews (帮扶)
    HANDLE_REQUESTS = "handle_requests"  # requests, wage arrears, legal aid, practical needs (维权)
    MANAGE_STATIONS = "manage_stations"  # outdoor-worker stations, their tickets and suggested sites
    WRITE_NEWS = "write_news"  # write news and notices and send them to review (资讯, 通知公告)
    REVIEW_NEWS = "review_news"  # 三审三校: 初审, 复审, 终审, publish and withdraw news and notices
    MANAGE_ACTIVITIES = "manage_activities"  # organise activities (活动), see and export their sign-ups


_OFFICER = {
    Action.VIEW,
    Action.VIEW_STATS,
    Action.MANAGE_MEMBERS,
    Action.APPROVE_ENROLMENT,
    Action.TRANSFER,
    Action.DUES,
    Action.EXPORT,
    Action.MANAGE_COMPETITIONS,
    Action.MANAGE_HONOURS,
    Action.MANAGE_INNOVATION,
    Action.MANAGE_ASSISTANCE,
    Action.HANDLE_REQUESTS,
    Action.MANAGE_STATIONS,
    Action.WRITE_NEWS,
    Action.REVIEW_NEWS,
    Action.MANAGE_ACTIVITIES,
}

ROLE_ACTIONS: dict[str, frozenset[str]] = {
    Role.ADMIN: frozenset(
        _OFFICER | {Action.MANAGE_ORGANISATIONS, Action.MANAGE_ROLES, Action.REVEAL_PII, Action.VIEW_AUDIT}
    ),
    Role.OFFICER: frozenset(_OFFICER),
    Role.VIEWER: frozenset({Action.VIEW, Action.VIEW_STATS}),
    # Judges, station keepers and members reach their own objects through their apps
    # (assigned competitions, assigned stations, their own member record), not a subtree.
    Role.JUDGE: frozenset(),
    # Supervision (纪检/监督) reads the subtree and decides appeals and objections; it manages
    # nothing itself, so it never judges its own decisions.
    Role.SUPERVISOR: frozenset({Action.VIEW, Action.SUPERVISE}),
    Role.STATION_KEEPER: frozenset(),
    Role.MEMBER: frozenset(),
}


@dataclass(frozen=True)
class Grant:
    path: str
    role: str
    organisation_id: object


def _signed_in(user) -> bool:
    """A signed-in user; ``None`` (the system, in services called without an actor) is not."""
    return user is not None and user.is_authenticated


def _grants(user) -> tuple[Grant, ...]:
    if not _signed_in(user):
        return ()
    cached = getattr(user, "_gonghui_grants", None)
    if cached is None:
        cached = tuple(
            Grant(path, role, org_id)
            for path, role, org_id in RoleAssignment.objects.filter(
                user_id=user.pk, organisation__is_active=True
            ).values_list("organisation__path", "role", "organisation_id")
        )
        user._gonghui_grants = cached
    return cached


def forget(user) -> None:
    """Drop the per-request cache after roles change."""
    if hasattr(user, "_gonghui_grants"):
        del user._gonghui_grants


def is_operator(user) -> bool:
    return _signed_in(user) and user.is_superuser and user.is_active


def root_paths(user, action: str = Action.VIEW) -> list[str]:
    """The minimal set of subtree roots where ``user`` may do ``action``."""
    paths = sorted({g.path for g in _grants(user) if action in ROLE_ACTIONS.get(g.role, ())})
    roots: list[str] = []
    for path in paths:
        if not any(path.startswith(r) for r in roots):
            roots.append(path)
    return roots


def root_ids(user, action: str = Action.VIEW) -> dict[str, object]:
    """``{path: organisation id}`` of :func:`root_paths`, from the grants already loaded (no
    query): for reading per-subtree counters of the user's whole scope."""
    roots = root_paths(user, action)
    ids = {g.path: g.organisation_id for g in _grants(user)}
    return {path: ids[path] for path in roots}


def org_q(user, action: str = Action.VIEW, *, field: str = "") -> Q:
    """A Q selecting rows whose organisation is in scope. ``field`` is the lookup path to the
    organisation (``"organisation"`` for a member, ``""`` for an Organisation itself)."""
    if is_operator(user):
        return Q()
    prefix = f"{field}__" if field else ""
    roots = root_paths(user, action)
    if not roots:
        return Q(pk__in=[])
    q = Q()
    for path in roots:
        q |= Q(**{f"{prefix}path__startswith": path})
    return q


def subtree(organisation: Organisation) -> QuerySet:
    """``organisation`` and every organisation under it, unscoped (a prefix match on the path;
    treebeard's ``get_tree`` trusts the cached child count, which is stale on an instance
    loaded before its children were added)."""
    return Organisation.objects.filter(path__startswith=organisation.path)


def restrict(qs: QuerySet, user, action: str = Action.VIEW, *, field: str = "organisation") -> QuerySet:
    """``qs`` narrowed to the user's scope for ``action``."""
    if is_operator(user):
        return qs
    roots = root_paths(user, action)
    if not roots:
        return qs.none()
    return qs.filter(org_q(user, action, field=field))


def visible_organisations(user, action: str = Action.VIEW) -> QuerySet:
    return restrict(Organisation.objects.all(), user, action, field="")


def can(user, action: str, organisation: Organisation) -> bool:
    if is_operator(user):
        return True
    return any(organisation.path.startswith(root) for root in root_paths(user, action))


def refuse(visible: bool) -> NoReturn:
    """The one refusal (docs/dev/permissions.md): 403 for an object the user can see, 404 for
    one they cannot, so "not yours" answers exactly like "does not exist"."""
    raise PermissionDenied if visible else Http404


def require(user, action: str, organisation: Organisation) -> None:
    """404 when the organisation is not visible at all; 403 when it is visible but the user's
    role there does not allow ``action``."""
    if can(user, action, organisation):
        return
    refuse(can(user, Action.VIEW, organisation))


def require_object(user, action: str, organisation: Organisation, *, personal: bool = False) -> None:
    """The object-level rule every app's ``permissions.py`` builds on, for an object that
    belongs to ``organisation``: ``personal`` is a right the object itself gives this user (the
    station's keeper, the request's own filer), decided by the app's permissions module. Passes
    when ``personal`` or when the user's roles allow ``action`` over the organisation; else 403
    when the object is visible to the user (a role there that only lets them read it, or a
    personal right without this action) and 404 when it is not (docs/dev/permissions.md)."""
    if personal or can(user, action, organisation):
        return
    refuse(can(user, Action.VIEW, organisation))


def can_object(user, action: str, organisation: Organisation, *, personal: bool = False) -> bool:
    """:func:`require_object` as a yes/no, for showing or hiding a button."""
    return personal or can(user, action, organisation)


def get_organisation_or_404(user, code: str, action: str = Action.VIEW) -> Organisation:
    org = Organisation.objects.filter(code=code).first()
    if org is None or not can(user, Action.VIEW, org):
        raise Http404
    require(user, action, org)
    return org


def visible_organisation_ids(user, action: str = Action.VIEW):
    """A subquery of organisation ids in scope, for tables that store only the id (audit)."""
    return visible_organisations(user, action).values("id")


def home_organisations(user, action: str = Action.VIEW) -> list[Organisation]:
    """The roots of the user's scope, for navigation and default filters."""
    if is_operator(user):
        return list(Organisation.get_root_nodes())
    roots = root_paths(user, action)
    return list(Organisation.objects.filter(path__in=roots).order_by("path"))


def has_any(user, action: str) -> bool:
    return is_operator(user) or bool(root_paths(user, action))


def holds_role(user, role: str) -> bool:
    """The user holds ``role`` somewhere (from the grants already loaded for the request)."""
    return any(g.role == role for g in _grants(user))


def nearest_holders(action: str, organisation: Organisation) -> list:
    """The active users whose role on ``organisation`` or, if nobody there has one, on the
    nearest organisation above it, allows ``action``: the people whose queue a new item at
    ``organisation`` lands in (a new application is told to its union's officers, not to every
    officer up to the national federation)."""
    roles = [role for role, actions in ROLE_ACTIONS.items() if action in actions]
    steps = len(organisation.path) // Organisation.steplen
    paths = [organisation.path[: Organisation.steplen * depth] for depth in range(steps, 0, -1)]
    assignments = (
        RoleAssignment.objects.filter(organisation__path__in=paths, role__in=roles, user__is_active=True)
        .select_related("user", "organisation")
        .order_by("-organisation__depth", "user__username")
    )
    holders, depth = [], None
    for assignment in assignments:
        if depth is not None and assignment.organisation.depth != depth:
            break
        depth = assignment.organisation.depth
        if assignment.user not in holders:
            holders.append(assignment.user)
    return holders
