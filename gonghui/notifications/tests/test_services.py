"""The inbox and its deliveries: notify, quiet hours, claiming by phone, read marks."""

import datetime
import json
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy

from gonghui.core import crypto
from gonghui.core.models import AuditEntry
from gonghui.notifications import selectors, services
from gonghui.notifications.choices import Channel
from gonghui.notifications.models import Dispatch, Notification, Preference
from gonghui.testing import make_phone, make_user

BEIJING = ZoneInfo("Asia/Shanghai")
KIND = "request.closed"


def at(hour: int, minute: int = 0, day: int = 3) -> datetime.datetime:
    return datetime.datetime(2026, 3, day, hour, minute, tzinfo=BEIJING)


def send(**kw) -> Notification:
    data = {
        "kind": KIND,
        "title": gettext_lazy("Request accepted"),
        "body": "正文",
        "params": {"number": "R-1"},
    }
    data.update(kw)
    return services.notify(**data)


def test_a_notification_for_an_account_lands_in_its_inbox_unread(member_user):
    n = send(user=member_user, link="/rights/")
    assert list(selectors.notifications_of(member_user)) == [n]
    assert n.read_at is None and n.link == "/rights/" and n.title == "诉求已受理"
    assert selectors.unread_count(member_user) == 1


def test_the_title_is_written_in_the_recipients_language(member_user):
    Preference.objects.create(user=member_user, language="en")
    n = send(user=member_user, title=gettext_lazy("Request closed"))
    assert n.title == "Request closed"


def test_a_kind_no_app_declares_is_refused_and_nothing_is_written(member_user):
    with pytest.raises(ValueError):
        send(user=member_user, kind="made.up")
    assert not Notification.objects.exists() and not Dispatch.objects.exists()


def test_a_notification_without_recipient_is_refused(db):
    with pytest.raises(ValueError):
        send()
    assert not Notification.objects.exists()


def test_a_bad_phone_is_refused_and_nothing_is_written(db):
    with pytest.raises(ValidationError) as caught:
        send(phone="12345")
    assert caught.value.code == "phone_format"
    assert not Notification.objects.exists() and not Dispatch.objects.exists()


def test_a_phone_without_account_is_kept_only_encrypted_and_indexed(db):
    phone = make_phone(77)
    n = send(phone=phone)
    assert n.recipient is None and phone not in n.phone_enc and phone not in n.phone_hash
    assert crypto.decrypt(n.phone_enc) == phone
    dispatch = Dispatch.objects.get(notification=n)
    assert dispatch.channel == Channel.SMS and crypto.decrypt(dispatch.to_enc) == phone


def test_claiming_a_phone_after_the_account_exists_moves_its_notifications_to_the_inbox(db):
    phone = make_phone(78)
    first, second = send(phone=phone), send(phone=phone)
    other = send(phone=make_phone(79))
    later = make_user("later")
    assert services.claim_for_phone(later, phone) == 2
    assert set(selectors.notifications_of(later)) == {first, second}
    first.refresh_from_db()
    assert first.phone_enc == "" and first.phone_hash == ""
    other.refresh_from_db()
    assert other.recipient is None
    assert services.claim_for_phone(later, phone) == 0
    assert AuditEntry.objects.filter(action="notifications.notification.claimed").count() == 1


def test_sms_is_sent_now_outside_quiet_hours(member_user):
    now = at(12)
    n = send(user=member_user, phone=make_phone(80), now=now)
    assert Dispatch.objects.get(notification=n).due_at == now


def test_sms_in_quiet_hours_waits_until_they_end(member_user):
    n = send(user=member_user, phone=make_phone(80), now=at(23, 30))
    assert Dispatch.objects.get(notification=n).due_at == at(8, 0, day=4)
    early = send(user=member_user, phone=make_phone(80), now=at(6, 15))
    assert Dispatch.objects.get(notification=early).due_at == at(8, 0)


def test_quiet_hours_follow_the_persons_preference(member_user):
    Preference.objects.create(
        user=member_user, quiet_start=datetime.time(13, 0), quiet_end=datetime.time(14, 0)
    )
    n = send(user=member_user, phone=make_phone(80), now=at(13, 30))
    assert Dispatch.objects.get(notification=n).due_at == at(14, 0)
    late = send(user=member_user, phone=make_phone(80), now=at(23, 30))
    assert Dispatch.objects.get(notification=late).due_at == at(23, 30)


def test_channels_switched_off_send_nothing_but_the_inbox_keeps_it(member_user):
    member_user.email = "zhang@example.cn"
    member_user.save()
    Preference.objects.create(user=member_user, sms=False, email=True)
    n = send(user=member_user, phone=make_phone(80))
    assert [d.channel for d in Dispatch.objects.filter(notification=n)] == [Channel.EMAIL]
    assert selectors.unread_count(member_user) == 1


def test_marking_read_marks_only_that_notification(member_user):
    a, b = send(user=member_user), send(user=member_user)
    services.notification_mark_read(actor=member_user, notification_id=a.pk)
    a.refresh_from_db()
    b.refresh_from_db()
    assert a.read_at is not None and b.read_at is None
    assert selectors.unread_count(member_user) == 1


def test_marking_someone_elses_notification_read_is_not_found_and_changes_nothing(member_user, city_officer):
    n = send(user=member_user)
    with pytest.raises(Http404):
        services.notification_mark_read(actor=city_officer, notification_id=n.pk)
    with pytest.raises(Http404):
        services.notification_mark_read(actor=city_officer, notification_id="not-a-uuid")
    n.refresh_from_db()
    assert n.read_at is None


