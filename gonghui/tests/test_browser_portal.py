"""The member's two journeys of the online union, end to end on a 375 px phone: a member signs
in with an SMS code, files a request from the service hall, the union replies, the bell says so
and the member rates the reply; and a visitor joins, the union approves, and the applicant who
signs in later with that phone finds the approval in the inbox. SMS go to the file back end
(the code is read from the outbox, as a person reads it on the phone).

Runs Debian's Chromium through Playwright; skipped when /usr/bin/chromium is missing, unless
GONGHUI_REQUIRE_BROWSER=1 (CI)."""

import datetime
import json
import re

import pytest

from gonghui.members.models import Enrolment
from gonghui.members.services import enrolment as enrolment_services
from gonghui.members.services import members as member_services
from gonghui.notifications.models import Notification
from gonghui.rights.models import Request
from gonghui.rights.services import requests as request_services
from gonghui.testing import make_id_number
from gonghui.tests import browser
from gonghui.tests.test_browser import assert_fits_the_phone, choose

chromium = browser.chromium
phone = browser.phone

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MEMBER_PHONE = "13900001111"
VISITOR_PHONE = "13900002222"


@pytest.fixture
def outbox(settings, tmp_path):
    settings.GONGHUI_OUTBOX_DIR = tmp_path / "outbox"
    settings.GONGHUI_SMS_BACKEND = "file"
    return tmp_path / "outbox" / "sms.jsonl"


def code_sent_to(outbox, number: str) -> str:
    lines = [json.loads(line) for line in outbox.read_text(encoding="utf-8").splitlines()]
    text = [line for line in lines if line["to"] == number and line["template"] == "login_code"][-1]["text"]
    return re.search(r"(?<!\d)\d{6}(?!\d)", text).group(0)


def sign_in_by_sms(page, outbox, number: str):
    page.goto("/accounts/login/")
    page.fill("#id_sms_phone", number)
    with page.expect_navigation():
        page.locator("form:has(#id_sms_phone) button[type=submit]").click()
    page.fill("input[name=code]", code_sent_to(outbox, number))
    with page.expect_navigation():
        page.locator("form:has(input[name=code]) button[type=submit]").click()


def test_a_member_signs_in_by_sms_files_a_request_and_rates_the_reply_the_bell_announced(
    world, phone, outbox, city_admin
):
    from playwright.sync_api import expect

    member = member_services.member_create(
        actor=city_admin,
        organisation=world.orgs["yanta"],
        name="赵师傅",
        id_number=make_id_number("610113", seq=77),
        phone=MEMBER_PHONE,
        joined_on=datetime.date(2024, 5, 1),
        employer="西安某物流公司",
    )
    page = phone.new_page()
    sign_in_by_sms(page, outbox, MEMBER_PHONE)

    # The service hall, on the phone's width.
    page.goto("/")
    expect(page.locator("main")).to_contain_text("服务大厅")
    assert_fits_the_phone(page)
    page.screenshot(path="/tmp/portal_hall.png", full_page=True)

    # File a request from the hall.
    page.locator('main a.tile[href="/rights/new/"]').click()
    page.wait_for_url(re.compile(r"/rights/new/$"))
    with_htmx = page.evaluate("() => Boolean(window.htmx)")
    for selector, value in (("#id_phone", MEMBER_PHONE), ("#id_name", "赵师傅")):
        if page.locator(selector).count() and not page.locator(selector).input_value():
            page.fill(selector, value)
    page.select_option("#id_category", "help")
    page.fill("#id_description", "单位三个月没有给我们交社保，问了人事也不答复，想请工会帮忙问一问。")
    if page.locator("#id_province").count():
        choose(page, "#id_province", "陕西省", with_htmx=with_htmx)
        choose(page, "#id_city", "西安市", with_htmx=with_htmx)
        choose(page, "#id_work_division", "雁塔区", with_htmx=with_htmx)
    send = page.locator("main form > button[type=submit]")
    send.scroll_into_view_if_needed()
    with page.expect_navigation():
        send.click()
    req = Request.objects.get()
    assert req.member_id == member.pk

    # The union replies; the bell on every page says there is something new.
    request_services.request_accept(actor=world.users["xian"], request=req)
    request_services.request_close(
        actor=world.users["xian"], request=req, reply="已与单位联系，本月补缴社保。"
    )
    page.goto("/")
    expect(page.locator("#bell .count")).to_be_visible()
    page.locator("#bell").click()
    page.wait_for_url(re.compile(r"/me/notifications/"))
    closed = Notification.objects.get(kind="request.closed")
    assert closed.recipient.phone_hash and closed.read_at is None
    expect(page.locator("main")).to_contain_text(closed.title)
    assert_fits_the_phone(page)
    page.screenshot(path="/tmp/portal_inbox.png", full_page=True)

    # From the notification to the request, and rate the reply once.
    page.goto(closed.link)
    page.locator('input[name=rating][value="5"]').check()
    with page.expect_navigation():
        page.locator("main form:has(input[name=rating]) button[type=submit]").click()
    req.refresh_from_db()
    assert req.rating == 5
    expect(page.locator("main form:has(input[name=rating])")).to_have_count(0)
    assert not phone.errors, phone.errors


def test_a_visitor_joins_and_finds_the_approval_in_the_inbox_after_signing_in_with_that_phone(
    world, phone, outbox, city_admin
):
    from playwright.sync_api import expect

    page = phone.new_page()
    page.goto("/join/")
    with_htmx = page.evaluate("() => Boolean(window.htmx)")
    page.fill("#id_name", "孙小雨")
    page.fill("#id_id_number", make_id_number("610113", gender="F", seq=78))
    page.fill("#id_phone", VISITOR_PHONE)
    page.fill("#id_employer", "某外卖平台")
    choose(page, "#id_province", "陕西省", with_htmx=with_htmx)
    choose(page, "#id_city", "西安市", with_htmx=with_htmx)
    choose(page, "#id_work_division", "雁塔区", with_htmx=with_htmx)
    page.locator('input[name="employment_form"][value="food_delivery"]').check()
    page.locator("#id_consent").check()
    with page.expect_navigation():
        page.locator("form.join-form button.btn.block").click()

    enrolment_services.enrolment_approve(actor=city_admin, enrolment=Enrolment.objects.get())
    told = Notification.objects.get(kind="enrolment.approved")
    assert told.recipient is None  # no account has this phone yet

    sign_in_by_sms(page, outbox, VISITOR_PHONE)
    page.goto("/me/notifications/")
    expect(page.locator("main")).to_contain_text(told.title)
    told.refresh_from_db()
    assert told.recipient is not None and told.recipient.phone_hash
    assert_fits_the_phone(page)
    page.screenshot(path="/tmp/portal_approved_inbox.png", full_page=True)
    assert not phone.errors, phone.errors
