"""Search benchmark for news (docs/modules/news.md, "Search"): N published items (default
50,000, ~200 characters of Chinese each) in a throwaway test database; the bigram index
(``gonghui.search``) against ``body__icontains`` for the same queries, p50/p95 in ms.

    DJANGO_SETTINGS_MODULE=config.settings_test .venv/bin/python bench/bench_news_search.py [N]
    (PostgreSQL: GONGHUI_TEST_DATABASE_URL=postgres://… as for the test suite)

Not part of the test suite."""

import datetime
import os
import random
import sys
import time
import uuid

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402

# A pool of common characters of union news; words of 2–4 of them, sentences of words.
POOL = (
    "工会职工会员劳模工匠进校园读书月活动通知关于开展组织学习教育党史主题宣传技能竞赛培训服务"
    "帮扶困难维权权益安全生产女职工健康体检文体比赛书屋爱心驿站户外劳动者新就业形态快递外卖"
    "司机基层企业单位市省全国总委员会议精神贯彻落实推进建设发展创新创业岗位能手先进集体个人"
    "表彰推荐评选公示名单申报材料截止日期报送联系电话地址时间安排要求认真做好相关工作确保实效"
)
N = int(sys.argv[1]) if len(sys.argv) > 1 else 50_000
REPEAT = 40


class Words:
    """Draws words with their weights, a thousand at a time (``random.choices`` is slow per call)."""

    def __init__(self, vocabulary, weights, rng):
        self.vocabulary, self.weights, self.rng, self.buffer = vocabulary, weights, rng, []

    def draw(self):
        if not self.buffer:
            self.buffer = self.rng.choices(self.vocabulary, self.weights, k=1000)
        return self.buffer.pop()


def text(rng, words, n_chars=200):
    out = []
    while sum(map(len, out)) < n_chars:
        out.append(words.draw())
        if rng.random() < 0.12:
            out.append("，" if rng.random() < 0.7 else "。")
    return "".join(out)


def flush(items, docs, terms):
    """The rows in bulk; the terms by ``executemany`` (the ORM's bulk_create is the slow part of
    loading 15 million rows, and the benchmark is of reading them)."""
    from gonghui.news.models import NewsItem
    from gonghui.search.models import SearchDocument, SearchTerm

    NewsItem.objects.bulk_create(items)
    SearchDocument.objects.bulk_create(docs)
    table = SearchTerm._meta.db_table
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {table} (document_id, term) VALUES (%s, %s)", terms)


def load(n):
    from gonghui.news.models import NewsItem
    from gonghui.search import tokens
    from gonghui.search.models import SearchDocument
    from gonghui.testing import build_world

    sqlite = connection.vendor == "sqlite"

    world = build_world()
    org, author = world.orgs["xian"], world.users["xian_officer"]
    rng = random.Random(15)
    # A vocabulary like a newspaper's: the union's own words, and 8,000 more drawn from 3,000
    # characters, both used with Zipf frequencies (a few words everywhere, most rare).
    chars = list(dict.fromkeys(POOL)) + [chr(0x4E00 + i * 7) for i in range(3000)]
    char_weights = [1 / (i + 1) for i in range(len(chars))]
    vocabulary = ["".join(POOL[j : j + 2]) for j in range(0, len(POOL) - 1, 2)] + [
        "".join(rng.choices(chars, char_weights, k=rng.randint(2, 4))) for _ in range(8000)
    ]
    weights = [1 / (i + 1) for i in range(len(vocabulary))]
    words = Words(vocabulary, weights, rng)
    now = timezone.now()
    started = time.perf_counter()
    # 5,000 distinct texts, each used by n / 5,000 items (generating and cutting 50,000 texts
    # costs minutes of CPU on a shared machine and measures nothing the query depends on).
    texts = []
    for _ in range(min(n, 5000)):
        title, body = text(rng, words, 16), text(rng, words)
        texts.append((title, body, tuple(tokens.document_terms(title + body))))
    items, docs, terms = [], [], []
    for i in range(n):
        title, body, item_terms = texts[i % len(texts)]
        item = NewsItem(
            organisation=org, author=author, kind="news", audience="public", status="published",
            title=title, body=f"<p>{body}</p>", published_at=now - datetime.timedelta(minutes=i),
        )  # fmt: skip
        items.append(item)
        doc = SearchDocument(id=uuid.uuid4(), source="news", object_id=item.pk)
        docs.append(doc)
        key = doc.id.hex if sqlite else doc.id
        terms.extend((key, t) for t in item_terms)
        if len(items) == 2000:
            flush(items, docs, terms)
            items, docs, terms = [], [], []
    flush(items, docs, terms)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return rng, words, time.perf_counter() - started


def timed(fn, queries):
    samples = []
    for q in queries:
        t = time.perf_counter()
        fn(q)
        samples.append((time.perf_counter() - t) * 1000)
    samples.sort()
    return samples[len(samples) // 2], samples[int(len(samples) * 0.95) - 1]


def main():
    from gonghui.news.models import NewsItem
    from gonghui.search import index
    from gonghui.search.models import SearchTerm

    setup_test_environment()
    old = connection.creation.create_test_db(verbosity=0)
    try:
        rng, words, load_s = load(N)
        print(f"{connection.vendor}: {N} items, {SearchTerm.objects.count()} terms, loaded in {load_s:.1f} s")
        kinds = {
            "common word (2 chars)": ["工会", "职工", "活动"],
            "word of the text (2–4)": [words.draw() for _ in range(REPEAT)],
            "two words": [words.draw() + words.draw() for _ in range(REPEAT)],
            "absent word": ["量子纠缠", "火星基地"],
        }
        for name, queries in kinds.items():
            queries = (queries * REPEAT)[:REPEAT]
            bigram = timed(lambda q: list(index.search(None, q)), queries)
            like = timed(
                lambda q: list(NewsItem.objects.filter(status="published", body__icontains=q)
                               .order_by("-published_at")[:50]),
                queries,
            )  # fmt: skip
            print(f"  {name:24} bigram p50 {bigram[0]:7.1f} p95 {bigram[1]:7.1f} ms | "
                  f"icontains p50 {like[0]:7.1f} p95 {like[1]:7.1f} ms")  # fmt: skip
    finally:
        connection.creation.destroy_test_db(old, verbosity=0)


if __name__ == "__main__":
    main()
