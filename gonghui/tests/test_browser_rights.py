"""The 维权服务 flows in a real browser (issue 5): a worker applies for hardship help on a
360 px phone and follows the file; a worker files a wage-arrears request on the public page,
follows who holds it and by when, and rates the reply once; an officer on a desktop works the
request queue (SLA colours, overdue marked) and a household file (the category explanation
with its numbers, a payment), while a sibling city's admin gets 404 for the same file; and
the worker pages work with JavaScript switched off.

Same set-up as ``test_browser.py``: Debian's Chromium through Playwright, skipped when
/usr/bin/chromium is missing (fails instead with GONGHUI_REQUIRE_BROWSER=1), against the
live server, no network. The data is built through the apps' services (one back-dated
due date is set in the database). Screenshots go to /tmp/browser5_*.png for a look.
"""

import datetime
import re

import pytest
from django.core.cache import cache
from django.utils import timezone, translation

from gonghui.assistance.choices import Category as HardshipCategory
from gonghui.assistance.choices import Status as HardshipStatus
from gonghui.assistance.models import Household, Payment
from gonghui.assistance.services import dibao as dibao_services
from gonghui.assistance.services import households, workflow
from gonghui.rights.choices import Category, EventKind, RequestStatus
from gonghui.rights.models import Request
from gonghui.rights.services import requests as request_services
from gonghui.testing import make_phone
from gonghui.tests import browser
from gonghui.tests.test_browser import choose, sign_in
from gonghui.tests.test_browser_achievements import SMALL_PHONE_VIEWPORT, Devices, assert_no_sideways_scroll

# The fixture, made visible to pytest in this module.
chromium = browser.chromium

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP_VIEWPORT = {"width": 1280, "height": 800}
DIBAO = "955.00"  # 西安's 低保 this year, yuan a month; 雁塔区 has no row of its own
SLA_BORDER = {"red": "rgb(198, 40, 40)", "amber": "rgb(249, 168, 37)", "green": "rgb(46, 125, 50)"}
REQUEST_STATUS_URL = re.compile(r"/rights/r/[0-9a-f-]{36}/$")


class Screens(Devices):
    """``Devices`` (phone-sized, console errors counted) with a desktop screen as well."""

    def new_page(self, *, viewport=SMALL_PHONE_VIEWPORT, locale: str = "zh-CN", javascript: bool = True):
        mobile = viewport["width"] < 700
        context = self.browser.new_context(
            java_script_enabled=javascript,
            viewport=viewport,
            device_scale_factor=2 if mobile else 1,
            is_mobile=mobile,
            has_touch=mobile,
            locale=locale,
            base_url=self.base_url,
        )
        context.set_default_timeout(10_000)
        self.contexts.append(context)
        page = context.new_page()
        self.watch(page)
        return page

    def watch(self, page):
        page.on("pageerror", lambda exc: self.errors.append(f"JavaScript: {exc}"))
        page.on("console", self._check_console)
        page.on("response", self._check_response)
        return page


@pytest.fixture
def screens(chromium, live_server):
    cache.clear()  # the public request and rating forms are throttled per client
    helper = Screens(chromium, live_server.url)
    yield helper
    helper.close()
    cache.clear()


def zh(text) -> str:
    """What a Chinese-speaking user reads for an English msgid or a lazy label."""
    with translation.override("zh-hans"):
        return str(text) if not isinstance(text, str) else translation.gettext(text)


def _dibao(world):
    """西安's 低保 from the first of this year (雁塔区 and its unions fall back to it)."""
    dibao_services.dibao_set(
        actor=world.users["shaanxi"],
        division_code="610100",
        effective_from=timezone.localdate().replace(month=1, day=1),
        monthly=DIBAO,
        note="西安市城市低保标准",
    )


