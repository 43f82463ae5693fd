"""The 建功立业 flows in a real browser: a judge marks a sheet on a tablet (the spread rule
blocks sign-off until the judges agree), a member submits a 五小 idea on a phone with the
similar-ideas panel and a colleague supports it once, anyone objects to a 公示 notice on a
phone and supervision sees the objection, and an officer reads a competition's published
results and accepts a grade recommendation.

Same set-up as ``test_browser.py``: Debian's Chromium through Playwright, skipped when
/usr/bin/chromium is missing (fails instead with GONGHUI_REQUIRE_BROWSER=1), against the
live server, no network. The data is built through the apps' services. Screenshots go to
/tmp for a look.
"""

import datetime
import re

import pytest
from django.core.cache import cache
from django.utils import timezone

from gonghui.competitions import scoring
from gonghui.competitions.choices import RecommendationStatus, SheetStatus
from gonghui.competitions.models import Aspect, Recommendation, Result, Sheet
from gonghui.competitions.services import assignments, marking, registration, scheme, setup
from gonghui.competitions.tests import helpers as competition_helpers
from gonghui.honours.models import Objection
from gonghui.honours.services import lists, nominees
from gonghui.innovation.models import Idea, IdeaSupport
from gonghui.innovation.services import ideas as idea_services
from gonghui.innovation.tests.helpers import member_with_login
from gonghui.members.choices import SkillGrade
from gonghui.organisations import services as org_services
from gonghui.organisations.choices import Role
from gonghui.testing import make_user
from gonghui.tests import browser
from gonghui.tests.test_browser import SIDEWAYS_SCROLLERS, WIDEST_ELEMENTS, sign_in

# The fixture, made visible to pytest in this module.
chromium = browser.chromium

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TABLET_VIEWPORT = {"width": 800, "height": 1280}
SMALL_PHONE_VIEWPORT = {"width": 360, "height": 740}


class Devices(browser.Phone):
    """``browser.Phone`` with a choice of screen, and console errors counted as errors too
    (the judge's tablet must not log any)."""

    def new_page(self, *, viewport=SMALL_PHONE_VIEWPORT, locale: str = "zh-CN", javascript: bool = True):
        context = self.browser.new_context(
            java_script_enabled=javascript,
            viewport=viewport,
            device_scale_factor=2,
            is_mobile=True,
            has_touch=True,
            locale=locale,
            base_url=self.base_url,
        )
        context.set_default_timeout(10_000)
        self.contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda exc: self.errors.append(f"JavaScript: {exc}"))
        page.on("console", self._check_console)
        page.on("response", self._check_response)
        return page

    def _check_console(self, message):
        # base.html names no icon, so Chromium asks for /favicon.ico and logs its 404: not a
        # fault of the page under test (see the report: add <link rel="icon"> to base.html).
        if message.type == "error" and not message.location.get("url", "").endswith("/favicon.ico"):
            self.errors.append(f"console: {message.text} ({message.location.get('url')})")


@pytest.fixture
def devices(chromium, live_server):
    cache.clear()  # the public objection form is throttled per client
    helper = Devices(chromium, live_server.url)
    yield helper
    helper.close()
    cache.clear()


def assert_no_sideways_scroll(page):
    """The page is no wider than the screen, and nothing inside it scrolls sideways."""
    limit = page.viewport_size["width"]
    width = page.evaluate("document.documentElement.scrollWidth")
    if width > limit:
        culprits = page.evaluate(WIDEST_ELEMENTS, limit)
        raise AssertionError(f"{page.url} scrolls sideways at {limit}px ({width}px wide): {culprits}")
    scrollers = page.evaluate(SIDEWAYS_SCROLLERS)
    assert not scrollers, f"{page.url} has content that scrolls sideways at {limit}px: {scrollers}"


# ---- 1. a judge marks a sheet on a tablet ----------------------------------------------------

# One section holding all three kinds of aspect, so one sheet shows every marking control.
TABLET_SCHEME = {
    "sections": [
        {
            "name": "板对接焊",
            "weight": "1",
            "aspects": [
                {
                    "code": "A1",
                    "description": "无裂纹",
                    "max_mark": "10",
                    "kind": "measurement",
                    "mode": "full",
                },
                {
                    "code": "A2",
                    "description": "余高偏差 mm",
                    "max_mark": "6",
                    "kind": "measurement",
                    "mode": "bands",
                    "bands": [{"within": "0.5", "mark": "6"}, {"within": "1", "mark": "4"}],
                },
                {
                    "code": "C1",
                    "description": "操作规范",
                    "max_mark": "6",
                    "kind": "judgement",
                    "descriptors": {"0": "违规", "1": "基本规范", "2": "规范", "3": "示范级"},
                },
            ],
        }
    ]
}


