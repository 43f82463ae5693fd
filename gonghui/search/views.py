"""``/search/?q=``: news, notices and activities matching the words, as far as the reader may
read them (anonymous visitors: public items only)."""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from gonghui.search import index

MAX_QUERY = 100


@require_GET
def search(request):
    query = (request.GET.get("q") or "").strip()[:MAX_QUERY]
    results = index.search(request.user, query) if query else []
    return render(request, "search/search.html", {"q": query, "results": results})