def _fill_application(page, *, head_income: str, medical: str, family: list[dict]):
    page.select_option("#id_housing", "private_rental")
    page.select_option("#id_main_cause", "illness")
    page.select_option("#id_medical_insurance", "employee")
    page.fill("#id_head_income", head_income)
    page.select_option("#id_head_employment", "employed")
    page.fill("#id_medical", medical)
    page.fill("#id_bank_name", "中国工商银行")
    page.fill("#id_bank_card", "6222 0212 3456 7890 123")
    for i, person in enumerate(family):
        page.select_option(f"#id_p-{i}-relation", person["relation"])
        page.fill(f"#id_p-{i}-name", person["name"])
        page.fill(f"#id_p-{i}-monthly_income", person["monthly_income"])
        page.select_option(f"#id_p-{i}-employment", person["employment"])
        page.select_option(f"#id_p-{i}-health", person["health"])


SPOUSE_ILL = {
    "relation": "spouse",
    "name": "李娜",
    "monthly_income": "0",
    "employment": "unemployed",
    "health": "critical",
}


# ---- 1. a worker applies for hardship help on a 360 px phone ---------------------------------


def test_a_worker_applies_for_hardship_help_on_a_small_phone(world, city_admin, screens):
    from playwright.sync_api import expect

    _dibao(world)
    page = screens.new_page()
    sign_in(page, "member")
    page.wait_for_url(re.compile(r"/$"))  # the service hall

    # From the menu to the application.
    page.locator('.mainnav a[href="/assistance/apply/"]').tap()
    page.wait_for_url(re.compile(r"/assistance/apply/$"))
    expect(page.locator("main")).to_contain_text(world.orgs["xian_factory"].name)  # where it goes
    assert_no_sideways_scroll(page)
    # Head earns 1800, the spouse (critically ill) nothing, 300 a month for medicine:
    # (1800 − 300) ÷ 2 = 750.00 a head, below the 低保 of 955.00 → 深度困难.
    _fill_application(page, head_income="1800", medical="300", family=[SPOUSE_ILL])
    assert_no_sideways_scroll(page)
    page.screenshot(path="/tmp/browser5_apply.png", full_page=True)
    send = page.locator("main form > button[type=submit]")
    send.scroll_into_view_if_needed()
    with page.expect_navigation():
        send.tap()

    # Their own page: the file number, its state and the category with its explanation.
    page.wait_for_url(re.compile(r"/assistance/apply/$"))
    household = Household.objects.get()
    assert household.head_id == world.members["xian_worker"].pk
    assert household.category == HardshipCategory.DEEP and household.status == HardshipStatus.APPLIED
    assert str(household.per_capita_income) == "750.00" and str(household.dibao_monthly) == DIBAO
    assert household.people.count() == 2 and household.bank_card_masked.endswith("0123")
    main = page.locator("main")
    expect(page.locator(".msg.success")).to_be_visible()
    expect(main).to_contain_text(household.file_no)
    expect(main).to_contain_text(zh(HardshipStatus.APPLIED.label))
    expect(main).to_contain_text(zh(HardshipCategory.DEEP.label))
    expect(main).to_contain_text(household.category_explanation)
    explanation = main.locator("p", has_text="750.00")
    expect(explanation).to_contain_text(DIBAO)
    expect(main).not_to_contain_text("6222021234567890123")
    expect(main.locator("form")).to_have_count(0)  # no second application
    assert_no_sideways_scroll(page)
    page.screenshot(path="/tmp/browser5_mine_applied.png", full_page=True)

    # The union passes the first check; the worker sees the new state.
    workflow.household_screen(actor=city_admin, household=household, approve=True)
    page.reload()
    expect(main).to_contain_text(zh(HardshipStatus.SCREENED.label))
    expect(main.locator("ol li")).to_have_count(2)
    assert_no_sideways_scroll(page)
    page.screenshot(path="/tmp/browser5_mine_screened.png", full_page=True)
    assert not screens.errors, screens.errors