def test_mark_all_read_empties_the_unread_count_of_that_person_only(member_user, city_officer):
    send(user=member_user), send(user=member_user), send(user=city_officer)
    assert services.notifications_mark_all_read(actor=member_user) == 2
    assert selectors.unread_count(member_user) == 0 and selectors.unread_count(city_officer) == 1


def test_preferences_are_saved_and_audited(member_user):
    services.preference_set(actor=member_user, sms=False, email=True, quiet_start="23:00", quiet_end="07:00")
    pref = Preference.objects.get(user=member_user)
    assert (pref.sms, pref.email, pref.quiet_start, pref.quiet_end) == (
        False,
        True,
        datetime.time(23),
        datetime.time(7),
    )
    assert AuditEntry.objects.filter(action="notifications.preference.changed").count() == 1


def test_bad_quiet_hours_are_refused_field_by_field_and_nothing_is_saved(member_user):
    with pytest.raises(ValidationError) as caught:
        services.preference_set(actor=member_user, sms=True, email=False, quiet_start="25:00", quiet_end="")
    assert {f: [e.code for e in errs] for f, errs in caught.value.error_dict.items()} == {
        "quiet_start": ["time_invalid"],
        "quiet_end": ["required"],
    }
    assert not Preference.objects.exists()
    assert not AuditEntry.objects.filter(action="notifications.preference.changed").exists()


# ---- handing the SMS to the channel layer ------------------------------------------------


@pytest.fixture
def outbox(settings, tmp_path):
    settings.GONGHUI_OUTBOX_DIR = tmp_path / "outbox"
    settings.GONGHUI_SITE_URL = "https://gonghui.example.cn"
    return tmp_path / "outbox" / "sms.jsonl"


def sent(outbox) -> list[dict]:
    if not outbox.exists():
        return []
    return [json.loads(line) for line in outbox.read_text(encoding="utf-8").splitlines()]


def test_outside_quiet_hours_the_sms_goes_out_when_the_change_commits(
    member_user, outbox, django_capture_on_commit_callbacks
):
    phone = make_phone(81)
    with django_capture_on_commit_callbacks(execute=True):
        n = send(user=member_user, phone=phone, link="/rights/", now=at(12))
    (line,) = sent(outbox)
    assert line["to"] == phone and line["template"] == "request.closed"
    assert line["params"] == {"number": "R-1", "link": "https://gonghui.example.cn/rights/"}
    assert line["text"] == "您的诉求 R-1 已答复办结，请查看答复并评价：https://gonghui.example.cn/rights/"
    dispatch = Dispatch.objects.get(notification=n)
    assert dispatch.sent_at is not None and dispatch.delivery.template == "request.closed"


def test_an_english_recipient_gets_the_kinds_message_in_english(
    member_user, outbox, django_capture_on_commit_callbacks
):
    Preference.objects.create(user=member_user, language="en")
    with django_capture_on_commit_callbacks(execute=True):
        send(user=member_user, phone=make_phone(84), link="/rights/", now=at(12))
    (line,) = sent(outbox)
    assert line["language"] == "en" and line["template"] == "request.closed"
    assert line["text"].startswith("Your request R-1 is answered and closed.")


def test_a_kind_without_its_own_message_goes_out_as_the_generic_notification(
    member_user, outbox, monkeypatch, django_capture_on_commit_callbacks
):
    from gonghui.core.channels import templates

    monkeypatch.delitem(templates.TEMPLATES, KIND)
    phone = make_phone(83)
    with django_capture_on_commit_callbacks(execute=True):
        n = send(user=member_user, phone=phone, link="/rights/", now=at(12))
    (line,) = sent(outbox)
    assert line["template"] == "notification"
    assert line["params"] == {"title": n.title, "link": "https://gonghui.example.cn/rights/"}


def test_a_notification_missing_a_parameter_of_its_message_is_refused_and_nothing_is_written(
    member_user, outbox
):
    with pytest.raises(ValueError, match="number"):
        send(user=member_user, phone=make_phone(82), params={"union": "x"})
    assert not Notification.objects.exists() and not Dispatch.objects.exists()
    assert sent(outbox) == []


def test_a_message_held_for_quiet_hours_goes_out_only_when_they_end(
    member_user, outbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        send(user=member_user, phone=make_phone(82), now=at(23, 30))
    assert sent(outbox) == []
    assert services.dispatch_due(now=at(7, 59, day=4)) == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert services.dispatch_due(now=at(8, 0, day=4)) == 1
    assert len(sent(outbox)) == 1
    assert services.dispatch_due(now=at(9, 0, day=4)) == 0  # handed over once


def test_a_failing_provider_never_loses_the_inbox_notification(
    member_user, outbox, monkeypatch, django_capture_on_commit_callbacks
):
    from gonghui.core.channels import backends

    def broken(*args, **kwargs):
        raise backends.DeliveryFailed("provider down", permanent=False)

    monkeypatch.setattr(backends.FileSmsBackend, "send", broken)
    with django_capture_on_commit_callbacks(execute=True):
        n = send(user=member_user, phone=make_phone(83), now=at(12))
    assert selectors.unread_count(member_user) == 1
    delivery = Dispatch.objects.get(notification=n).delivery
    delivery.refresh_from_db()
    assert delivery.status == "retrying" and "provider down" in delivery.last_error
