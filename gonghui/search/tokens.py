"""Terms of a text for the search index, the same for documents and queries.

Chinese has no spaces between words, so words cannot be split out without a dictionary: every
run of CJK characters gives its **bigrams** (两字组: 工会 会员 …) and its single characters, and
every run of letters and digits gives one ASCII word. A query matches a document holding every
term of the query: a bigram query term for runs of two or more characters (``读书月`` → 读书,
书月), the single character for a one-character run, the word for Latin text. This finds every
document containing the query's characters in that order, at the cost of rare false positives
(``读书`` … ``书月`` apart), with a plain B-tree index on both SQLite and PostgreSQL."""

import html
import re
import unicodedata

MAX_TERM = 32
# CJK Unified Ideographs (and Extension A), compatibility ideographs, and 〇.
_CJK = "\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_RUN = re.compile(f"([{_CJK}]+)|([0-9a-z]+)")
# Block tags separate words; inline ones (<b>, <a>, <em> …) sit inside them (<b>劳模</b>进校园).
_BLOCK_TAG = re.compile(
    r"</?(?:p|div|h[1-6]|li|ul|ol|br|tr|td|th|table|blockquote|figure|figcaption|hr)\b[^>]*>", re.I
)
_TAG = re.compile(r"<[^>]*>")


def normalise(text: str) -> str:
    """Full-width letters and digits to ASCII (ＡＢＣ１２３ → abc123), lower case."""
    return unicodedata.normalize("NFKC", text or "").lower()


def html_text(markup: str) -> str:
    """The text of sanitised HTML (tags dropped, entities decoded)."""
    return html.unescape(_TAG.sub("", _BLOCK_TAG.sub(" ", markup or "")))


def document_terms(text: str) -> set[str]:
    """Every term of a document's text: the bigrams and characters of its CJK runs, its words."""
    terms: set[str] = set()
    for cjk, word in _RUN.findall(normalise(text)):
        if cjk:
            terms.update(cjk)
            terms.update(cjk[i : i + 2] for i in range(len(cjk) - 1))
        else:
            terms.add(word[:MAX_TERM])
    return terms


def query_terms(text: str) -> set[str]:
    """The terms a document must all hold to match ``text``."""
    terms: set[str] = set()
    for cjk, word in _RUN.findall(normalise(text)):
        if len(cjk) == 1:
            terms.add(cjk)
        elif cjk:
            terms.update(cjk[i : i + 2] for i in range(len(cjk) - 1))
        else:
            terms.add(word[:MAX_TERM])
    return terms