def test_the_workers_file_timeline_reads_in_words_not_codes(world, member_user, city_admin, screens):
    from playwright.sync_api import expect

    _dibao(world)
    household = households.household_open(
        actor=member_user,
        head=world.members["xian_worker"],
        housing="own",
        main_cause="illness",
        medical_insurance="employee",
        head_income="1000",
    )
    workflow.household_screen(actor=city_admin, household=household, approve=True)
    page = screens.new_page()
    sign_in(page, "member")
    page.goto("/assistance/apply/")
    timeline = page.locator("main ol")
    expect(timeline.locator("li")).to_have_count(2)
    text = timeline.inner_text()
    assert not re.search(r"\b(opened|screened)\b", text), text


# ---- 2. a worker files a wage-arrears request, follows it and rates it ------------------------


def test_a_worker_files_a_wage_arrears_request_on_a_phone_and_follows_it(world, city_admin, screens):
    from playwright.sync_api import expect

    phone_number = "13800005678"
    page = screens.new_page()
    page.goto("/join/")
    page.locator('.mainnav a[href="/rights/new/"]').tap()
    page.wait_for_url(re.compile(r"/rights/new/$"))
    with_htmx = page.evaluate("() => Boolean(window.htmx)")
    assert with_htmx
    page.fill("#id_phone", phone_number)
    page.fill("#id_name", "王建军")
    page.select_option("#id_category", Category.WAGE_ARREARS.value)
    page.fill(
        "#id_description", "在雁塔区某小区二期工地干了四个月，包工头拖欠六个人的工资共三万六千元，一直不给。"
    )
    page.fill("#id_employer", "陕西某建筑劳务有限公司")
    choose(page, "#id_province", "陕西省", with_htmx=with_htmx)
    choose(page, "#id_city", "西安市", with_htmx=with_htmx)
    choose(page, "#id_work_division", "雁塔区", with_htmx=with_htmx)
    page.locator("main details summary").tap()
    page.fill("#id_project", "雁塔区某小区二期工地")
    page.fill("#id_amount_owed", "36000")
    page.fill("#id_workers_count", "6")
    assert_no_sideways_scroll(page)
    page.screenshot(path="/tmp/browser5_request_new.png", full_page=True)
    send = page.locator("main form > button[type=submit]")
    send.scroll_into_view_if_needed()
    with page.expect_navigation():
        send.tap()

    # The status page: who holds it now, how it got there, the due date; personal data masked.
    page.wait_for_url(REQUEST_STATUS_URL)
    req = Request.objects.get()
    assert page.url.endswith(f"/rights/r/{req.pk}/")
    assert req.category == Category.WAGE_ARREARS and req.channel == "app"
    assert str(req.amount_owed) == "36000.00" and req.workers_count == 6
    assert req.project == "雁塔区某小区二期工地"
    assert req.organisation.code == "XA-0002" and req.routed_by == "territorial"  # 属地: the joint union
    due = request_services.due_date(timezone.localdate(), "ordinary")
    assert req.due_on == due
    main = page.locator("main")
    expect(page.locator(".msg.success")).to_be_visible()
    expect(page.locator('[data-status="new"]')).to_be_visible()
    fields = main.locator("dl.fields")
    expect(fields).to_contain_text(world.orgs["yanta_joint"].name)
    expect(fields).to_contain_text(f"{due:%Y-%m-%d}")
    expect(fields).to_contain_text(zh(Category.WAGE_ARREARS.label))
    expect(fields).to_contain_text("138****5678")
    expect(main).not_to_contain_text(phone_number)
    expect(main).not_to_contain_text("王建军")
    expect(main.locator("ol.timeline li")).to_have_count(1)
    assert_no_sideways_scroll(page)
    page.screenshot(path="/tmp/browser5_request_status_new.png", full_page=True)

    # The union accepts it: the worker sees it being handled.
    xian = city_admin
    request_services.request_accept(actor=xian, request=req)
    page.reload()
    expect(page.locator('[data-status="handling"]')).to_be_visible()
    expect(main.locator("ol.timeline li")).to_have_count(2)
    expect(main.locator("form")).to_have_count(0)  # nothing to rate yet

    # The union replies and closes it: the reply shows and the rating form is offered.
    reply = "已联系项目部和劳务公司，六人工资将于本月底前一次结清。"
    request_services.request_close(actor=xian, request=req, reply=reply)
    page.reload()
    expect(page.locator('[data-status="closed"]')).to_be_visible()
    expect(main).to_contain_text(reply)
    expect(main.locator("ol.timeline li")).to_have_count(3)
    rate = main.locator("form.card")
    expect(rate.locator("button[type=submit]")).to_be_visible()
    expect(rate.locator("#id_phone")).to_be_visible()  # not signed in: the number filed with
    assert_no_sideways_scroll(page)
    page.screenshot(path="/tmp/browser5_request_status_closed.png", full_page=True)
    assert not screens.errors, screens.errors


