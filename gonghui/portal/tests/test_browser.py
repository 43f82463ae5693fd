"""The service hall and the landing page on a 375 px phone, and the installable app's offline
card, in Debian's Chromium (skipped without it: gonghui/tests/browser.py)."""

import re

import pytest

from gonghui.competitions.tests import helpers as competition_helpers
from gonghui.tests import browser
from gonghui.tests.test_browser import assert_fits_the_phone, sign_in

chromium = browser.chromium
phone = browser.phone

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("locale", ["zh-CN", "en-GB"])
def test_the_landing_page_and_the_service_hall_fit_a_phone(world, phone, locale):
    from playwright.sync_api import expect

    competition_helpers.build(world, n=0, judges=False)
    page = phone.new_page(locale=locale)
    page.goto("/")
    expect(page.locator("main .tiles a")).to_have_count(6)
    assert_fits_the_phone(page)
    page.screenshot(path=f"/tmp/gonghui-landing-{locale}.png", full_page=True)

    sign_in(page, "member")
    page.wait_for_url(re.compile(r"/$"))
    tiles = page.locator("main .tiles a")
    expect(tiles.first).to_be_visible()
    for box in (tiles.nth(i).bounding_box() for i in range(tiles.count())):
        assert box and box["height"] >= 44 and box["width"] >= 44  # tap targets
    assert_fits_the_phone(page)
    page.screenshot(path=f"/tmp/gonghui-hall-{locale}.png", full_page=True)
    page.locator('main a[href="/competitions/open/"]').tap()
    page.wait_for_url(re.compile(r"/competitions/open/$"))
    expect(page.locator("main")).to_contain_text("焊工技能竞赛")
    assert_fits_the_phone(page)
    assert not phone.errors, phone.errors


def test_the_e_member_card_opens_offline_once_seen(world, phone):
    from playwright.sync_api import expect

    page = phone.new_page()
    sign_in(page, "member")
    page.goto("/me/card/")
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()  # now controlled by the worker, which keeps this answer
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    expect(page.locator(".ecard .qr svg")).to_be_visible()
    page.context.set_offline(True)
    page.reload()
    expect(page.locator(".ecard .qr svg")).to_be_visible()
    expect(page.locator("main")).to_contain_text(world.members["xian_worker"].member_no)
    page.context.set_offline(False)
    assert not phone.errors, phone.errors
