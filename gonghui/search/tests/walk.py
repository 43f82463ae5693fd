"""The search page's part of the URL walk: open to everyone by design; what it finds is each
source's reader rule (gonghui/news/tests/test_search.py walks it with sibling personas)."""

PUBLIC_PAGES = {"search"}
