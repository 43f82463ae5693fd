"""The main member flows in a real browser on a phone-sized screen (375 × 812): a rider
joins online, a city officer approves, the member shows the e-member card; and every officer
page fits the phone's width.

Runs Debian's Chromium through Playwright; skipped when /usr/bin/chromium is missing, unless
GONGHUI_REQUIRE_BROWSER=1 (CI), where it fails instead. Screenshots go to /tmp for a look.
"""

import datetime
import re

import pytest
from django.urls import reverse

from gonghui.members.models import Enrolment
from gonghui.members.services import cards, dues
from gonghui.members.services import enrolment as enrolment_services
from gonghui.members.services import members as member_services
from gonghui.members.services import transfers as transfer_services
from gonghui.testing import PASSWORD, make_id_number, make_phone
from gonghui.tests import browser
from gonghui.tests.browser import PHONE_VIEWPORT

# The fixtures, made visible to pytest in this module.
chromium = browser.chromium
phone = browser.phone

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

APPROVE = re.compile(r"Approve|批准")
CONFIRM_APPROVAL = re.compile(r"Confirm approval|确认批准")


# The elements that stick out past the right edge, to say what made a page too wide.
WIDEST_ELEMENTS = """(limit) => [...document.querySelectorAll("body *")]
    .map((el) => [el, el.getBoundingClientRect().right])
    .filter(([, right]) => right > limit + 0.5)
    .sort((a, b) => b[1] - a[1]).slice(0, 5)
    .map(([el, right]) => `${el.tagName.toLowerCase()}.${el.className} ${Math.round(right)}px`)"""


# Boxes that scroll sideways inside the page (a wide table in its scrolling wrapper).
SIDEWAYS_SCROLLERS = """() => [...document.querySelectorAll("body *")]
    .filter((el) => ["auto", "scroll"].includes(getComputedStyle(el).overflowX) && el.scrollWidth > el.clientWidth + 1)
    .map((el) => `${el.tagName.toLowerCase()}.${el.className} ${el.scrollWidth}px in ${el.clientWidth}px`)"""


def assert_fits_the_phone(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    if width > PHONE_VIEWPORT["width"]:
        culprits = page.evaluate(WIDEST_ELEMENTS, PHONE_VIEWPORT["width"])
        raise AssertionError(f"{page.url} scrolls sideways on a phone ({width}px wide): {culprits}")
    scrollers = page.evaluate(SIDEWAYS_SCROLLERS)
    assert not scrollers, f"{page.url} has content that scrolls sideways on a phone: {scrollers}"


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
        page.locator("main form button[type=submit]").first.click()  # the password form (the SMS one follows)


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

    # The Xi'an city officer signs in, opens the application from the enrolment queue, checks
    # it on the decision page and confirms.
    officer = phone.new_page()
    sign_in(officer, "xian")
    officer.goto("/enrolments/")
    open_decision = officer.locator(f'a[href^="/enrolments/{enrolment.pk}/approve/"]')
    expect(open_decision).to_have_text(APPROVE)
    with officer.expect_navigation():
        open_decision.click()
    expect(officer.locator("main")).to_contain_text(enrolment.id_number_masked)
    assert_fits_the_phone(officer)
    officer.screenshot(path="/tmp/gonghui-enrolment-decide.png", full_page=True)
    confirm = officer.locator(f'form[action="/enrolments/{enrolment.pk}/approve/"] button[type=submit]')
    expect(confirm).to_have_text(CONFIRM_APPROVAL)
    with officer.expect_navigation():
        confirm.click()
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
    page.wait_for_url(re.compile(r"/$"))  # the service hall
    page.locator('main a[href="/me/"]').tap()
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


def _officer_work(world):
    """Applications in every state and transfers open and closed, made through the services,
    so the officer lists have long rows to lay out."""
    xian = world.users["xian"]
    applicants = [
        ("欧阳明轩", "某同城即时配送平台有限公司西安分公司", "food_delivery"),
        ("李娜", "西安某机械厂", "standard"),
        ("王建国", "某快递公司雁塔区营业部", "courier"),
        ("赵丽", "某网约车平台", "ride_hailing"),
    ]
    enrolments = [
        enrolment_services.enrolment_submit(
            actor=None,
            name=name,
            id_number=make_id_number("610113", datetime.date(1990, 1, 1 + seq), "F", seq=70 + seq),
            phone=make_phone(70 + seq),
            employer=employer,
            work_division="610113",
            employment_form=form,
            work_address="陕西省西安市雁塔区科技路与丈八东路十字东南角某大厦",
        )
        for seq, (name, employer, form) in enumerate(applicants)
    ]
    enrolment_services.enrolment_approve(actor=xian, enrolment=enrolments[2])
    enrolment_services.enrolment_reject(
        actor=xian, enrolment=enrolments[3], reason="单位已建立工会，请向所在单位工会提出入会申请"
    )
    worker = world.members["xian_worker"]
    member_services.member_update(
        actor=xian, member=worker, employment_form="courier", is_migrant_worker=True
    )
    for month in (3, 4):
        dues.dues_record(
            actor=xian,
            member=worker,
            month=datetime.date(2024, month, 1),
            monthly_wage="12345.67",
            paid_on=datetime.date(2024, month, 15),
        )
    transfer_services.transfer_request(
        actor=xian,
        member=worker,
        to_organisation=world.orgs["yanta_joint"],
        reason="转岗到新就业形态劳动者联合工会",
    )
    second = enrolment_services.enrolment_approve(actor=xian, enrolment=enrolments[1])
    refused = transfer_services.transfer_request(
        actor=xian, member=second, to_organisation=world.orgs["yanta_joint"], reason="工作调动"
    )
    transfer_services.transfer_refuse(
        actor=xian, transfer=refused, reason="材料不全，请补充劳动合同后重新申请"
    )
    return worker


@pytest.mark.parametrize("locale", ["zh-CN", "en-GB"])
def test_every_officer_page_fits_a_phone(world, phone, locale):
    from playwright.sync_api import expect

    worker = _officer_work(world)
    page = phone.new_page(locale=locale)
    sign_in(page, "xian")
    pages = {
        "dashboard": "/",
        "organisations": "/organisations/",
        "organisation-city": "/organisations/610100/",
        "organisation-county": "/organisations/610113/",
        "members": "/members/",
        "member": f"/members/{worker.pk}/",
        "enrolments": "/enrolments/",
        "enrolments-approved": "/enrolments/?tab=approved",
        "enrolments-rejected": "/enrolments/?tab=rejected",
        "transfers": "/transfers/",
        "transfers-closed": "/transfers/?tab=closed",
        "audit": "/audit/",
    }
    for name, url in pages.items():
        page.goto(url)
        expect(page.locator("h1")).to_be_visible()
        if name.startswith("organisation-"):
            expect(page.locator("#org-stats .stat").first).to_be_visible()  # loaded by htmx
        assert_fits_the_phone(page)
        page.screenshot(path=f"/tmp/gonghui-officer-{name}-{locale}.png", full_page=True)
    assert not phone.errors, phone.errors
