import io

import pytest
from django.core.management import call_command

from gonghui.news.choices import Status
from gonghui.news.models import NewsItem, NewsReceipt, NewsRevision, ReviewStep
from gonghui.news.selectors.readers import published_for
from gonghui.news.selectors.receipts import receipt_table

pytestmark = pytest.mark.django_db


def test_the_demo_has_province_news_a_xian_notice_to_acknowledge_and_items_at_every_stage():
    call_command("seed_demo", members=60, stdout=io.StringIO())
    public = published_for(None)
    assert public.filter(organisation__code="610000", audience="public").count() >= 3
    assert public.first().pinned
    notice = NewsItem.objects.get(
        organisation__code="610100", audience="members", requires_ack=True, status=Status.PUBLISHED
    )
    assert not public.filter(pk=notice.pk).exists()
    receipts = NewsReceipt.objects.filter(item=notice)
    assert receipts.count() > receipts.filter(acked_at__isnull=False).count() > 0
    assert (
        sum(row.acknowledged for row in receipt_table(notice))
        == receipts.filter(acked_at__isnull=False).count()
    )
    statuses = set(NewsItem.objects.values_list("status", flat=True))
    assert {"draft", "first_review", "second_review", "final_review", "published", "withdrawn"} <= statuses
    rejected = ReviewStep.objects.get(decision="rejected")
    assert rejected.item.status == Status.DRAFT and rejected.comment
    assert NewsRevision.objects.filter(item__corrected_at__isnull=False).count() == 1
    # Every published item had three different reviewers, none its author.
    for item in NewsItem.objects.filter(status=Status.PUBLISHED):
        reviewers = list(item.steps.filter(review_round=item.review_round).values_list("reviewer", flat=True))
        assert len(set(reviewers)) == 3 and item.author_id not in reviewers


def test_seeding_the_demo_twice_changes_no_news():
    call_command("seed_demo", members=60, stdout=io.StringIO())
    count = NewsItem.objects.count()
    call_command("seed_demo", members=60, stdout=io.StringIO())
    assert NewsItem.objects.count() == count
