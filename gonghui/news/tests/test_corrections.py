"""Corrections (更正): a draft of its own through the whole 三审三校; publishing it replaces the
original's text, keeps the earlier version and marks the date; the original stays published."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from gonghui.core.models import AuditEntry
from gonghui.news.choices import AuditAction, Status
from gonghui.news.models import NewsItem, NewsRevision
from gonghui.news.selectors.readers import published_for
from gonghui.news.services import items
from gonghui.news.tests.factories import published

pytestmark = pytest.mark.django_db

FIXED = {"title": "关于开展职工书屋读书月活动的通知（更正）", "body": "<p>活动时间更正为五月。</p>"}


@pytest.fixture
def original(world):
    return published(world, audience="public", kind="news", title="读书月活动")


def _through_review(world, correction):
    correction = items.news_submit(actor=correction.author, item=correction)
    correction = items.news_approve(actor=world.users["xian"], item=correction)
    correction = items.news_approve(actor=world.users["shaanxi"], item=correction)
    return items.news_publish(actor=world.users["national"], item=correction)


def test_a_correction_goes_through_review_and_replaces_the_text_keeping_the_earlier_version(
    world, original, city_officer
):
    correction = items.news_correct(actor=city_officer, item=original, data=FIXED)
    assert correction.status == Status.DRAFT
    assert correction.corrects == original
    assert (correction.kind, correction.audience) == (original.kind, original.audience)
    # While the correction is under review the original is read unchanged.
    correction = items.news_submit(actor=city_officer, item=correction)
    assert list(published_for(None).values_list("title", flat=True)) == ["读书月活动"]
    correction = items.news_reject(actor=world.users["xian"], item=correction, comment="日期再核对")
    correction = _through_review(world, correction)
    original.refresh_from_db()
    assert original.status == Status.PUBLISHED
    assert original.title == correction.title
    assert "更正" in original.title
    assert original.body == FIXED["body"]
    assert original.corrected_at is not None
    revision = NewsRevision.objects.get(item=original)
    assert revision.title == "读书月活动"
    assert (
        AuditEntry.objects.filter(action=AuditAction.ITEM_CORRECTED, object_id=str(original.pk)).count() == 1
    )
    # The published correction is not a second item for readers.
    assert list(published_for(None).values_list("pk", flat=True)) == [original.pk]


def test_only_a_published_item_can_be_corrected_and_nothing_is_written(world, city_officer):
    draft = items.news_create(
        actor=city_officer, organisation=world.orgs["xian"], data={"kind": "news", "title": "草稿",
        "audience": "public", "body": "<p>正文</p>"},
    )  # fmt: skip
    with pytest.raises(ValidationError) as caught:
        items.news_correct(actor=city_officer, item=draft, data=FIXED)
    assert caught.value.error_dict["status"][0].code == "wrong_stage"
    assert NewsItem.objects.count() == 1


def test_a_correction_is_refused_to_a_sibling_officer_404_and_a_viewer_403(
    original, sibling_city_admin, city_viewer
):
    with pytest.raises(Http404):
        items.news_correct(actor=sibling_city_admin, item=original, data=FIXED)
    with pytest.raises(PermissionDenied):
        items.news_correct(actor=city_viewer, item=original, data=FIXED)
    assert NewsItem.objects.count() == 1


def test_a_correction_of_an_item_withdrawn_meanwhile_cannot_be_published(world, original, city_officer):
    correction = items.news_correct(actor=city_officer, item=original, data=FIXED)
    correction = items.news_submit(actor=city_officer, item=correction)
    correction = items.news_approve(actor=world.users["xian"], item=correction)
    correction = items.news_approve(actor=world.users["shaanxi"], item=correction)
    items.news_withdraw(actor=world.users["xian"], item=original, reason="内容有误")
    with pytest.raises(ValidationError):
        items.news_publish(actor=world.users["national"], item=correction)
    correction.refresh_from_db()
    assert correction.status == Status.FINAL_REVIEW
    assert not NewsRevision.objects.exists()
