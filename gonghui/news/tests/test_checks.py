"""Checks before review: personal data and broken links of our own refuse the submission with
nothing changed; sensitive words are stored for the reviewers."""

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings

from gonghui.core.models import AuditEntry
from gonghui.news.choices import AuditAction, Status
from gonghui.news.models import NewsItem, ReviewStep, SensitiveWord
from gonghui.news.services import items
from gonghui.news.tests.factories import item_data
from gonghui.testing import make_id_number

pytestmark = pytest.mark.django_db


def _draft(world, body):
    return items.news_create(
        actor=world.users["xian_officer"], organisation=world.orgs["xian"], data=item_data(body=body)
    )


def _refused(world, body) -> ValidationError:
    draft = _draft(world, body)
    with pytest.raises(ValidationError) as caught:
        items.news_submit(actor=world.users["xian_officer"], item=draft)
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT
    assert draft.review_round == 0
    assert not ReviewStep.objects.filter(item=draft).exists()
    assert not AuditEntry.objects.filter(object_id=str(draft.pk), action=AuditAction.ITEM_SUBMITTED).exists()
    return caught.value


def _codes(error: ValidationError) -> set:
    return {e.code for e in error.error_dict["body"]}


def test_a_valid_id_number_in_the_body_refuses_the_submission_and_nothing_changes(world):
    number = make_id_number("610113")
    error = _refused(world, f"<p>联系人身份证号：<strong>{number}</strong></p>")
    assert _codes(error) == {"personal_data_in_body"}
    assert number not in str(error.error_dict["body"][0].message % error.error_dict["body"][0].params)


@pytest.mark.parametrize("phone", ["13912345678", "139 1234 5678", "139-1234-5678"])
def test_a_mobile_number_in_the_body_refuses_the_submission(world, phone):
    assert _codes(_refused(world, f"<p>咨询电话 {phone}</p>")) == {"personal_data_in_body"}


def test_a_number_hidden_by_tags_or_entities_is_still_found(world):
    assert _codes(_refused(world, "<p>电话139<em>1234</em>&#53;678</p>")) == {"personal_data_in_body"}


def test_an_eighteen_digit_number_with_a_wrong_check_character_and_a_landline_pass(world, city_officer):
    number = make_id_number("610113")
    wrong = number[:17] + ("0" if number[17] != "0" else "1")
    draft = _draft(world, f"<p>订单号 {wrong}，办公电话 029-87654321</p>")
    assert items.news_submit(actor=city_officer, item=draft).status == Status.FIRST_REVIEW


def test_a_link_to_a_page_of_ours_that_does_not_exist_refuses_the_submission(world):
    error = _refused(world, '<p><a href="/no-such-page/">报名</a></p>')
    assert _codes(error) == {"broken_link"}
    assert error.error_dict["body"][0].params == {"link": "/no-such-page/"}


@override_settings(GONGHUI_SITE_URL="https://gonghui.example.org")
def test_an_absolute_link_to_our_host_is_checked_and_other_sites_are_not(world, city_officer):
    assert _codes(_refused(world, '<p><a href="https://gonghui.example.org/nowhere/">x</a></p>')) == {
        "broken_link"
    }
    draft = _draft(
        world,
        '<p><a href="https://gonghui.example.org/accounts/login/">登录</a>'
        '<a href="https://www.acftu.org/nowhere">全总</a><a href="mailto:a@b.cn">信</a></p>',
    )
    assert items.news_submit(actor=city_officer, item=draft).status == Status.FIRST_REVIEW


@override_settings(GONGHUI_NEWS_SENSITIVE_WORDS=["内部资料"])
def test_sensitive_words_of_the_setting_and_the_admin_list_are_stored_not_refused(world, city_officer):
    SensitiveWord.objects.create(word="绝密")
    SensitiveWord.objects.create(word="停用词", active=False)
    draft = _draft(world, "<p>本文件为内部资料，绝密，停用词。</p>")
    item = items.news_submit(actor=city_officer, item=draft)
    assert item.status == Status.FIRST_REVIEW
    assert NewsItem.objects.get(pk=item.pk).flagged_words == ["内部资料", "绝密"]


def test_an_item_without_sensitive_words_has_none_flagged(world, city_officer):
    item = items.news_submit(actor=city_officer, item=_draft(world, "<p>欢迎参加读书月。</p>"))
    assert item.flagged_words == []
