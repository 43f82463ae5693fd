"""Scoped reads of news items."""

from django.core.exceptions import ValidationError
from django.http import Http404

from gonghui.news import permissions
from gonghui.news.choices import Status
from gonghui.news.models import NewsItem
from gonghui.organisations import scoping
from gonghui.organisations.scoping import Action


def news_item_or_404(user, item_id, action: str = Action.VIEW) -> NewsItem:
    """The item, for an officer whose scope holds its organisation: 404 for missing, malformed
    and out-of-scope ids alike, 403 when visible but ``action`` is not allowed there."""
    try:
        item = NewsItem.objects.select_related("organisation", "author").get(pk=item_id)
    except (NewsItem.DoesNotExist, ValueError, ValidationError):
        raise Http404 from None
    scoping.require(user, Action.VIEW, item.organisation)
    if action != Action.VIEW:
        scoping.require(user, action, item.organisation)
    return item


def officer_view_or_404(user, item_id) -> NewsItem:
    """The item as an officer in scope opens it: as :func:`news_item_or_404`, and a draft only
    for its author (anyone else who sees the union: 403), as the officer pages show it. For the
    API's detail and attachments, where a reader's rule did not let the caller in."""
    item = news_item_or_404(user, item_id)
    if item.status == Status.DRAFT and not permissions.is_author(user, item):
        scoping.refuse(visible=True)
    return item


def review_history(item: NewsItem):
    """Every decision on the item, oldest first, with its reviewer."""
    return item.steps.select_related("reviewer").order_by("at")