def test_a_wage_arrears_request_without_the_amount_shows_why(world, screens):
    from playwright.sync_api import expect

    page = screens.new_page()
    page.goto("/rights/new/")
    page.fill("#id_phone", "13800005678")
    page.fill("#id_name", "王建军")
    page.select_option("#id_category", Category.WAGE_ARREARS.value)
    page.fill("#id_description", "包工头拖欠工资。")
    for select, label in (
        ("#id_province", "陕西省"),
        ("#id_city", "西安市"),
        ("#id_work_division", "雁塔区"),
    ):
        choose(page, select, label, with_htmx=True)
    with page.expect_navigation():
        page.locator("main form > button[type=submit]").tap()
    assert not Request.objects.exists()
    expect(page.locator("main .errorlist").first).to_be_visible()


def _closed_request(world, *, member=None):
    req = request_services.request_file(
        actor=world.users["member"] if member else None,
        member=member,
        channel="app",
        category=Category.HELP,
        description="工伤后单位不给报销医药费。",
        work_division="610113",
        name="" if member else "刘芳",
        phone="" if member else "13800001111",
    )
    return request_services.request_close(actor=world.users["xian"], request=req, reply="已协调单位报销。")


def _rate(page, rating: str, *, phone: str = ""):
    page.locator(f'input[name=rating][value="{rating}"]').check()
    if phone:
        page.fill("#id_phone", phone)
    with page.expect_navigation():
        page.locator("main form.card button[type=submit]").tap()


RATING_WIDGET = (
    "rights RateForm.rating is a TypedChoiceField with the default Select widget, but "
    "public/status.html loops over it as radios: the page shows stray <option>s and no control, "
    "so a worker cannot rate in a browser (use forms.RadioSelect)"
)


@pytest.mark.parametrize("javascript", [True, False], ids=["phone-number", "signed-in-no-js"])
def test_the_worker_rates_a_closed_request_once(world, screens, javascript):
    """Anonymous with the mobile number filed with (with JavaScript), or signed in as the filer
    (without it); a second rating from a tab opened before the first is refused."""
    from playwright.sync_api import expect

    own = not javascript
    req = _closed_request(world, member=world.members["xian_worker"] if own else None)
    page = screens.new_page(javascript=javascript)
    if own:
        sign_in(page, "member")
    url = f"/rights/r/{req.pk}/"
    page.goto(url)
    stale = screens.watch(page.context.new_page())
    stale.goto(url)
    expect(page.locator("#id_phone")).to_have_count(0 if own else 1)

    _rate(page, "5", phone="" if own else "13800001111")
    expect(page.locator(".msg.success")).to_be_visible()
    expect(page.locator("main")).to_contain_text(
        zh("You rated this %(rating)s out of 5. Thank you.") % {"rating": 5}
    )
    expect(page.locator("main form")).to_have_count(0)
    assert_no_sideways_scroll(page)
    page.screenshot(path=f"/tmp/browser5_request_rated_{'nojs' if own else 'js'}.png", full_page=True)

    _rate(stale, "1", phone="" if own else "13800001111")
    expect(stale.locator(".msg.success")).to_have_count(0)
    req.refresh_from_db()
    assert req.rating == 5
    assert req.events.filter(kind=EventKind.RATED).count() == 1
    assert not screens.errors, screens.errors