def _competition_in_marking(world):
    """A welding competition in marking: two competitors, judges j1–j3 on the one section;
    j2 and j3 have already given C1 a 1 for the first competitor."""
    admin = world.users["shaanxi"]
    now = timezone.now()
    competition = setup.competition_create(
        actor=admin,
        organisation=world.orgs["shaanxi"],
        title="焊工技能竞赛",
        occupation="焊工",
        registration_opens=now - datetime.timedelta(days=1),
        registration_closes=now + datetime.timedelta(days=1),
    )
    (section,) = scheme.scheme_import(actor=admin, competition=competition, data=TABLET_SCHEME)
    competition = setup.competition_advance_status(actor=admin, competition=competition)
    entries = [
        registration.entry_register(
            actor=admin,
            competition=competition,
            members=[competition_helpers.make_member(world.orgs[org], name, employer=employer)],
        )
        for org, name, employer in (
            ("xian_factory", "欧阳明轩", "西安某机械厂"),
            ("baoji_factory", "单晓燕", "宝鸡某钢厂"),
        )
    ]
    judges = [competition_helpers.make_judge(world, f"j{k}") for k in (1, 2, 3)]
    for judge in judges:
        assignments.judge_assign(actor=admin, section=section, judge=judge)
    competition = setup.competition_advance_status(actor=admin, competition=competition)
    sheet = Sheet.objects.get(entry=entries[0], section=section)
    c1 = Aspect.objects.get(competition=competition, code="C1")
    for judge in judges[1:]:
        marking.mark_record(actor=judge, sheet=sheet, aspect=c1, value=1)
    return competition, entries[0], sheet


def test_a_judge_marks_a_sheet_on_a_tablet(world, devices):
    from playwright.sync_api import expect

    competition, entry, sheet = _competition_in_marking(world)
    page = devices.new_page(viewport=TABLET_VIEWPORT)
    sign_in(page, "j1")

    # From the menu to the judging page, the competition and the first competitor's sheet.
    page.locator('.mainnav a[href="/competitions/judging/"]').tap()
    page.wait_for_url(re.compile(r"/competitions/judging/$"))
    assert_no_sideways_scroll(page)
    page.get_by_role("link", name=competition.title).tap()
    page.wait_for_url(re.compile(rf"/competitions/{competition.pk}/judge/$"))
    assert_no_sideways_scroll(page)
    page.locator(f'a[href="/competitions/sheets/{sheet.pk}/"]').tap()
    page.wait_for_url(re.compile(rf"/competitions/sheets/{sheet.pk}/$"))
    expect(page.locator("h1")).to_contain_text(entry.name)
    sign_off = page.locator("form.signoff button[type=submit]")
    expect(sign_off).to_be_disabled()  # nothing marked yet

    # A1 achieved; A2 a measured deviation of 0.3 mm (→ the 6-mark band).
    a1, a2, c1 = (page.locator(f"#aspect-{code}") for code in ("A1", "A2", "C1"))
    with page.expect_navigation():
        a1.locator('button[name=value][value="1"]').tap()
    expect(a1.locator('button[value="1"]')).to_have_class(re.compile(r"\bchosen\b"))
    a2.locator("input[name=value]").fill("0.3")
    with page.expect_navigation():
        a2.locator("button[type=submit]").tap()
    expect(a2).to_contain_text("0.3")
    expect(a2).to_contain_text("6")

    # C1: this judge gives 3 while the other two gave 1 — a spread of 2 blocks sign-off.
    with page.expect_navigation():
        c1.locator('button[name=value][value="3"]').tap()
    expect(c1).to_have_class(re.compile(r"\bblocked\b"))
    expect(c1.locator(".errorlist")).to_be_visible()
    expect(c1.locator('button[value="3"]')).to_have_attribute("aria-pressed", "true")
    expect(sign_off).to_be_disabled()
    assert_no_sideways_scroll(page)
    page.screenshot(path="/tmp/gonghui-judge-sheet-blocked.png", full_page=True)

    # The judge re-scores 2: the spread is 1, the warning goes and sign-off is possible.
    with page.expect_navigation():
        c1.locator('button[name=value][value="2"]').tap()
    expect(c1).not_to_have_class(re.compile(r"\bblocked\b"))
    expect(c1.locator(".errorlist")).to_have_count(0)
    expect(sign_off).to_be_enabled()
    with page.expect_navigation():
        sign_off.tap()

    # Locked: a success message, the badge, no more marking buttons, only "ask for a correction".
    expect(page.locator(".msg.success")).to_be_visible()
    expect(page.locator("p .badge.ok")).to_be_visible()
    expect(page.locator("form.score-row")).to_have_count(0)
    expect(page.locator("form.signoff")).to_have_count(0)
    expect(page.locator("details summary")).to_have_count(3)
    assert_no_sideways_scroll(page)
    page.screenshot(path="/tmp/gonghui-judge-sheet-locked.png", full_page=True)
    sheet.refresh_from_db()
    assert sheet.status == SheetStatus.SIGNED_OFF and sheet.signed_off_by.username == "j1"
    assert sorted(m.value for m in sheet.marks.filter(aspect__code="C1")) == [1, 1, 2]

    # Back on the competition's sheet list, this sheet shows as signed off.
    page.goto(f"/competitions/{competition.pk}/judge/")
    row = page.locator("tr", has=page.locator(f'a[href="/competitions/sheets/{sheet.pk}/"]'))
    expect(row.locator(".badge.ok")).to_be_visible()
    assert_no_sideways_scroll(page)
    assert not devices.errors, devices.errors


