"""Writing and reading the search index.

Apps call :func:`index_object` when an object becomes findable or changes (a news item
published or corrected) and :func:`unindex_object` when it stops being findable (withdrawn,
deleted); each app wraps them in its own hooks (``gonghui.news.search.index_item``). The
reader rules are never stored here: a search finds candidate objects by their terms and the
source's ``readable(user)`` decides, in the same query, which of them the reader may see."""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Exists, OuterRef, Subquery

from gonghui.search import sources, tokens
from gonghui.search.models import SearchDocument, SearchTerm

MAX_QUERY_TERMS = 24
RESULTS_PER_SOURCE = 50


def index_object(source_key: str, obj) -> None:
    """(Re)index ``obj`` of the source ``source_key``: its terms replace the old ones."""
    source = sources.get(source_key)
    text = source.text(obj)
    if text is None:
        unindex_object(source_key, obj)
        return
    terms = tokens.document_terms(text)
    with transaction.atomic():
        document, _ = SearchDocument.objects.update_or_create(source=source_key, object_id=obj.pk)
        SearchTerm.objects.filter(document=document).delete()
        SearchTerm.objects.bulk_create(
            [SearchTerm(document=document, term=t) for t in terms], batch_size=2000
        )


def unindex_object(source_key: str, obj) -> None:
    SearchDocument.objects.filter(source=source_key, object_id=obj.pk).delete()


def rebuild() -> int:
    """Every source's findable objects indexed afresh; returns how many."""
    count = 0
    with transaction.atomic():
        SearchDocument.objects.all().delete()
        for source in sources.all_sources():
            for obj in source.indexable():
                index_object(source.key, obj)
                count += 1
    return count


def matching_ids(source_key: str, query: str):
    """A subquery of the ids of the source's objects holding every term of ``query`` (None when
    the query has no term: nothing to look for).

    The rarest term leads: its postings are read from the ``(term, document)`` index and each is
    checked for the other terms by one index probe apiece, so the cost follows the rarest term,
    not the commonest (a GROUP BY over every posting of 工会 would read most of the table).
    Which term is rarest is asked of the same index, each count capped (``_RARITY_CAP``) so
    that even a very common term costs a bounded read."""
    terms = sorted(tokens.query_terms(query))[:MAX_QUERY_TERMS]
    if not terms:
        return None
    lead, *others = sorted(terms, key=_capped_count)
    documents = SearchTerm.objects.filter(term=lead, document__source=source_key)
    for term in others:
        documents = documents.filter(
            Exists(SearchTerm.objects.filter(term=term, document_id=OuterRef("document_id")))
        )
    return documents.values("document__object_id")


_RARITY_CAP = 2000


def _capped_count(term: str) -> int:
    return len(SearchTerm.objects.filter(term=term).values_list("document_id", flat=True)[:_RARITY_CAP])


@dataclass(frozen=True)
class Result:
    source: object  # the SearchSource
    title: str
    url: str
    date: object  # a datetime (or None)


def search(user, query: str) -> list[Result]:
    """What ``user`` may read among the objects matching ``query``, newest first."""
    results = []
    for source in sources.all_sources():
        ids = matching_ids(source.key, query)
        if ids is None:
            return []
        for obj in source.readable(user).filter(pk__in=Subquery(ids))[:RESULTS_PER_SOURCE]:
            title, url, date = source.result(obj)
            results.append(Result(source=source, title=title, url=url, date=date))
    return sorted(results, key=lambda r: r.date.timestamp() if r.date else 0, reverse=True)
