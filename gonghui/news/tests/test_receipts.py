"""Read receipts: opening marks read once, members acknowledge a notice once, the receipt table
per union, reminders at most once an hour, the inbox notice on publication."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from gonghui.core.models import AuditEntry
from gonghui.members.services import members as member_services
from gonghui.news.choices import AuditAction, NotificationKind
from gonghui.news.models import NewsItem, NewsReceipt
from gonghui.news.selectors.receipts import receipt_csv, receipt_table
from gonghui.news.services import receipts
from gonghui.news.tests.factories import published
from gonghui.notifications.models import Notification
from gonghui.testing import make_id_number, make_phone, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def notice(world):
    return published(world, requires_ack=True, title="关于报送职工书屋建设情况的通知")


def _member_with_login(world, org_key, username, n):
    member = member_services.member_create(
        actor=None,
        organisation=world.orgs[org_key],
        name="李" + "一二三四五六七八九"[n],
        id_number=make_id_number(),
        phone=make_phone(),
        joined_on=datetime.date(2022, 1, 1),
    )
    user = make_user(username)
    member_services.member_link_user(actor=world.users["national"], member=member, user=user)
    return user


def test_opening_an_item_marks_it_read_once(notice, member_user):
    first = receipts.news_mark_read(actor=member_user, item=notice)
    again = receipts.news_mark_read(actor=member_user, item=notice)
    assert first.pk == again.pk
    assert NewsReceipt.objects.filter(item=notice).count() == 1
    assert first.organisation.code == "XA-0001"
    assert receipts.news_mark_read(actor=None, item=notice) is None


def test_a_reader_who_may_not_read_the_item_gets_404_and_no_receipt(world, notice, sibling_city_admin):
    with pytest.raises(Http404):
        receipts.news_mark_read(actor=sibling_city_admin, item=notice)
    assert not NewsReceipt.objects.exists()


def test_a_member_acknowledges_once_and_a_second_time_is_already_acknowledged(notice, member_user):
    receipt = receipts.news_ack(actor=member_user, item=notice)
    assert receipt.acked_at is not None
    with pytest.raises(receipts.AlreadyAcknowledged) as caught:
        receipts.news_ack(actor=member_user, item=notice)
    assert caught.value.code == "already_acknowledged"
    assert AuditEntry.objects.filter(action=AuditAction.ITEM_ACKNOWLEDGED).count() == 1


def test_an_item_that_does_not_ask_for_acknowledgement_is_refused(world, member_user):
    item = published(world, title="普通通知")
    with pytest.raises(ValidationError) as caught:
        receipts.news_ack(actor=member_user, item=item)
    assert caught.value.code == "ack_not_required"
    assert not NewsReceipt.objects.exists()


def test_an_officer_who_reads_the_notice_but_is_no_member_may_not_acknowledge_it(notice, city_admin):
    with pytest.raises(PermissionDenied):
        receipts.news_ack(actor=city_admin, item=notice)
    assert not NewsReceipt.objects.exists()


def test_a_member_of_a_sibling_branch_gets_404_for_the_acknowledgement(world, notice):
    baoji_user = _member_with_login(world, "baoji_factory", "baoji_member", 1)
    with pytest.raises(Http404):
        receipts.news_ack(actor=baoji_user, item=notice)
    assert not NewsReceipt.objects.exists()


def test_the_receipt_table_counts_members_read_and_acknowledged_per_union_below(world, notice, member_user):
    other = _member_with_login(world, "xian_factory", "xian_member_2", 2)
    joint = _member_with_login(world, "yanta_joint", "joint_member", 3)
    receipts.news_mark_read(actor=member_user, item=notice)
    receipts.news_ack(actor=other, item=notice)
    receipts.news_ack(actor=joint, item=notice)
    receipts.news_mark_read(actor=world.users["xian"], item=notice)  # an officer's reading: no member
    rows = receipt_table(notice)
    assert [(r.code, r.members, r.read, r.acknowledged) for r in rows] == [("610113", 3, 3, 2)]
    text = receipt_csv(notice).decode("utf-8-sig")
    assert "610113,雁塔区总工会,3,3,2" in text


def test_the_receipt_table_has_a_row_per_chosen_target_in_one_query(world, member_user):
    notice = published(world, requires_ack=True, targets=["xian_factory", "yanta_joint"])
    receipts.news_ack(actor=member_user, item=notice)
    with CaptureQueriesContext(connection) as queries:
        rows = receipt_table(notice)
    assert [(r.code, r.members, r.read, r.acknowledged) for r in rows] == [
        ("XA-0001", 1, 1, 1),
        ("XA-0002", 0, 0, 0),
    ]
    assert len(queries) <= 3


def test_publishing_a_notice_to_acknowledge_puts_it_in_target_members_inboxes(world, notice, member_user):
    inbox = Notification.objects.filter(kind=NotificationKind.PUBLISHED)
    assert list(inbox.values_list("recipient", flat=True)) == [member_user.pk]
    assert "关于报送职工书屋建设情况的通知" in inbox.get().title


def test_news_without_acknowledgement_sends_no_inbox_notice(world):
    published(world, kind="news", audience="public")
    assert not Notification.objects.filter(kind=NotificationKind.PUBLISHED).exists()


def test_reminding_reaches_members_with_an_account_who_have_not_acknowledged(
    world, notice, member_user, city_officer
):
    other = _member_with_login(world, "xian_factory", "xian_member_2", 2)
    receipts.news_ack(actor=other, item=notice)
    assert receipts.news_remind(actor=city_officer, item=notice) == 1
    reminded = Notification.objects.filter(kind=NotificationKind.REMINDER)
    assert list(reminded.values_list("recipient", flat=True)) == [member_user.pk]
    assert AuditEntry.objects.filter(action=AuditAction.ITEM_REMINDED).count() == 1


def test_a_second_reminder_within_the_hour_is_refused_and_nothing_is_sent(notice, city_officer):
    now = timezone.now()
    receipts.news_remind(actor=city_officer, item=notice, now=now)
    with pytest.raises(ValidationError) as caught:
        receipts.news_remind(actor=city_officer, item=notice, now=now + datetime.timedelta(minutes=59))
    assert caught.value.code == "reminded_too_soon"
    assert Notification.objects.filter(kind=NotificationKind.REMINDER).count() == 1
    assert AuditEntry.objects.filter(action=AuditAction.ITEM_REMINDED).count() == 1
    receipts.news_remind(actor=city_officer, item=notice, now=now + datetime.timedelta(minutes=61))
    assert Notification.objects.filter(kind=NotificationKind.REMINDER).count() == 2


def test_reminders_are_refused_to_a_sibling_officer_404_and_a_viewer_403(
    notice, sibling_city_admin, city_viewer
):
    with pytest.raises(Http404):
        receipts.news_remind(actor=sibling_city_admin, item=notice)
    with pytest.raises(PermissionDenied):
        receipts.news_remind(actor=city_viewer, item=notice)
    assert NewsItem.objects.get(pk=notice.pk).reminded_at is None
    assert not Notification.objects.filter(kind=NotificationKind.REMINDER).exists()


def test_the_inbox_notice_on_publication_costs_the_same_queries_for_one_member_or_many(world, member_user):
    notice = published(world, requires_ack=True, title="一人")
    with CaptureQueriesContext(connection) as few:
        assert receipts.notify_published(notice) == 1
    for n in range(4):
        _member_with_login(world, "xian_factory", f"many_{n}", n)
    with CaptureQueriesContext(connection) as many:
        assert receipts.notify_published(notice) == 5
    assert len(many) == len(few)


def test_publishing_a_correction_of_a_notice_does_not_notify_its_members_again(world, notice, city_officer):
    from gonghui.news.services import items

    correction = items.news_correct(actor=city_officer, item=notice, data={"title": "更正后的通知"})
    correction = items.news_submit(actor=city_officer, item=correction)
    for reviewer in ("xian", "shaanxi"):
        correction = items.news_approve(actor=world.users[reviewer], item=correction)
    items.news_publish(actor=world.users["national"], item=correction)
    assert Notification.objects.filter(kind=NotificationKind.PUBLISHED).count() == 1
    assert NewsItem.objects.get(pk=notice.pk).title == "更正后的通知"
