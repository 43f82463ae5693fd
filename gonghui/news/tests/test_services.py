"""三审三校: each stage by a different person with the review right, rejection back to the author
with the comment and a notification, publication, withdrawal, and the sanitised body."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from gonghui.core.models import AuditEntry
from gonghui.news.choices import AuditAction, Decision, NotificationKind, Status
from gonghui.news.models import NewsItem, ReviewStep
from gonghui.news.services import items
from gonghui.notifications.models import Notification

pytestmark = pytest.mark.django_db


def _data(**overrides):
    data = {
        "kind": "notice",
        "title": "关于开展职工书屋读书月活动的通知",
        "audience": "members",
        "body": "<p>各基层工会：</p>",
    }
    data.update(overrides)
    return data


@pytest.fixture
def draft(world, city_officer):
    return items.news_create(actor=city_officer, organisation=world.orgs["xian"], data=_data())


@pytest.fixture
def submitted(draft, city_officer):
    return items.news_submit(actor=city_officer, item=draft)


def _codes(error: ValidationError) -> set:
    return {
        e.code
        for e in (
            error.error_list if not hasattr(error, "error_dict") else sum(error.error_dict.values(), [])
        )
    }


def _audited(item, action) -> int:
    return AuditEntry.objects.filter(object_id=str(item.pk), action=action).count()


def test_an_officer_writes_a_draft_and_it_is_audited(draft, city_officer):
    assert draft.status == Status.DRAFT
    assert draft.author == city_officer
    assert _audited(draft, AuditAction.ITEM_CREATED) == 1


def test_the_author_submits_the_draft_to_first_review(submitted):
    submitted.refresh_from_db()
    assert submitted.status == Status.FIRST_REVIEW
    assert submitted.review_round == 1
    assert _audited(submitted, AuditAction.ITEM_SUBMITTED) == 1


def test_three_different_reviewers_take_the_item_through_first_second_and_final_review(
    submitted, city_admin, province_admin, national_admin
):
    item = items.news_approve(actor=city_admin, item=submitted)
    assert item.status == Status.SECOND_REVIEW
    item = items.news_approve(actor=province_admin, item=item, comment="标题可再精炼")
    assert item.status == Status.FINAL_REVIEW
    item = items.news_publish(actor=national_admin, item=item)
    assert item.status == Status.PUBLISHED
    assert item.published_at is not None
    steps = list(
        ReviewStep.objects.filter(item=item).order_by("at").values_list("stage", "reviewer", "decision")
    )
    assert steps == [
        (Status.FIRST_REVIEW, city_admin.pk, Decision.APPROVED),
        (Status.SECOND_REVIEW, province_admin.pk, Decision.APPROVED),
        (Status.FINAL_REVIEW, national_admin.pk, Decision.APPROVED),
    ]
    assert _audited(item, AuditAction.ITEM_APPROVED) == 2
    assert _audited(item, AuditAction.ITEM_PUBLISHED) == 1


def test_approve_with_comment_keeps_the_comment_in_the_history(submitted, city_admin):
    items.news_approve(actor=city_admin, item=submitted, comment="第二段请核对日期")
    step = ReviewStep.objects.get(item=submitted)
    assert step.comment == "第二段请核对日期"
    assert (
        AuditEntry.objects.get(object_id=str(submitted.pk), action=AuditAction.ITEM_APPROVED).reason
        == "第二段请核对日期"
    )


def test_the_author_may_not_review_their_own_item(world, city_admin, province_admin):
    item = items.news_create(actor=city_admin, organisation=world.orgs["xian"], data=_data())
    items.news_submit(actor=city_admin, item=item)
    with pytest.raises(ValidationError) as caught:
        items.news_approve(actor=city_admin, item=item)
    assert _codes(caught.value) == {"same_person"}
    item.refresh_from_db()
    assert item.status == Status.FIRST_REVIEW
    assert not ReviewStep.objects.filter(item=item).exists()
    assert _audited(item, AuditAction.ITEM_APPROVED) == 0


def test_the_first_reviewer_may_not_also_do_the_second_or_final_review(submitted, city_admin, province_admin):
    item = items.news_approve(actor=city_admin, item=submitted)
    with pytest.raises(ValidationError) as caught:
        items.news_approve(actor=city_admin, item=item)
    assert _codes(caught.value) == {"same_person"}
    item = items.news_approve(actor=province_admin, item=item)
    for reviewer in (city_admin, province_admin):
        with pytest.raises(ValidationError) as caught:
            items.news_publish(actor=reviewer, item=item)
        assert _codes(caught.value) == {"same_person"}
    item.refresh_from_db()
    assert item.status == Status.FINAL_REVIEW
    assert ReviewStep.objects.filter(item=item).count() == 2


def test_publishing_is_refused_before_the_final_review_stage(submitted, city_admin):
    with pytest.raises(ValidationError) as caught:
        items.news_publish(actor=city_admin, item=submitted)
    assert _codes(caught.value) == {"wrong_stage"}
    submitted.refresh_from_db()
    assert submitted.status == Status.FIRST_REVIEW
    assert not ReviewStep.objects.filter(item=submitted).exists()


def test_a_reviewer_rejects_with_a_comment_the_item_returns_to_the_author_who_is_notified(
    submitted, city_admin, province_admin, city_officer
):
    item = items.news_approve(actor=city_admin, item=submitted)
    item = items.news_reject(actor=province_admin, item=item, comment="涉及的活动日期有误，请核实后再报")
    assert item.status == Status.DRAFT
    step = ReviewStep.objects.get(item=item, decision=Decision.REJECTED)
    assert (step.stage, step.reviewer, step.comment) == (
        Status.SECOND_REVIEW,
        province_admin,
        "涉及的活动日期有误，请核实后再报",
    )
    note = Notification.objects.get(kind=NotificationKind.REJECTED)
    assert note.recipient == city_officer
    assert "涉及的活动日期有误，请核实后再报" in note.body
    assert "复审" in note.body
    assert _audited(item, AuditAction.ITEM_REJECTED) == 1


def test_a_rejection_without_a_comment_is_refused_and_nothing_changes(submitted, city_admin):
    with pytest.raises(ValidationError) as caught:
        items.news_reject(actor=city_admin, item=submitted, comment="  ")
    assert _codes(caught.value) == {"required"}
    submitted.refresh_from_db()
    assert submitted.status == Status.FIRST_REVIEW
    assert not ReviewStep.objects.filter(item=submitted).exists()
    assert not Notification.objects.exists()
    assert _audited(submitted, AuditAction.ITEM_REJECTED) == 0


def test_after_a_rejection_the_author_edits_and_resubmits_and_a_new_round_begins(
    submitted, city_admin, city_officer
):
    items.news_reject(actor=city_admin, item=submitted, comment="请补充报名方式")
    items.news_update(
        actor=city_officer, item=submitted, data=_data(body="<p>各基层工会：报名请联系本会。</p>")
    )
    item = items.news_submit(actor=city_officer, item=submitted)
    assert (item.status, item.review_round) == (Status.FIRST_REVIEW, 2)
    # The same 初审 reviewer may review the corrected item in the new round.
    assert items.news_approve(actor=city_admin, item=item).status == Status.SECOND_REVIEW


def test_a_published_item_is_withdrawn_with_its_reason(submitted, city_admin, province_admin, national_admin):
    item = items.news_approve(actor=city_admin, item=submitted)
    item = items.news_approve(actor=province_admin, item=item)
    item = items.news_publish(actor=national_admin, item=item)
    item = items.news_withdraw(actor=province_admin, item=item, reason="活动延期")
    item.refresh_from_db()
    assert (item.status, item.withdrawal_reason, item.withdrawn_by) == (
        Status.WITHDRAWN,
        "活动延期",
        province_admin,
    )
    assert (
        AuditEntry.objects.get(object_id=str(item.pk), action=AuditAction.ITEM_WITHDRAWN).reason == "活动延期"
    )


def test_withdrawing_an_unpublished_item_or_without_a_reason_is_refused(submitted, city_admin):
    with pytest.raises(ValidationError) as caught:
        items.news_withdraw(actor=city_admin, item=submitted, reason="不再需要")
    assert _codes(caught.value) == {"wrong_stage"}
    with pytest.raises(ValidationError) as caught:
        items.news_withdraw(actor=city_admin, item=submitted, reason="")
    assert _codes(caught.value) == {"required"}
    submitted.refresh_from_db()
    assert submitted.status == Status.FIRST_REVIEW
    assert _audited(submitted, AuditAction.ITEM_WITHDRAWN) == 0


def test_a_reviewer_of_a_sibling_branch_gets_404_and_nothing_is_written(
    submitted, sibling_city_admin, sibling_admin
):
    for outsider in (sibling_city_admin, sibling_admin):
        with pytest.raises(Http404):
            items.news_approve(actor=outsider, item=submitted)
        with pytest.raises(Http404):
            items.news_reject(actor=outsider, item=submitted, comment="不同意")
    assert not ReviewStep.objects.filter(item=submitted).exists()
    assert not Notification.objects.exists()


def test_a_viewer_who_sees_the_item_may_not_review_it(submitted, city_viewer):
    with pytest.raises(PermissionDenied):
        items.news_approve(actor=city_viewer, item=submitted)
    assert not ReviewStep.objects.filter(item=submitted).exists()


def test_a_reviewer_of_a_union_below_the_items_union_may_not_review_it(world, province_admin):
    """Review rights hold at the item's union or above: 西安's admin does not even see 陕西's item."""
    item = items.news_create(actor=province_admin, organisation=world.orgs["shaanxi"], data=_data())
    items.news_submit(actor=province_admin, item=item)
    with pytest.raises(Http404):
        items.news_approve(actor=world.users["xian"], item=item)
    assert not ReviewStep.objects.filter(item=item).exists()


