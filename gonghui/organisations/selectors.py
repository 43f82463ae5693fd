"""Scoped reads of the organisation tree, its roles and the audit log."""

import re
from dataclasses import dataclass, field

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.http import Http404

from gonghui.core.text import clean
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
    """Organisations in scope matching ``q`` by the union picker's rule (name, pinyin,
    initials or code; :func:`union_matches`), all of them for an empty ``q``, highest first."""
    if not (q or "").strip():
        return scoping.visible_organisations(user).order_by("depth", "code")
    return union_matches(user, q)


# ---- the union picker ---------------------------------------------------------------------
# One rule for every field where a person chooses a union (organisations.forms.UnionField, the
# /organisations/pick fragment, GET /api/v1/organisations?q=): by name, pinyin, pinyin
# initials or code, inside what the field's action lets this user choose.

# Not a scoping action: any active union in the country, the rule of a transfer's new union
# (a member may move anywhere; a union's name and code are public).
ANY_UNION = "any_union"
PICK_LIMIT = 10

# "西安市总工会（610100）", as the picker writes a chosen union into its box.
_TRAILING_CODE = re.compile(r"[(（]\s*([0-9A-Za-z-]{2,32})\s*[)）]\s*$")


def union_choices(user, action: str) -> QuerySet:
    """Every union this user may choose for a field of ``action``: those in their scope for
    it, or for :data:`ANY_UNION` every active union."""
    if action == ANY_UNION:
        return Organisation.objects.filter(is_active=True)
    return scoping.visible_organisations(user, action)


def union_matches(user, q: str, action: str = scoping.Action.VIEW) -> QuerySet:
    """The unions within :func:`union_choices` that ``q`` names, best first: the exact code,
    then an exact name, pinyin or initials, then those starting with what was typed, then those
    containing it; active before inactive, higher before lower. ``q`` is what people type:
    a name or part of it (西安), pinyin (xian), pinyin initials (xaszgh), a code or its start
    (6101), or the picker's own "name（code）"."""
    text = clean(q or "")
    qs = union_choices(user, action)
    if not text:
        return qs.none()
    code = _TRAILING_CODE.search(text)
    if code:
        return qs.filter(code=code.group(1).upper()).annotate(pick_rank=Value(0, output_field=IntegerField()))
    upper = text.upper()
    latin = "".join(text.lower().split())
    found = Q(code__startswith=upper) | Q(name__icontains=text) | Q(short_name__icontains=text)
    exact = Q(name=text) | Q(short_name=text)
    start = Q(code__startswith=upper) | Q(name__startswith=text)
    if latin.isascii() and latin.isalnum():
        found |= Q(name_initials__contains=latin) | Q(name_pinyin__contains=latin)
        exact |= Q(name_initials=f" {latin} ") | Q(name_pinyin=f" {latin} ")
        start |= Q(name_initials__startswith=f" {latin}") | Q(name_pinyin__startswith=f" {latin}")
    rank = Case(
        When(code=upper, then=Value(0)),
        When(exact, then=Value(1)),
        When(start, then=Value(2)),
        default=Value(3),
        output_field=IntegerField(),
    )
    return qs.filter(found).annotate(pick_rank=rank).order_by("pick_rank", "-is_active", "depth", "code")


@dataclass
class UnionPick:
    """What a typed union comes to: ``organisation`` when exactly one union is meant, else
    the ``matches`` to choose from (none, or several)."""

    organisation: Organisation | None
    matches: list[Organisation] = field(default_factory=list)
    more: bool = False  # more matches than shown


def union_pick(user, q: str, action: str = scoping.Action.VIEW) -> UnionPick:
    """The one union ``q`` means, never a guess: the exact code, or the one union with exactly
    that name (or pinyin, or initials), or the only match; otherwise the matches to choose
    from (at most :data:`PICK_LIMIT`)."""
    found = list(union_matches(user, q, action)[: PICK_LIMIT + 1])
    if len(found) == 1:
        return UnionPick(found[0], found)
    best = [o for o in found if o.pick_rank < 2]
    if best and (best[0].pick_rank == 0 or len(best) == 1):
        return UnionPick(best[0], found[:PICK_LIMIT])
    return UnionPick(None, found[:PICK_LIMIT], more=len(found) > PICK_LIMIT)


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