def test_a_refused_second_rating_says_why(world, screens):
    from playwright.sync_api import expect

    req = _closed_request(world)
    page = screens.new_page()
    page.goto(f"/rights/r/{req.pk}/")
    stale = screens.watch(page.context.new_page())
    stale.goto(f"/rights/r/{req.pk}/")
    _rate(page, "4", phone="13800001111")
    _rate(stale, "1", phone="13800001111")
    expect(stale.locator("main")).to_contain_text(zh("This request has already been rated."))


def test_the_reply_keeps_its_chinese_punctuation(city_admin, screens):
    from playwright.sync_api import expect

    reply = "您好：已联系单位（人事部），工资本周内补发！"
    req = request_services.request_file(
        actor=None,
        channel="app",
        category=Category.WAGE_ARREARS,
        description="拖欠工资，已经两个月（十月、十一月）。",
        work_division="610113",
        name="刘芳",
        phone="13800001111",
        amount_owed="9000",
    )
    request_services.request_close(actor=city_admin, request=req, reply=reply)
    page = screens.new_page()
    page.goto(f"/rights/r/{req.pk}/")
    expect(page.locator("main")).to_contain_text(reply)


def test_the_worker_gets_a_request_number_to_quote(world, screens):
    req = request_services.request_file(
        actor=None,
        channel="app",
        category=Category.CONSULTATION,
        description="试用期可以不交社保吗？",
        work_division="610113",
        name="刘芳",
        phone="13800001111",
    )
    page = screens.new_page()
    page.goto(f"/rights/r/{req.pk}/")
    text = page.locator("main").inner_text()
    assert re.search(r"[A-Z]{0,4}\d{8,}", text.replace(f"{req.due_on:%Y-%m-%d}", "")), text


# ---- 3. an officer on a desktop: request queue, a household file, a sibling's 404 ------------


def _requests_for_the_queue(world):
    """Three open requests in 雁塔区: overdue (received by phone a month ago), due tomorrow
    (its due date set back in the database), and one with a week to go."""
    xian = world.users["xian"]
    common = {"actor": xian, "category": Category.HELP, "work_division": "610113"}
    overdue = request_services.request_file(
        channel="phone",
        description="来电：公司连续两个月未发工资，要求工会帮助。",
        name="李建国",
        phone=make_phone(41),
        received_at=timezone.now() - datetime.timedelta(days=30),
        **common,
    )
    amber = request_services.request_file(
        channel="letter", description="来信：夜班没有加班费。", name="赵丽", phone=make_phone(42), **common
    )
    Request.objects.filter(pk=amber.pk).update(due_on=timezone.localdate() + datetime.timedelta(days=1))
    amber.refresh_from_db()
    green = request_services.request_file(
        channel="visit", description="来访：咨询劳动合同续签。", name="孙强", phone=make_phone(43), **common
    )
    request_services.request_accept(actor=xian, request=green)
    return overdue, amber, green


def _filed_household(world):
    """张伟's household through the whole workflow to 建档: head 2600, spouse 800, a child,
    400 a month for medicine: (3400 − 400) ÷ 3 = 1000.00 a head ≤ 2 × 955.00 → 相对困难."""
    xian = world.users["xian"]
    h = households.household_open(
        actor=xian,
        head=world.members["xian_worker"],
        source="discovered",
        housing="public_rental",
        main_cause="illness",
        rigid_expenses=[{"kind": "medical", "monthly": "400"}],
        medical_insurance="employee",
        head_income="2600",
        bank_name="中国建设银行",
        bank_card="6217 0000 1111 2222 333",
        family=[
            {"relation": "spouse", "name": "李娜", "monthly_income": "800", "employment": "employed"},
            {"relation": "child", "name": "张小明", "employment": "student", "schooling": "compulsory"},
        ],
    )
    today = timezone.localdate()
    workflow.household_screen(actor=xian, household=h, approve=True)
    workflow.household_visit(actor=xian, household=h, visited_on=today, visitor="王干事", consent_signed=True)
    workflow.household_review(actor=xian, household=h, approve=True)
    workflow.household_publicise(actor=xian, household=h, start=today - datetime.timedelta(days=20))
    return workflow.household_file(actor=xian, household=h)


