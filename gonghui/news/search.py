"""News and notices as a search source (``gonghui.search``), and the hooks the news services
call when an item becomes findable or stops being findable:

- :func:`index_item` after ``news_publish`` and after a correction is published (the item's
  new text replaces the old terms);
- :func:`unindex_item` after ``news_withdraw``.

Readers find only what ``readers.published_for`` lets them read (audience, targets, window)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gonghui.news.choices import Status
from gonghui.news.models import NewsItem
from gonghui.news.selectors import readers
from gonghui.search import index, tokens
from gonghui.search.sources import SearchSource

KEY = "news"


def _text(item):
    # A published correction is found through the item it corrected, never on its own.
    if item.status != Status.PUBLISHED or item.corrects_id is not None:
        return None
    return f"{item.title}\n{tokens.html_text(item.body)}"


def _result(item):
    return item.title, reverse("news:detail", kwargs={"item_id": item.pk}), item.published_at


SOURCES = (
    SearchSource(
        key=KEY,
        label=_("News and notices"),
        readable=lambda user: readers.published_for(user),
        text=_text,
        result=_result,
        indexable=lambda: NewsItem.objects.filter(status=Status.PUBLISHED, corrects__isnull=True),
    ),
)


def index_item(item: NewsItem) -> None:
    """Make ``item`` findable with its current text (a published item; anything else is taken
    out of the index)."""
    index.index_object(KEY, item)


def unindex_item(item: NewsItem) -> None:
    index.unindex_object(KEY, item)
