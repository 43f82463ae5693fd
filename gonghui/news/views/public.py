"""Readers' pages: the list of news and notices (``/news/``) and an item (``/news/<id>/``) for
anyone — public items to everyone, members-only items to the readers in their audience
(``selectors.readers``: one rule for the pages, the feed, search and the API)."""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from gonghui.core.web import paginate
from gonghui.news.choices import Kind
from gonghui.news.selectors import readers

PER_PAGE = 15


@require_GET
def news_list(request):
    kind = request.GET.get("kind", "")
    kind = kind if kind in Kind.values else ""
    queryset = readers.published_for(request.user, kind=kind or None)
    return render(
        request,
        "news/list.html",
        {"page": paginate(request, queryset, PER_PAGE), "kind": kind, "kinds": Kind.choices},
    )


@require_GET
def news_detail(request, item_id):
    item = readers.readable_or_404(request.user, item_id)
    return render(request, "news/detail.html", {"item": item})


def latest_public(limit: int = 5):
    """The newest public items, for the public landing page and the service hall."""
    return list(readers.published_for(None)[:limit])
