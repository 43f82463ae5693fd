"""The 劳模进校园 ledger on a 375 px phone: an officer records a visit through the form, finds it
in the ledger and reads the coverage per city and the schools with no visit this year — every
page fitting the phone's width.

Runs Debian's Chromium through Playwright; skipped when /usr/bin/chromium is missing, unless
GONGHUI_REQUIRE_BROWSER=1 (CI)."""

import pytest

from gonghui.honours.models import SchoolVisit
from gonghui.honours.services import visits
from gonghui.honours.tests.test_visits import fields, honoured  # noqa: F401 (fixture)
from gonghui.tests import browser
from gonghui.tests.test_browser import assert_fits_the_phone, sign_in

chromium = browser.chromium
phone = browser.phone

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_officer_records_a_visit_and_reads_the_coverage_on_a_phone(world, honoured, phone, today):  # noqa: F811
    from playwright.sync_api import expect

    # Last year's visit to a school nobody has visited this year.
    visits.visit_create(
        actor=world.users["xian"], **fields(world, school_name="西安市第二中学", date="2025-05-01")
    )
    page = phone.new_page()
    sign_in(page, "xian_officer")

    page.goto("/honours/visits/new/")
    assert_fits_the_phone(page)
    page.fill("#id_organisation", "610100")
    page.locator("input[name=people]").first.check()
    page.fill("#id_school_name", "西安市第一中学")
    page.fill("#id_school_division", "610113")
    page.select_option("#id_school_kind", "school")
    page.fill("#id_date", "2026-09-10")
    page.select_option("#id_role", "lecture")
    page.fill("#id_topic", "劳动最光荣")
    page.fill("#id_audience", "300")
    page.fill("#id_hours", "1.5")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").first.click()
    expect(page.locator("main")).to_contain_text("西安市第一中学")
    assert SchoolVisit.objects.filter(school_name="西安市第一中学").exists()
    assert_fits_the_phone(page)

    page.goto("/honours/visits/?year=2026")
    expect(page.locator("main")).to_contain_text("西安市第一中学")
    assert_fits_the_phone(page)

    page.goto("/honours/visits/coverage/?year=2026")
    expect(page.locator("main")).to_contain_text("西安市")
    expect(page.locator("main")).to_contain_text("西安市第二中学")
    assert_fits_the_phone(page)
    page.screenshot(path="/tmp/ledger_coverage.png", full_page=True)