# ---- 2. a 五小 idea on a phone ----------------------------------------------------------------


def test_a_member_submits_an_idea_on_a_phone_and_a_colleague_supports_it(world, devices):
    from playwright.sync_api import expect

    _, earlier_author = member_with_login(world, "yanta_joint", "earlier", "李娜")
    earlier = idea_services.idea_submit(
        actor=earlier_author,
        kind="innovation",
        title="减少焊接飞溅的防护罩",
        problem="焊接飞溅伤人，清理费时。",
        proposal="在焊枪上加装可拆卸防护罩。",
    )
    unrelated = idea_services.idea_submit(
        actor=earlier_author,
        kind="suggestion",
        title="食堂延长供餐时间",
        problem="夜班职工吃不上热饭。",
        proposal="夜班增加一次供餐。",
    )
    author, author_user = member_with_login(world, "xian_factory", "author", "王建国")
    _, colleague_user = member_with_login(world, "xian_factory", "colleague", "赵丽")

    page = devices.new_page()
    sign_in(page, "author")
    page.goto("/innovation/ideas/new/")
    assert page.evaluate("() => Boolean(window.htmx)")
    page.locator('input[name="kind"][value="invention"]').check()
    # Typing the title (as a phone keyboard does, key by key) brings up the similar ideas.
    with page.expect_response(re.compile(r"/innovation/ideas/similar/\?")):
        page.locator("#id_title").press_sequentially("焊接飞溅清理工具", delay=30)
    panel = page.locator("#similar .similar-panel")
    expect(panel).to_be_visible()
    expect(panel.get_by_role("link", name=earlier.title)).to_have_attribute(
        "href", f"/innovation/ideas/{earlier.pk}/"
    )
    expect(panel).not_to_contain_text(unrelated.title)
    assert_no_sideways_scroll(page)
    page.fill("#id_problem", "焊接后工件表面飞溅多，人工铲除慢。")
    page.fill("#id_proposal", "做一个带弹簧刮刀的清理工具。")
    page.fill("#id_expected_benefit", "每班节约半小时。")
    page.screenshot(path="/tmp/gonghui-idea-new.png", full_page=True)
    submit = page.locator("form button.btn.block[type=submit]")
    submit.scroll_into_view_if_needed()
    with page.expect_navigation():
        submit.tap()
    idea = Idea.objects.get(title="焊接飞溅清理工具")
    assert idea.author_id == author.pk and idea.kind == "invention"
    page.wait_for_url(re.compile(rf"/innovation/ideas/{idea.pk}/$"))
    expect(page.locator(".msg.success")).to_be_visible()
    expect(page.locator("form.actions button")).to_have_count(0)  # the author cannot support it
    assert_no_sideways_scroll(page)

    # A colleague of the same union supports it, once.
    other = devices.new_page()
    sign_in(other, "colleague")
    other.goto(f"/innovation/ideas/{idea.pk}/")
    support = other.locator(f'form[action="/innovation/ideas/{idea.pk}/support/"] button')
    expect(support).to_be_enabled()
    assert_no_sideways_scroll(other)
    with other.expect_navigation():
        support.tap()
    expect(other.locator(".msg.success")).to_be_visible()
    expect(support).to_be_disabled()
    expect(support).to_have_attribute("type", "button")
    # A second tap on the "you support this" button sends nothing.
    requests = []
    other.on("request", lambda request: requests.append(request.url))
    support.click(force=True)
    other.wait_for_timeout(300)
    assert not [url for url in requests if "/support/" in url]
    other.reload()
    expect(support).to_be_disabled()
    assert IdeaSupport.objects.filter(idea=idea).count() == 1
    idea.refresh_from_db()
    assert idea.support_count == 1 and idea.status == "submitted"
    assert IdeaSupport.objects.get(idea=idea).member.user_id == colleague_user.pk
    assert_no_sideways_scroll(other)
    other.screenshot(path="/tmp/gonghui-idea-supported.png", full_page=True)
    assert not devices.errors, devices.errors


