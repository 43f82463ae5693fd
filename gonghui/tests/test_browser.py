"""The main member flows in a real browser on a phone-sized screen (375 × 812): a rider
joins online, a city officer approves, the member shows the e-member card.

Runs Debian's Chromium through Playwright; skipped when /usr/bin/chromium is missing, unless
GONGHUI_REQUIRE_BROWSER=1 (CI), where it fails instead. Screenshots go to /tmp for a look.
"""

import datetime
import re

import pytest
from django.urls import reverse

from gonghui.members.models import Enrolment
from gonghui.members.services import cards
from gonghui.testing import PASSWORD, make_id_number
from gonghui.tests import browser
from gonghui.tests.browser import PHONE_VIEWPORT

# The fixtures, made visible to pytest in this module.
chromium = browser.chromium
phone = browser.phone

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

APPROVE = re.compile(r"Approve|批准")


def assert_fits_the_phone(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE_VIEWPORT["width"], f"{page.url} scrolls sideways on a phone ({width}px wide)"


def choose(page, select: str, label: str, *, with_htmx: bool):
    """Pick an option; without htmx, press the no-JavaScript button to fill the next select."""
    from playwright.sync_api import expect

    expect(page.locator(f"{select} option", has_text=label)).to_have_count(1)
    fills_next = select != "#id_work_division"
    if with_htmx and fills_next:
        # Wait for htmx to settle the new selects (and wire them up) before the next pick.
        page.evaluate(
            """() => { window.pickerSettled = false;
                document.body.addEventListener("htmx:afterSettle", () => { window.pickerSettled = true; }, {once: true}); }"""
        )
    page.select_option(select, label=label)
    if fills_next and with_htmx:
        page.wait_for_function("() => window.pickerSettled")
    elif fills_next:
        with page.expect_navigation():
            page.locator("[data-nojs]").click()


def sign_in(page, username: str):
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()


def test_a_rider_joins_on_a_phone_and_an_officer_approves(world, phone):
    from playwright.sync_api import expect

    id_number = make_id_number("610113", datetime.date(1996, 8, 8), "M", seq=91)

    # The worker fills in the join page on their phone.
    page = phone.new_page()
    page.goto("/join/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    with_htmx = page.evaluate("() => Boolean(window.htmx)")
    page.fill("#id_name", "王小明")
    page.fill("#id_id_number", id_number)
    page.fill("#id_phone", "13800138000")
    page.fill("#id_employer", "某外卖平台")
    choose(page, "#id_province", "陕西省", with_htmx=with_htmx)
    choose(page, "#id_city", "西安市", with_htmx=with_htmx)
    choose(page, "#id_work_division", "雁塔区", with_htmx=with_htmx)
    page.locator('input[name="employment_form"][value="food_delivery"]').check()
    page.locator("#id_consent").check()
    assert_fits_the_phone(page)
    page.screenshot(path="/tmp/gonghui-join.png", full_page=True)
    page.locator("form.join-form button.btn.block").click()

    # They land on their status page: pending, with the union that holds it.
    page.wait_for_url(re.compile(r"/join/status/[0-9a-f-]{36}/$"))
    expect(page.locator('[data-status="pending"]')).to_be_visible()
    expect(page.locator("main")).to_contain_text("雁塔区新就业形态劳动者联合工会")
    expect(page.locator("main")).not_to_contain_text(id_number)
    assert_fits_the_phone(page)
    page.screenshot(path="/tmp/gonghui-join-status.png", full_page=True)
    enrolment = Enrolment.objects.get()
    assert enrolment.organisation.code == "XA-0002" and enrolment.work_division == "610113"

    # The Xi'an city officer signs in and approves it from the enrolment queue.
    officer = phone.new_page()
    sign_in(officer, "xian")
    officer.goto("/enrolments/")
    approve = officer.locator(f'form[action="/enrolments/{enrolment.pk}/approve/"] button[type=submit]')
    expect(approve).to_have_text(APPROVE)
    with officer.expect_navigation():
        approve.click()
    member = Enrolment.objects.get().member
    assert member is not None and member.organisation.code == "XA-0002"

    # The new member is on the roster.
    officer.goto("/members/")
    expect(officer.locator("main")).to_contain_text(member.member_no)

    # The worker's status page now says approved and gives the member number.
    page.reload()
    expect(page.locator('[data-status="approved"]')).to_be_visible()
    expect(page.locator("main")).to_contain_text(member.member_no)
    assert not phone.errors, phone.errors


def test_the_join_page_works_without_javascript(world, phone):
    from playwright.sync_api import expect

    page = phone.new_page(javascript=False, locale="en-GB")
    page.goto("/join/")
    page.fill("#id_name", "赵六")
    choose(page, "#id_province", "陕西省", with_htmx=False)
    choose(page, "#id_city", "西安市", with_htmx=False)
    choose(page, "#id_work_division", "雁塔区", with_htmx=False)
    expect(page.locator("#id_name")).to_have_value("赵六")  # kept across the round trips
    page.fill("#id_id_number", make_id_number("610113", datetime.date(1990, 1, 2), "F", seq=92))
    page.fill("#id_phone", "13700137000")
    page.fill("#id_employer", "西安某机械厂")
    page.locator('input[name="employment_form"][value="standard"]').check()
    page.locator("#id_consent").check()
    page.locator("form.join-form button.btn.block").click()
    page.wait_for_url(re.compile(r"/join/status/[0-9a-f-]{36}/$"))
    expect(page.locator('[data-status="pending"]')).to_be_visible()
    assert Enrolment.objects.get().organisation.code == "XA-0001"
    assert not phone.errors, phone.errors


def test_a_member_signs_in_and_shows_the_card_on_a_phone(world, phone):
    from playwright.sync_api import expect

    page = phone.new_page()
    sign_in(page, "member")
    page.wait_for_url(re.compile(r"/me/$"))
    expect(page.locator("main")).to_contain_text(world.members["xian_worker"].member_no)
    assert_fits_the_phone(page)
    page.goto("/me/card/")
    qr = page.locator(".ecard .qr svg")
    expect(qr).to_be_visible()
    box = qr.bounding_box()
    assert (
        box and box["width"] >= 150 and box["x"] >= 0 and box["x"] + box["width"] <= PHONE_VIEWPORT["width"]
    )
    assert_fits_the_phone(page)
    page.screenshot(path="/tmp/gonghui-card.png", full_page=True)

    # What a station sees after scanning a card: valid, with the masked name only.
    station = phone.new_page()
    station.goto(
        reverse("members:card_verify", kwargs={"token": cards.card_token(world.members["xian_worker"])})
    )
    expect(station.locator('[data-result="ok"]')).to_be_visible()
    expect(station.locator("main")).to_contain_text("张*")
    expect(station.locator("main")).not_to_contain_text("张伟")
    assert_fits_the_phone(station)
    assert not phone.errors, phone.errors