def test_an_officer_works_the_queue_and_a_household_file_on_a_desktop(world, city_admin, screens):
    from playwright.sync_api import expect

    _dibao(world)
    overdue, amber, green = _requests_for_the_queue(world)
    assert overdue.is_overdue and overdue.sla_colour == "red"
    household = _filed_household(world)
    assert household.category == HardshipCategory.RELATIVE and str(household.per_capita_income) == "1000.00"

    page = screens.new_page(viewport=DESKTOP_VIEWPORT)
    sign_in(page, "xian")

    # The request queue, from the menu: each row coloured by its time limit, the overdue one marked.
    page.locator('.mainnav a[href="/rights/"]').click()
    page.wait_for_url(re.compile(r"/rights/$"))
    for req, colour in ((overdue, "red"), (amber, "amber"), (green, "green")):
        row = page.locator("tr[data-sla]", has_text=req.name)
        expect(row).to_have_attribute("data-sla", colour)
        expect(row).to_have_css("border-left-color", SLA_BORDER[colour])
        expect(row).to_contain_text(f"{req.due_on:%Y-%m-%d}")
        expect(row.locator(".badge.bad")).to_have_count(1 if colour == "red" else 0)
    expect(page.locator("tbody tr").first).to_contain_text(overdue.name)  # most urgent first
    assert_no_sideways_scroll(page)
    page.screenshot(path="/tmp/browser5_officer_queue.png", full_page=True)
    page.locator(".tabs a[href='?tab=overdue']").click()
    page.wait_for_url(re.compile(r"tab=overdue"))
    expect(page.locator("tbody tr")).to_have_count(1)
    expect(page.locator("tbody tr")).to_contain_text(overdue.name)

    # The overdue request's page says so, with who holds it.
    with page.expect_navigation():
        page.get_by_role("link", name=overdue.name).click()
    card = page.locator("[data-sla]")
    expect(card).to_have_attribute("data-sla", "red")
    expect(card.locator(".badge.bad")).to_be_visible()
    expect(card).to_contain_text(overdue.organisation.name)
    request_url = page.url

    # The household file: the category with the numbers behind it, then a payment.
    page.locator('.mainnav a[href="/assistance/"]').click()
    page.wait_for_url(re.compile(r"/assistance/$"))
    with page.expect_navigation():
        page.get_by_role("link", name=household.file_no).click()
    page.wait_for_url(re.compile(rf"/assistance/{household.pk}/$"))
    main = page.locator("main")
    assessment = main.locator("section.card").first
    expect(assessment.locator("h2")).to_have_text(zh(HardshipCategory.RELATIVE.label))
    expect(assessment).to_contain_text(household.category_explanation)
    expect(assessment).to_contain_text("1000.00")
    expect(assessment).to_contain_text(DIBAO)
    expect(main).to_contain_text("621700*********2333")
    expect(main).not_to_contain_text("6217000011112222333")
    assert_no_sideways_scroll(page)
    page.screenshot(path="/tmp/browser5_officer_household.png", full_page=True)
    payment = main.locator(f'form[action="/assistance/{household.pk}/payments/"]')
    payment.locator("select[name=kind]").select_option("living")
    payment.locator("input[name=amount]").fill("800")
    payment.locator("input[name=paid_on]").fill(f"{timezone.localdate():%Y-%m-%d}")  # see the test below
    payment.locator("input[name=note]").fill("2026年冬季生活救助")
    with page.expect_navigation():
        payment.locator("button[type=submit]").click()
    expect(page.locator(".msg.success")).to_be_visible()
    expect(main).to_contain_text("800.00")
    paid = Payment.objects.get()
    assert paid.household_id == household.pk and str(paid.amount) == "800.00" and paid.kind == "living"
    assert paid.recorded_by_id == city_admin.pk
    page.screenshot(path="/tmp/browser5_officer_payment.png", full_page=True)

    # 宝鸡's admin opening the same addresses: not found, and nothing of 西安's in their lists.
    sibling = screens.new_page(viewport=DESKTOP_VIEWPORT)
    sign_in(sibling, "baoji")
    for url in (f"/assistance/{household.pk}/", request_url):
        response = sibling.goto(url)
        assert response.status == 404, (url, response.status)
        expect(sibling.locator("main")).not_to_contain_text(household.head.name)
    sibling.goto("/assistance/")
    expect(sibling.locator("main")).not_to_contain_text(household.file_no)
    sibling.goto("/rights/?tab=")
    expect(sibling.locator("main")).not_to_contain_text(overdue.name)
    assert Payment.objects.count() == 1
    # Chromium logs each of those 404s on the console: expected here, and nothing else.
    hidden = (f"/assistance/{household.pk}/", request_url)
    errors = [e for e in screens.errors if not ("404" in e and any(e.endswith(f"{u})") for u in hidden))]
    assert not errors, errors