# ---- 3. an objection to a 公示 notice -------------------------------------------------------


def test_anyone_objects_to_a_public_notice_and_supervision_sees_it(
    world, province_admin, city_admin, devices
):
    from playwright.sync_api import expect

    province = province_admin
    supervisor = make_user("shaanxi_supervisor")
    org_services.role_assign(
        actor=None, user=supervisor, organisation=world.orgs["shaanxi"], role=Role.SUPERVISOR
    )
    nl = lists.nomination_list_create(
        actor=province,
        organiser=world.orgs["shaanxi"],
        title="2026年陕西省劳动模范推荐评选",
        kind="model_worker",
        level="provincial",
        year=timezone.localdate().year,
    )
    nominee = nominees.nominee_recommend(
        actor=city_admin,
        nomination_list=nl,
        recommending_org=world.orgs["xian_factory"],
        member=world.members["xian_worker"],
        deeds="技术革新十余项，年节约成本200万元。",
        is_front_line=True,
        is_industrial_worker=True,
        enterprise_ownership="non_public",
        is_migrant_worker=True,
    )
    while nominee.status == "in_review":
        nominee = nominees.nominee_approve(actor=province, nominee=nominee)
    nl = lists.publicity_start(actor=province, nomination_list=nl, override_reason="试点")

    # Anyone, not signed in, finds the notice from the public menu and objects.
    page = devices.new_page()
    page.goto("/join/")
    page.locator('.mainnav a[href="/honours/notices/"]').tap()
    page.wait_for_url(re.compile(r"/honours/notices/$"))
    with page.expect_navigation():
        page.get_by_role("link", name=re.compile(re.escape(nl.title))).tap()
    page.wait_for_url(re.compile(rf"/honours/notices/{nl.pk}/$"))
    expect(page.locator(".notice-list")).to_contain_text("张伟")
    expect(page.locator("main")).not_to_contain_text(world.members["xian_worker"].id_number_masked)
    assert_no_sideways_scroll(page)
    page.select_option("#id_nominee", value=str(nominee.pk))
    page.fill("#id_contact", "13800002222")
    page.fill("#id_text", "该同志事迹材料中的节约成本数据与实际不符。")
    send = page.locator("form.card button.btn[type=submit]")
    send.scroll_into_view_if_needed()
    page.screenshot(path="/tmp/gonghui-notice-objection.png", full_page=True)
    with page.expect_navigation():
        send.tap()
    expect(page.locator(".msg.success")).to_be_visible()
    assert_no_sideways_scroll(page)
    objection = Objection.objects.get()
    assert objection.nominee_id == nominee.pk and objection.status == "received"

    # Supervision signs in and finds it in the list's objections, contact masked.
    officer = devices.new_page()
    sign_in(officer, "shaanxi_supervisor")
    officer.goto(f"/honours/lists/{nl.pk}/")
    queue = officer.locator("#objections")
    row = queue.locator("tr", has_text="节约成本数据与实际不符")
    expect(row).to_be_visible()
    expect(row).to_contain_text("138****2222")
    expect(row).to_contain_text("张伟")
    expect(queue).not_to_contain_text("13800002222")
    expect(row.locator(f'form[action="/honours/objections/{objection.pk}/decide/"]')).to_be_visible()
    assert_no_sideways_scroll(officer)
    officer.screenshot(path="/tmp/gonghui-objections.png", full_page=True)
    assert not devices.errors, devices.errors


# ---- 4. published results and a grade recommendation -----------------------------------------

PLAN = {  # as in competitions/tests/test_services.py: places 1, 3, 2
    0: (1, "0.2", (3, 3, 3)),
    1: (0, "0.7", (2, 2, 3)),
    2: (1, "2", (2, 2, 2)),
}


