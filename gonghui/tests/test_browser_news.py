"""News on a 375 px phone: a member opens a notice that asks for acknowledgement from the
notification in 我的, acknowledges it, the page says so and the officer's receipt table counts
it; an officer writes a draft in the rich-text editor (Quill under the strict CSP).

Runs Debian's Chromium through Playwright; skipped when /usr/bin/chromium is missing, unless
GONGHUI_REQUIRE_BROWSER=1 (CI)."""

import pytest

from gonghui.news.models import NewsItem, NewsReceipt
from gonghui.news.tests.factories import published
from gonghui.tests import browser
from gonghui.tests.test_browser import assert_fits_the_phone, sign_in

chromium = browser.chromium
phone = browser.phone

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_member_reads_a_notice_from_the_inbox_and_acknowledges_it(world, phone):
    from playwright.sync_api import expect

    notice = published(world, title="关于职工书屋读书月的通知", requires_ack=True)
    page = phone.new_page()
    sign_in(page, "member")
    page.goto("/me/notifications/")
    entry = page.locator("li.notification", has_text="关于职工书屋读书月的通知")
    with page.expect_navigation(url=f"**/news/{notice.pk}/"):
        entry.locator("button[name=open]").click()
    assert page.url.endswith(f"/news/{notice.pk}/")
    expect(page.locator("h1")).to_have_text("关于职工书屋读书月的通知")
    assert_fits_the_phone(page)
    with page.expect_navigation():
        page.locator("#ack-button").click()
    expect(page.locator("#ack-done")).to_contain_text("您已于")
    expect(page.locator("#ack-button")).to_have_count(0)
    page.screenshot(path="/tmp/news_ack.png", full_page=True)
    assert NewsReceipt.objects.get(item=notice).acked_at is not None

    officer = phone.new_page()
    sign_in(officer, "xian")
    officer.goto(f"/news/manage/{notice.pk}/")
    totals = officer.locator("#receipt-totals td")
    expect(totals.nth(2)).to_have_text("1")  # read
    expect(totals.nth(3)).to_have_text("1")  # acknowledged
    assert_fits_the_phone(officer)


def test_an_officer_writes_a_draft_in_the_editor_on_a_phone(world, phone):
    from playwright.sync_api import expect

    page = phone.new_page()
    sign_in(page, "xian_officer")
    page.goto("/news/manage/new/")
    expect(page.locator(".ql-editor")).to_be_visible()  # Quill started under the CSP
    expect(page.locator("textarea[name=body]")).to_be_hidden()
    page.fill("#id_organisation", "610100")
    page.select_option("#id_kind", "news")
    page.fill("#id_title", "职工书屋开放")
    page.select_option("#id_audience", "public")
    page.locator(".ql-editor").click()
    page.keyboard.type("全市职工书屋本周开放 every day")
    assert_fits_the_phone(page)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").last.click()
    item = NewsItem.objects.get()
    assert item.body == "<p>全市职工书屋本周开放 every day</p>"
    expect(page.locator("#item-status")).to_have_text("草稿")