def test_the_payment_date_starts_at_today_in_chinese(world, screens):
    from playwright.sync_api import expect

    _dibao(world)
    household = _filed_household(world)
    page = screens.new_page(viewport=DESKTOP_VIEWPORT)
    sign_in(page, "xian")
    page.goto(f"/assistance/{household.pk}/")
    expect(page.locator("input[name=paid_on]")).to_have_value(f"{timezone.localdate():%Y-%m-%d}")


# ---- 4. the worker pages without JavaScript ---------------------------------------------------


def test_the_worker_pages_work_without_javascript(world, member_user, screens):
    from playwright.sync_api import expect

    _dibao(world)
    page = screens.new_page(javascript=False)
    sign_in(page, "member")

    # Apply for help: a plain form.
    page.goto("/assistance/apply/")
    _fill_application(page, head_income="1800", medical="300", family=[SPOUSE_ILL])
    with page.expect_navigation():
        page.locator("main form > button[type=submit]").click()
    household = Household.objects.get()
    expect(page.locator("main")).to_contain_text(household.file_no)
    expect(page.locator("main")).to_contain_text(household.category_explanation)
    assert_no_sideways_scroll(page)

    # File a request: the place is picked with a round trip per level; what was typed stays.
    page.goto("/rights/new/")
    assert not page.evaluate("() => Boolean(window.htmx)")
    expect(page.locator("#id_phone")).to_have_count(0)  # a member files as themself
    page.select_option("#id_category", Category.HELP.value)
    description = "孩子上学需要一笔学费，家里一时凑不齐，想问工会能不能帮忙。"
    page.fill("#id_description", description)
    page.fill("#id_employer", "西安某机械厂")
    choose(page, "#id_province", "陕西省", with_htmx=False)
    choose(page, "#id_city", "西安市", with_htmx=False)
    choose(page, "#id_work_division", "雁塔区", with_htmx=False)
    expect(page.locator("#id_description")).to_have_value(description)
    expect(page.locator("#id_category")).to_have_value(Category.HELP.value)
    expect(page.locator("#id_employer")).to_have_value("西安某机械厂")
    assert_no_sideways_scroll(page)
    page.screenshot(path="/tmp/browser5_nojs_request_new.png", full_page=True)
    with page.expect_navigation():
        page.locator("main form > button[type=submit]").click()
    page.wait_for_url(REQUEST_STATUS_URL)
    req = Request.objects.get()
    assert req.member_id == world.members["xian_worker"].pk and req.user_id == member_user.pk
    assert req.category == Category.HELP and req.status == RequestStatus.NEW
    assert req.organisation.code == "XA-0001" and req.routed_by == "employer"
    expect(page.locator('[data-status="new"]')).to_be_visible()
    expect(page.locator("main dl.fields")).to_contain_text(world.orgs["xian_factory"].name)
    assert_no_sideways_scroll(page)

    assert not screens.errors, screens.errors