def test_the_body_is_sanitised_scripts_handlers_and_javascript_links_go_images_stay(world, city_officer):
    body = (
        '<p onclick="steal()">通知<script>alert(1)</script>'
        '<a href="javascript:alert(1)">点此</a> <a href="https://www.acftu.org/">全总</a>'
        '<img src="/media/news/cover.png" alt="封面" onerror="steal()"></p>'
    )
    item = items.news_create(actor=city_officer, organisation=world.orgs["xian"], data=_data(body=body))
    item.refresh_from_db()
    assert "<script" not in item.body and "alert" not in item.body
    assert "onclick" not in item.body and "onerror" not in item.body
    assert "javascript:" not in item.body
    assert '<img src="/media/news/cover.png" alt="封面">' in item.body
    assert 'href="https://www.acftu.org/"' in item.body


def test_a_body_with_nothing_left_after_sanitising_is_refused_and_nothing_is_written(world, city_officer):
    with pytest.raises(ValidationError) as caught:
        items.news_create(
            actor=city_officer, organisation=world.orgs["xian"], data=_data(body="<script>alert(1)</script>")
        )
    assert _codes(caught.value) == {"required"}
    assert not NewsItem.objects.exists()
    assert not AuditEntry.objects.filter(action=AuditAction.ITEM_CREATED).exists()


def test_a_target_outside_the_items_union_is_refused(world, city_officer):
    with pytest.raises(ValidationError) as caught:
        items.news_create(
            actor=city_officer,
            organisation=world.orgs["xian"],
            data=_data(targets=[world.orgs["baoji_factory"]]),
        )
    assert _codes(caught.value) == {"target_outside"}
    assert not NewsItem.objects.exists()


def test_only_the_author_submits_a_draft(draft, city_admin):
    with pytest.raises(PermissionDenied):
        items.news_submit(actor=city_admin, item=draft)
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT
