"""The inbox pages and the bell on every page, in Chinese, without JavaScript."""

import pytest

from gonghui.core.models import AuditEntry
from gonghui.notifications import selectors, services
from gonghui.notifications.models import Notification, Preference
from gonghui.testing import client_for


def send(user, link="/rights/") -> Notification:
    return services.notify(
        kind="request.closed",
        params={"number": "R-1"},
        user=user,
        title="诉求已办结",
        body="已答复。",
        link=link,
    )


def test_the_inbox_lists_the_persons_notifications_in_chinese(world, member_user, city_officer):
    send(member_user)
    services.notify(
        kind="request.closed", params={"number": "R-1"}, user=city_officer, title="别人的通知", body=""
    )
    page = client_for(member_user).get("/me/notifications/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "诉求已办结" in text and "别人的通知" not in text
    assert "全部标为已读" in text and "通知" in text


@pytest.mark.parametrize("path", ["/", "/me/", "/rights/new/", "/me/notifications/"])
def test_the_bell_shows_the_unread_count_in_the_header_of_pages(world, member_user, path):
    send(member_user), send(member_user)
    page = client_for(member_user).get(path, follow=True)
    text = page.content.decode()
    assert 'id="bell"' in text and '<span class="count">2</span>' in text
    assert 'hx-get="/me/notifications/bell/"' in text


def test_an_anonymous_visitor_has_no_bell_and_the_inbox_asks_to_sign_in(db):
    assert 'id="bell"' not in client_for(None).get("/join/").content.decode()
    answer = client_for(None).get("/me/notifications/")
    assert answer.status_code == 302 and "/accounts/login/" in answer["Location"]
    assert client_for(None).get("/me/notifications/bell/").status_code == 302


def test_the_bell_fragment_refreshes_the_count_for_htmx(world, member_user):
    send(member_user)
    fragment = client_for(member_user).get("/me/notifications/bell/", HTTP_HX_REQUEST="true")
    assert fragment.status_code == 200
    assert (
        fragment.content.decode().strip().startswith('<a id="bell"')
        and ">1</span>" in fragment.content.decode()
    )


def test_opening_a_notification_marks_it_read_and_goes_to_its_page(world, member_user):
    n = send(member_user, link="/rights/find/")
    answer = client_for(member_user).post(f"/me/notifications/{n.pk}/read/", {"open": "1"})
    assert answer.status_code == 302 and answer["Location"] == "/rights/find/"
    assert selectors.unread_count(member_user) == 0


def test_a_link_to_another_site_is_never_followed(world, member_user):
    n = send(member_user, link="//evil.example/")
    answer = client_for(member_user).post(f"/me/notifications/{n.pk}/read/", {"open": "1"})
    assert answer["Location"] == "/me/notifications/"


def test_mark_all_read_from_the_page(world, member_user):
    send(member_user), send(member_user)
    answer = client_for(member_user).post("/me/notifications/read-all/", follow=True)
    assert selectors.unread_count(member_user) == 0
    assert "已全部标为已读" in answer.content.decode()


def test_someone_elses_notification_is_not_found_on_the_page_and_stays_unread(
    world, member_user, sibling_admin
):
    n = send(member_user)
    assert client_for(sibling_admin).post(f"/me/notifications/{n.pk}/read/").status_code == 404
    assert client_for("national").post(f"/me/notifications/{n.pk}/read/").status_code == 404
    n.refresh_from_db()
    assert n.read_at is None


def test_preferences_are_saved_from_the_page(world, member_user):
    answer = client_for(member_user).post(
        "/me/notifications/settings/",
        {"sms": "on", "quiet_start": "21:30", "quiet_end": "07:00", "language": "zh-hans"},
    )
    assert answer.status_code == 302
    pref = Preference.objects.get(user=member_user)
    assert (pref.sms, pref.email, f"{pref.quiet_start:%H:%M}") == (True, False, "21:30")


def test_bad_quiet_hours_on_the_page_show_the_error_and_save_nothing(world, member_user):
    answer = client_for(member_user).post(
        "/me/notifications/settings/", {"quiet_start": "夜里", "quiet_end": "07:00", "language": "zh-hans"}
    )
    assert answer.status_code == 400
    assert "08:30" in answer.content.decode()  # the time format, in the one input vocabulary
    assert not Preference.objects.exists()
    assert not AuditEntry.objects.filter(action="notifications.preference.changed").exists()
