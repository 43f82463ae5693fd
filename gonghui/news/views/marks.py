"""Sensitive words flagged by the checks before submit, highlighted with ``<mark>`` in the body
reviewers read (the item's ``flagged_words``; docs/modules/news.md)."""

import html
import re

from django.utils.safestring import mark_safe

# Tags (and comments) of the already sanitised body: words are marked only in the text between.
_TAG = re.compile(r"(<[^>]*>)")


def flagged_words(item) -> list[str]:
    """The words the checks flagged on ``item``, longest first (so that a longer word is marked
    whole even when a shorter flagged word is part of it)."""
    words = [w for w in item.flagged_words or [] if isinstance(w, str) and w.strip()]
    return sorted(set(words), key=len, reverse=True)


def highlight(body: str, words) -> str:
    """``body`` (sanitised HTML) with every occurrence of ``words`` in its text wrapped in
    ``<mark>``; tags and attribute values are never touched. The words are escaped like the
    text they are looked for in (``&`` is ``&amp;`` in the body)."""
    words = [w for w in words if w]
    if not words:
        return body
    pattern = re.compile("|".join(re.escape(html.escape(w, quote=False)) for w in words))
    parts = _TAG.split(body)
    for i in range(0, len(parts), 2):  # even indexes are text, odd ones tags
        parts[i] = pattern.sub(lambda m: f"<mark>{m.group(0)}</mark>", parts[i])
    return mark_safe("".join(parts))
