"""Scoped reads of the organisation tree."""

from django.db.models import QuerySet

from gonghui.organisations import scoping
from gonghui.organisations.choices import Kind
from gonghui.organisations.models import Organisation


def subtree(org: Organisation) -> QuerySet:
    return Organisation.objects.filter(path__startswith=org.path)


def subtree_count(org: Organisation) -> int:
    return subtree(org).count()


def children(user, org: Organisation) -> QuerySet:
    scoping.require(user, scoping.Action.VIEW, org)
    return org.get_children().order_by("kind", "code")


def ancestors_visible(user, org: Organisation) -> list[Organisation]:
    """The breadcrumb from the user's highest visible ancestor down to ``org``."""
    chain = [*org.get_ancestors(), org]
    return [o for o in chain if scoping.can(user, scoping.Action.VIEW, o)]


def search(user, q: str, limit: int = 20) -> QuerySet:
    qs = scoping.visible_organisations(user)
    if q:
        qs = qs.filter(name__icontains=q) | qs.filter(code__startswith=q.upper())
    return qs.order_by("depth", "code")[:limit]


def by_code(code: str) -> Organisation | None:
    return Organisation.objects.filter(code=code).first()


def grassroots_in_scope(user, action: str = scoping.Action.VIEW) -> QuerySet:
    return scoping.visible_organisations(user, action).filter(kind=Kind.GRASSROOTS)