def test_an_officer_reads_published_results_and_accepts_a_grade(world, devices):
    from playwright.sync_api import expect

    s = competition_helpers.build(world, n=3)
    competition = competition_helpers.publish(world, s, PLAN, [90, 60, 70])
    results = list(Result.objects.filter(entry__competition=competition).select_related("entry"))
    winner = s.members[0]
    assert winner.skill_grade == ""
    grade = Recommendation.objects.get(entry=s.entries[0], kind="grade")
    assert grade.detail == SkillGrade.TECHNICIAN

    page = devices.new_page()
    sign_in(page, "shaanxi")
    page.goto(f"/competitions/{competition.pk}/results/")
    cards = page.locator(".result-card")
    expect(cards).to_have_count(len(results))
    for result in results:
        card = cards.filter(has_text=result.entry.name)
        expect(card.locator(".place")).to_have_text(str(result.rank))
        expect(card).to_contain_text(scoring.display(result.standardised))
        if result.meets_standard:
            expect(card.locator(".badge.ok")).to_be_visible()
    winner_card = cards.filter(has_text=s.entries[0].name)
    expect(winner_card.locator(".badge")).to_have_count(4)  # three recommendations + meets standard
    expect(winner_card).to_contain_text(grade.detail_label)
    assert_no_sideways_scroll(page)
    page.screenshot(path="/tmp/gonghui-results.png", full_page=True)

    # The officer accepts the grade recommendation on the competition page.
    page.goto(f"/competitions/{competition.pk}/#recommendations")
    accept = page.locator(f'form[action="/competitions/recommendations/{grade.pk}/accept/"] button')
    accept.scroll_into_view_if_needed()
    expect(accept).to_be_visible()
    assert_no_sideways_scroll(page)
    with page.expect_navigation():
        accept.tap()
    grade.refresh_from_db()
    winner.refresh_from_db()
    assert grade.status == RecommendationStatus.ACCEPTED and grade.decided_by.username == "shaanxi"
    assert winner.skill_grade == SkillGrade.TECHNICIAN
    expect(page.locator(f'form[action="/competitions/recommendations/{grade.pk}/accept/"]')).to_have_count(0)

    # The member's record shows the new grade.
    page.goto(f"/members/{winner.pk}/")
    expect(page.locator("main")).to_contain_text(str(SkillGrade.TECHNICIAN.label))
    assert not devices.errors, devices.errors


# ---- display details the flows above showed (fixed; kept as regression tests) ---------------


def _open_blocked_sheet(world, devices):
    competition, entry, sheet = _competition_in_marking(world)
    page = devices.new_page(viewport=TABLET_VIEWPORT)
    sign_in(page, "j1")
    page.goto(f"/competitions/sheets/{sheet.pk}/")
    with page.expect_navigation():
        page.locator('#aspect-C1 button[name=value][value="3"]').tap()
    return page


def test_the_spread_warning_shows_the_spread_as_a_plain_number(world, devices):
    from playwright.sync_api import expect

    page = _open_blocked_sheet(world, devices)
    warning = page.locator("#aspect-C1 .errorlist")
    expect(warning).to_be_visible()
    assert "2.000" not in warning.inner_text()


def test_each_judgement_descriptor_is_numbered_once(world, devices):
    page = _open_blocked_sheet(world, devices)
    first = page.locator("#aspect-C1 .descriptors li").first
    marker = page.evaluate("(li) => getComputedStyle(li.parentElement).listStyleType", first.element_handle())
    text = first.inner_text()
    assert not (marker not in {"none", ""} and text.startswith("0")), (marker, text)


def test_the_idea_form_names_the_kind_of_idea_in_chinese(world, devices):
    from playwright.sync_api import expect

    member_with_login(world, "xian_factory", "author", "王建国")
    page = devices.new_page()
    sign_in(page, "author")
    page.goto("/innovation/ideas/new/")
    legend = page.locator("fieldset.kind-choices legend")
    expect(legend).to_be_visible()
    assert "组织" not in legend.inner_text()


def test_a_title_recommendation_reads_as_an_honorary_title(world, devices):
    from playwright.sync_api import expect

    s = competition_helpers.build(world, n=3)
    competition = competition_helpers.publish(world, s, PLAN, [90, 60, 70])
    page = devices.new_page()
    sign_in(page, "shaanxi")
    page.goto(f"/competitions/{competition.pk}/results/")
    badge = page.locator(".result-card .badge", has_text="全国技术能手").first
    expect(badge).to_be_visible()
    assert not badge.inner_text().startswith("标题")
