"""Activity check-in on a 375 px phone: a member with a confirmed place opens the organiser's
QR code URL and is checked in, an expired code is refused; the organiser's scanner keeps a
card scan made offline and sends it when the network returns.

Runs Debian's Chromium through Playwright; skipped when /usr/bin/chromium is missing, unless
GONGHUI_REQUIRE_BROWSER=1 (CI)."""

import datetime

import pytest
from django.utils import timezone

from gonghui.activities.checkin import tokens
from gonghui.activities.models import CheckIn
from gonghui.activities.tests.attendance_fixtures import make_activity, make_signup
from gonghui.members.services import cards
from gonghui.tests import browser
from gonghui.tests.test_browser import assert_fits_the_phone, sign_in

chromium = browser.chromium
phone = browser.phone

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_confirmed_member_checks_in_by_opening_the_code_and_an_expired_code_is_refused(
    world, phone, member_user
):
    from playwright.sync_api import expect

    activity = make_activity(world)
    make_signup(activity, member_user, member=world.members["xian_worker"])
    page = phone.new_page()
    sign_in(page, "member")

    # What the phone camera opens from the organiser's screen.
    page.goto(f"/activities/{activity.pk}/checkin/?c={tokens.make(activity.pk, 'in')}")
    expect(page.locator("#checkin-result")).to_have_attribute("data-result", "in")
    expect(page.locator("#checkin-result")).to_contain_text("签到成功")
    assert_fits_the_phone(page)
    page.screenshot(path="/tmp/activity_checkin.png", full_page=True)
    assert CheckIn.objects.filter(signup__user=member_user, direction="in").count() == 1

    # A photo of the check-out code taken minutes ago no longer works.
    old = tokens.make(activity.pk, "out", timezone.now() - datetime.timedelta(minutes=3))
    page.goto(f"/activities/{activity.pk}/checkin/?c={old}")
    expect(page.locator("#checkin-result")).to_have_attribute("data-result", "refused")
    expect(page.locator("main")).to_contain_text("签到码已过期")
    assert CheckIn.objects.filter(direction="out").count() == 0
    assert phone.errors == []


def test_the_organiser_scanner_queues_a_card_offline_and_sends_it_when_back_online(world, phone, member_user):
    from playwright.sync_api import expect

    activity = make_activity(world)
    make_signup(activity, member_user, member=world.members["xian_worker"])
    page = phone.new_page()
    sign_in(page, "xian_officer")

    # The rotating code screen draws its QR code.
    page.goto(f"/activities/manage/{activity.pk}/checkin/")
    expect(page.locator("#checkin-qr svg")).to_be_visible()
    assert_fits_the_phone(page)
    page.screenshot(path="/tmp/activity_screen.png", full_page=True)

    # Loaded once with the network, the scanner opens again without it (the service worker
    # keeps it); the scan is queued on the phone.
    page.goto(f"/activities/manage/{activity.pk}/scan/")
    page.evaluate("() => navigator.serviceWorker.ready.then(() => true)")
    page.reload()
    page.context.set_offline(True)
    page.reload()
    expect(page.locator("#scan-form")).to_be_visible()
    page.fill("#id_token", cards.card_token(world.members["xian_worker"]))
    page.locator("#scan-form button[type=submit]").click()
    expect(page.locator("#scan-log li").first).to_have_attribute("data-status", "queued")
    assert not CheckIn.objects.exists()

    page.context.set_offline(False)
    page.evaluate("() => window.dispatchEvent(new Event('online'))")
    expect(page.locator("#scan-log li").first).to_have_attribute("data-status", "accepted")
    checkin = CheckIn.objects.get()
    assert (checkin.source, checkin.direction, len(checkin.nonce)) == ("card", "in", 32)
    assert_fits_the_phone(page)
    page.screenshot(path="/tmp/activity_scan.png", full_page=True)
    assert phone.errors == []
