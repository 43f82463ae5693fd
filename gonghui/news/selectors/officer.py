"""What the officers' news pages list (gonghui/news/views/officer.py): the items of the unions
in the officer's scope, and those waiting for their review decision."""

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Q, QuerySet

from gonghui.news import permissions
from gonghui.news.choices import REVIEW_STAGES, Status
from gonghui.news.models import NewsItem
from gonghui.organisations import scoping
from gonghui.organisations.scoping import Action

AWAITING_MAX = 200


def officer_items(user, *, stage: str = "") -> QuerySet:
    """Items of the unions in ``user``'s scope, most recently changed first; a draft only to its
    author (a draft is nobody else's business until it is sent to review). ``stage``: a status,
    or ``review`` for the three review stages."""
    qs = (
        scoping.restrict(NewsItem.objects.all(), user, Action.VIEW)
        .filter(~Q(status=Status.DRAFT) | Q(author=user))
        .select_related("organisation", "author")
    )
    if stage == "review":
        qs = qs.filter(status__in=REVIEW_STAGES)
    elif stage in Status.values:
        qs = qs.filter(status=stage)
    return qs.order_by("-updated_at")


def awaiting_review(user) -> list[NewsItem]:
    """Items in review that ``user`` may decide now (``review_news`` there, neither the author
    nor an earlier reviewer of the round), oldest change first."""
    if not scoping.has_any(user, Action.REVIEW_NEWS):
        return []
    candidates = officer_items(user, stage="review").order_by("updated_at")[:AWAITING_MAX]
    return [item for item in candidates if permissions.can_review(user, item)]


def attachment_or_404(item: NewsItem, attachment_id):
    """An attachment of ``item`` (which the caller has already fetched through its own rule);
    another item's attachment or a malformed id: 404."""
    from django.core.exceptions import ValidationError
    from django.http import Http404

    try:
        return item.attachments.get(pk=attachment_id)
    except (ObjectDoesNotExist, ValueError, ValidationError):
        raise Http404 from None
