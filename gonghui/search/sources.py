"""The registry of search sources. An app declares its sources in its AppConfig
(``search_sources = "gonghui.<app>.search.SOURCES"``, a tuple of :class:`SearchSource`), as it
declares ``notification_messages``; the search page asks each one, through the app's own reader
rules, which of the matching objects the reader may see."""

import functools
from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class SearchSource:
    key: str  # stored in SearchDocument.source; at most 32 characters
    label: object  # what readers see beside a result ("通知公告")
    # user → the queryset of objects that user may read now (anonymous: None).
    readable: Callable
    # object → its text to index (title first), or None when it is not to be found at all.
    text: Callable
    # object → (title, url, date shown) of a result.
    result: Callable
    # () → every object that should be in the index now (for ``manage.py search_rebuild``).
    indexable: Callable


@functools.cache
def _registry() -> dict[str, SearchSource]:
    found = {}
    for config in apps.get_app_configs():
        path = getattr(config, "search_sources", None)
        if path:
            for source in import_string(path):
                found[source.key] = source
    return found


def all_sources() -> list[SearchSource]:
    return list(_registry().values())


def get(key: str) -> SearchSource:
    return _registry()[key]
