"""The union picker in a real browser on a 375 px phone: an officer adding a member types a
union's pinyin initials, picks it from the list htmx shows under the box and saves; with
JavaScript switched off the same form offers the matches as choices after the first submit.

Debian's Chromium through Playwright (gonghui/tests/browser.py); skipped when
/usr/bin/chromium is missing (fails instead with GONGHUI_REQUIRE_BROWSER=1); no network.
"""

import datetime

import pytest
from django.urls import reverse

from gonghui.members.models import Member
from gonghui.testing import PASSWORD, make_id_number
from gonghui.tests import browser

# The fixtures, made visible to pytest in this module.
chromium = browser.chromium
phone = browser.phone

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, username: str) -> None:
    # The password form (the sign-in page also has the phone-code form).
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.locator("#id_password").press("Enter")


def _fill_the_person(page, seq: int) -> None:
    page.fill("#id_name", "欧阳明华")
    page.fill("#id_id_number", make_id_number("610113", datetime.date(1991, 2, 3), "M", seq=seq))


def test_an_officer_picks_a_union_by_typing_its_pinyin_initials_on_a_phone(world, phone):
    from playwright.sync_api import expect

    page = phone.new_page()
    sign_in(page, "xian")
    page.goto(reverse("members:create"))
    box = page.locator("#id_organisation")
    box.press_sequentially("ytq", delay=60)
    option = page.locator(".union-option", has_text="雁塔区总工会")
    expect(option).to_be_visible()
    assert option.bounding_box()["height"] >= 44  # a tap target
    option.tap()
    expect(box).to_have_value("雁塔区总工会（610113）")
    expect(page.locator(".union-option")).to_have_count(0)
    _fill_the_person(page, seq=301)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").first.click()
    assert Member.objects.get(name="欧阳明华").organisation.code == "610113"
    assert phone.errors == []


def test_without_javascript_several_matching_unions_are_offered_as_choices(world, phone):
    page = phone.new_page(javascript=False)
    sign_in(page, "xian")
    page.goto(reverse("members:create"))
    page.fill("#id_organisation", "yt")
    _fill_the_person(page, seq=302)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").first.click()
    assert not Member.objects.filter(name="欧阳明华").exists()
    assert page.locator(".union-choices").is_visible()
    page.locator("input[name=organisation_pick][value='XA-0002']").check()
    with page.expect_navigation():
        page.locator("main form button[type=submit]").first.click()
    assert Member.objects.get(name="欧阳明华").organisation.code == "XA-0002"
    assert phone.errors == []


def test_on_the_roster_the_picker_lists_unions_for_its_own_box_not_the_name_search(world, phone):
    from playwright.sync_api import expect

    page = phone.new_page()
    sign_in(page, "xian")
    page.goto(reverse("members:list"))
    page.fill("#id_q", "张")
    page.locator("#id_organisation").press_sequentially("xamj", delay=60)
    option = page.locator(".union-option", has_text="西安某机械厂工会委员会")
    expect(option).to_be_visible()
    option.tap()
    expect(page.locator("#id_organisation")).to_have_value("西安某机械厂工会委员会（XA-0001）")
    assert phone.errors == []
