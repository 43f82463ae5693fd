"""Search across news and notices for Chinese words (no spaces between words) on SQLite and
PostgreSQL alike, respecting the reader's audience."""

import pytest
from django.urls import reverse

from gonghui.news import search as news_search
from gonghui.news.services import items
from gonghui.news.tests.factories import published
from gonghui.search import index, tokens
from gonghui.search.models import SearchDocument
from gonghui.testing import client_for

pytestmark = pytest.mark.django_db


def _titles(client, q):
    response = client.get(reverse("search"), {"q": q})
    assert response.status_code == 200
    return [r.title for r in response.context["results"]]


def test_chinese_text_gives_bigrams_and_characters_and_latin_text_words():
    assert tokens.document_terms("职工书屋 ＡＰＰ2024") == {
        "职",
        "工",
        "书",
        "屋",
        "职工",
        "工书",
        "书屋",
        "app2024",
    }
    assert tokens.query_terms("书屋") == {"书屋"}
    assert tokens.query_terms("书") == {"书"}
    assert tokens.query_terms("  ") == set()


def test_a_word_inside_a_sentence_is_found_and_a_word_not_there_is_not(world, client):
    item = published(world, kind="news", audience="public", title="西安举办读书月活动",
                     body="<p>全市职工书屋开展读书分享，<b>劳模</b>进校园。</p>")  # fmt: skip
    news_search.index_item(item)
    assert _titles(client, "职工书屋") == ["西安举办读书月活动"]
    assert _titles(client, "劳模进校园") == ["西安举办读书月活动"]
    assert _titles(client, "屋") == ["西安举办读书月活动"]
    assert _titles(client, "书屋劳模") == []  # the characters are there, not in this order
    assert _titles(client, "工匠") == []


def test_a_members_notice_is_found_only_by_readers_in_its_audience(
    world, client, member_user, sibling_city_admin
):
    notice = published(world, title="关于职工书屋的通知")
    news_search.index_item(notice)
    assert _titles(client_for(member_user), "职工书屋") == ["关于职工书屋的通知"]
    assert _titles(client, "职工书屋") == []
    assert _titles(client_for(sibling_city_admin), "职工书屋") == []


def test_a_withdrawn_item_is_taken_out_of_the_index(world, client):
    item = published(world, kind="news", audience="public", title="职工书屋资讯")
    news_search.index_item(item)
    items.news_withdraw(actor=world.users["xian"], item=item, reason="有误")
    news_search.unindex_item(item)
    assert _titles(client, "职工书屋") == []
    assert not SearchDocument.objects.exists()


def test_indexing_an_unpublished_item_keeps_it_out_and_rebuild_indexes_every_published_item(world, client):
    draft = items.news_create(
        actor=world.users["xian_officer"], organisation=world.orgs["xian"],
        data={"kind": "news", "title": "职工书屋草稿", "audience": "public", "body": "<p>草稿</p>"},
    )  # fmt: skip
    news_search.index_item(draft)
    assert not SearchDocument.objects.exists()
    published(world, kind="news", audience="public", title="职工书屋资讯")
    assert index.rebuild() == 1
    assert _titles(client, "书屋") == ["职工书屋资讯"]


def test_an_empty_or_punctuation_only_query_finds_nothing(world, client):
    news_search.index_item(published(world, kind="news", audience="public", title="职工书屋资讯"))
    assert _titles(client, "") == [] and _titles(client, "，。！") == []


def test_the_review_services_index_on_publication_and_unindex_on_withdrawal(world, client):
    # No explicit index_item call: the services keep the index in step with what is published.
    item = published(world, kind="news", audience="public", title="职工书屋开放日")
    assert _titles(client, "开放日") == ["职工书屋开放日"]
    items.news_withdraw(actor=world.users["xian"], item=item, reason="日期有误")
    assert _titles(client, "开放日") == []


def test_a_published_correction_is_found_through_the_item_it_corrected(world, client):
    from gonghui.news.tests.factories import item_data

    item = published(world, kind="news", audience="public", title="职工运动会通知")
    author, reviewers = world.users["xian_officer"], [world.users["xian"], world.users["shaanxi"]]
    draft = items.news_correct(
        actor=author, item=item, data=item_data(kind="news", audience="public", title="职工运动会延期通知")
    )
    draft = items.news_submit(actor=author, item=draft)
    draft = items.news_approve(actor=reviewers[0], item=draft)
    draft = items.news_approve(actor=reviewers[1], item=draft)
    items.news_publish(actor=world.users["national"], item=draft)
    assert _titles(client, "延期") == ["职工运动会延期通知"]
    assert SearchDocument.objects.filter(source="news").count() == 1
