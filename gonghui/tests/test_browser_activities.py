"""Signing up for an activity on a 375 px phone: the only place is taken by someone else, so the
member joins the waiting list; the other person cancels on their own phone, the member is
promoted and finds the notification in the inbox and the place in 我的报名.

Runs Debian's Chromium through Playwright; skipped when /usr/bin/chromium is missing, unless
GONGHUI_REQUIRE_BROWSER=1 (CI)."""

import pytest

from gonghui.activities.choices import SignupStatus
from gonghui.activities.models import Signup
from gonghui.activities.services import signups
from gonghui.activities.tests.factories import make_activity
from gonghui.testing import make_user
from gonghui.tests import browser
from gonghui.tests.test_browser import assert_fits_the_phone, sign_in

chromium = browser.chromium
phone = browser.phone

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_member_is_waitlisted_then_promoted_when_someone_cancels(world, phone, member_user):
    from playwright.sync_api import expect

    activity = make_activity(
        world, title="职工书屋读书分享会", capacity=1, questions=[{"label": "想分享的书名", "required": True}]
    )
    other = make_user("reader")
    signups.signup_create(actor=other, activity=activity, answers=["平凡的世界"])

    page = phone.new_page()
    sign_in(page, "member")
    page.goto("/activities/")
    assert_fits_the_phone(page)
    with page.expect_navigation():
        page.get_by_text("职工书屋读书分享会").click()
    expect(page.locator("#places")).to_contain_text("1")
    page.fill("#answer_0", "大国工匠")
    with page.expect_navigation():
        page.locator("#signup-button").click()
    expect(page.locator('#my-signup [data-status="waitlisted"]')).to_be_visible()
    expect(page.locator("#my-signup")).to_contain_text("1")
    assert_fits_the_phone(page)
    page.screenshot(path="/tmp/activity_waitlisted.png", full_page=True)

    # The other person cancels on their own phone.
    theirs = phone.new_page()
    sign_in(theirs, "reader")
    theirs.goto(f"/activities/{activity.pk}/")
    with theirs.expect_navigation():
        theirs.locator("#cancel-signup").click()
    assert Signup.objects.get(user=member_user, activity=activity).status == SignupStatus.CONFIRMED

    page.goto("/me/notifications/")
    expect(page.locator("main")).to_contain_text("职工书屋读书分享会")
    assert_fits_the_phone(page)
    page.screenshot(path="/tmp/activity_promoted_inbox.png", full_page=True)
    page.goto("/activities/mine/")
    expect(page.locator('main [data-status="confirmed"]')).to_be_visible()
    page.goto(f"/activities/{activity.pk}/")
    expect(page.locator('#my-signup [data-status="confirmed"]')).to_be_visible()
    assert phone.errors == []
