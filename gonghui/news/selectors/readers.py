"""What readers see: published items inside their display window that a visitor, a member or an
officer may read (docs/modules/news.md, "Readers").

- ``public``: anyone, signed in or not;
- ``members``: a member (in membership) whose union lies in a target's subtree (no targets: the
  publishing union's subtree), and an officer whose scope holds the publishing union or a
  target, or whose own union is among the recipients as a member's would be.

Every rule is one condition of a single query: the reader's unions are turned into the paths of
their lineage (``Organisation.lineage``, no query), and "the item reaches this union" becomes
``path IN lineage`` on the item's union or on one of its targets, so the list costs one query
whatever the number of items, targets or members.
"""

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from gonghui.members.choices import IN_MEMBERSHIP
from gonghui.news import permissions
from gonghui.news.choices import Audience, Status
from gonghui.news.models import NewsItem
from gonghui.organisations import scoping
from gonghui.organisations.models import Organisation
from gonghui.organisations.scoping import Action

_Targets = NewsItem.targets.through


def member_union(user):
    """The union of ``user``'s own member record while in membership, else None (cached on the
    user for the request, like the scoping grants)."""
    if user is None or not user.is_authenticated:
        return None
    if not hasattr(user, "_gonghui_news_union"):
        from gonghui.members.models import Member

        member = (
            Member.objects.filter(user_id=user.pk, status__in=IN_MEMBERSHIP)
            .select_related("organisation")
            .first()
        )
        user._gonghui_news_union = member.organisation if member else None
    return user._gonghui_news_union


def reaches(paths) -> Q:
    """Items whose recipients include a union whose lineage is ``paths``: no targets and the
    publishing union in ``paths``, or a target in ``paths``."""
    paths = list(paths)
    if not paths:
        return Q(pk__in=[])
    has_targets = Exists(_Targets.objects.filter(newsitem_id=OuterRef("pk")))
    target_hit = Exists(_Targets.objects.filter(newsitem_id=OuterRef("pk"), organisation__path__in=paths))
    return (Q(organisation__path__in=paths) & ~has_targets) | target_hit


def member_q(user) -> Q:
    """The condition for a ``members`` item to be readable by ``user``."""
    if scoping.is_operator(user):
        return Q()
    if user is None or not user.is_authenticated:
        return Q(pk__in=[])
    lineage: set[str] = set()
    union = member_union(user)
    if union is not None:
        lineage.update(Organisation.lineage(union.path))
    for root in scoping.root_paths(user, Action.VIEW):
        lineage.update(Organisation.lineage(root))
    return reaches(lineage) | permissions.officer_scope(user)


def published_for(user, *, organisation=None, kind=None, now=None) -> QuerySet:
    """The published items ``user`` may read now (``None`` or anonymous: public ones only),
    pinned first, then newest; ``organisation`` narrows to one publishing union, ``kind`` to news
    or notices."""
    now = now or timezone.now()
    qs = NewsItem.objects.filter(
        Q(valid_from__isnull=True) | Q(valid_from__lte=now),
        Q(valid_until__isnull=True) | Q(valid_until__gt=now),
        status=Status.PUBLISHED,
        corrects__isnull=True,  # a published correction lives on in the item it corrected
    )
    if organisation is not None:
        qs = qs.filter(organisation=organisation)
    if kind:
        qs = qs.filter(kind=kind)
    qs = qs.filter(Q(audience=Audience.PUBLIC) | (Q(audience=Audience.MEMBERS) & member_q(user)))
    return qs.select_related("organisation").order_by("-pinned", "-published_at", "-created_at")


def readable_or_404(user, item_id, *, now=None) -> NewsItem:
    """The published item, if ``user`` may read it; 404 for an unknown, malformed, unpublished,
    expired or unreadable id alike (a reader learns nothing of items not meant for them)."""
    try:
        return published_for(user, now=now).select_related("author").get(pk=item_id)
    except (NewsItem.DoesNotExist, ValueError, ValidationError):
        raise Http404 from None


def publisher_or_404(code: str) -> Organisation:
    """The publishing union named by ``code`` for the readers' list (any union: a public list
    may be asked for any of them), 404 for an unknown code."""
    union = Organisation.objects.filter(code=code).first()
    if union is None:
        raise Http404
    return union
