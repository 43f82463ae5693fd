"""The main pages work in a real browser under the Content-Security-Policy, and not one of
them breaks it: every violation (an inline script or handler, eval, an image or script from
another origin) fails the test. htmx swaps, the filters, the print button, the maps with a
tile server and the API's Swagger page are exercised, not just loaded.

Same set-up as ``test_browser.py``: Debian's Chromium through Playwright, skipped when
/usr/bin/chromium is missing unless GONGHUI_REQUIRE_BROWSER=1.
"""

import re

import pytest
from django.test import override_settings

from config import security
from gonghui.innovation.services import ideas as idea_services
from gonghui.rights.services import requests as request_services
from gonghui.rights.services import transfers as transfer_services
from gonghui.testing import PASSWORD
from gonghui.tests import browser
from gonghui.tests.test_browser import sign_in

chromium = browser.chromium
phone = browser.phone

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Reported by the page itself, so nothing depends on how the browser logs violations.
REPORT_VIOLATIONS = """document.addEventListener("securitypolicyviolation", (e) => {
  console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || "inline code"} at ${e.sourceFile}:${e.lineNumber}`);
});"""


class Watched:
    """Pages of ``phone`` whose CSP violations (and JavaScript errors, missing static files
    and server errors, from ``browser.Phone``) land in ``phone.errors``."""

    def __init__(self, phone):
        self.phone = phone

    def new_page(self, **kwargs):
        page = self.phone.new_page(**kwargs)
        page.context.add_init_script(REPORT_VIOLATIONS)
        page.on("console", self._console)
        return page

    def _console(self, message):
        if "Content Security Policy" in message.text or message.text.startswith("CSP violation"):
            self.phone.errors.append(f"{message.text} ({message.location.get('url')})")

    @property
    def violations(self):
        return [e for e in self.phone.errors if "CSP violation" in e or "Content Security Policy" in e]


@pytest.fixture
def watched(phone):
    return Watched(phone)


def test_a_violation_is_caught(world, watched):
    """The watch works: an inline script added to a page is refused and reported."""
    page = watched.new_page()
    page.goto("/join/")
    page.evaluate(
        "() => { const s = document.createElement('script'); s.textContent = 'window.ran = 1'; document.body.append(s); }"
    )
    page.wait_for_timeout(200)
    assert page.evaluate("() => window.ran") is None
    assert watched.violations and "script-src" in watched.violations[0]


def test_join_and_stations_work_under_the_policy(world, watched):
    from playwright.sync_api import expect

    page = watched.new_page()
    page.goto("/join/")
    expect(page.locator("[data-nojs]")).to_have_count(0)  # removed by static/js/gonghui.js
    page.evaluate(
        """() => { window.settled = false;
            document.body.addEventListener("htmx:afterSettle", () => { window.settled = true; }, {once: true}); }"""
    )
    page.select_option("#id_province", label="陕西省")
    page.wait_for_function("() => window.settled")
    expect(page.locator("#id_city option", has_text="西安市")).to_have_count(1)
    assert page.evaluate("() => document.querySelectorAll('style').length") == 0  # no htmx <style>

    page.goto("/stations/")
    expect(page.locator("h1")).to_be_visible()
    assert not watched.phone.errors, watched.phone.errors


def test_the_station_map_loads_tiles_from_the_tile_server_under_the_policy(world, watched, live_server):
    from playwright.sync_api import expect

    # Another origin than the page's (127.0.0.1 vs localhost): allowed only through img-src.
    tiles = live_server.url.replace("localhost", "127.0.0.1") + "/tiles/{z}/{x}/{y}.png"
    policy = security.content_security_policy(tile_url=tiles)
    with override_settings(GONGHUI_MAP_TILE_URL=tiles, SECURE_CSP=policy):
        page = watched.new_page()
        with page.expect_request(re.compile(r"127\.0\.0\.1:\d+/tiles/\d+/\d+/\d+\.png")):
            page.goto("/stations/map/")
        expect(page.locator("#station-map .leaflet-tile").first).to_be_attached()
    assert not watched.violations, watched.violations


def test_officer_pages_htmx_and_filters_work_under_the_policy(world, watched):
    from playwright.sync_api import expect

    page = watched.new_page()
    sign_in(page, "xian")
    page.goto("/members/")
    expect(page.locator("h1")).to_be_visible()

    # The organisation tree expands with htmx and marks the toggle open (no hx-on).
    page.goto("/organisations/")
    toggle = page.locator("button.tree-toggle").first
    expect(toggle).to_have_attribute("aria-expanded", "false")
    with page.expect_response(re.compile(r"/organisations/[^/]+/children/")):
        toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(page.locator("ul[id^=kids-] li").first).to_be_visible()

    # Statistics fragment of an organisation page (htmx on load).
    page.goto("/organisations/610100/")
    expect(page.locator("#org-stats .stat").first).to_be_visible()
    assert not watched.phone.errors, watched.phone.errors


def test_the_idea_filter_and_the_letter_print_button_work_under_the_policy(
    world, member_user, city_admin, watched
):
    from playwright.sync_api import expect

    idea_services.idea_submit(
        actor=member_user, kind="innovation", title="焊接夹具改进", problem="夹具松动，返工多。",
        proposal="改用快速夹钳。",
    )  # fmt: skip
    req = request_services.request_file(
        actor=None, channel="phone", category="complaint", description="加班费未发放",
        work_division="610113", name="王强", phone="13800001111",
    )  # fmt: skip
    transfer = transfer_services.request_transfer(
        actor=city_admin, request=req, to=world.orgs["baoji"], reason="工地在宝鸡", letter=True
    )

    worker = watched.new_page()
    sign_in(worker, "member")
    worker.goto("/innovation/ideas/")
    with worker.expect_navigation(url=re.compile(r"status=submitted")):
        worker.select_option("#id_status", "submitted")  # data-autosubmit sends the filter
    expect(worker.locator("main")).to_contain_text("焊接夹具改进")

    officer = watched.new_page()
    officer.add_init_script("window.print = () => { window.printed = true; };")
    sign_in(officer, "xian")
    officer.goto(f"/rights/transfers/{transfer.pk}/letter/")
    officer.locator("button[data-print]").click()
    assert officer.evaluate("() => window.printed") is True
    assert not watched.phone.errors, watched.phone.errors


def test_the_api_docs_render_swagger_from_our_static_files_under_the_policy(world, watched, live_server):
    from playwright.sync_api import expect

    page = watched.new_page()
    outside = []
    page.on(
        "request", lambda r: None if r.url.startswith((live_server.url, "data:")) else outside.append(r.url)
    )
    sign_in(page, "xian")
    page.goto("/api/v1/docs")
    expect(page.locator(".swagger-ui .opblock").first).to_be_visible(timeout=20_000)
    expect(page.locator(".swagger-ui")).to_contain_text("/api/v1/auth/token")
    # Swagger UI draws only the operations near the viewport: scroll down to a later one.
    wanted = page.locator(".swagger-ui", has_text="/api/v1/organisations/{code}/stats")
    for _ in range(40):
        if wanted.count():
            break
        page.mouse.wheel(0, 1500)
        page.wait_for_timeout(100)
    expect(page.locator(".swagger-ui")).to_contain_text("/api/v1/organisations/{code}/stats")
    assert outside == [], outside
    assert not watched.phone.errors, watched.phone.errors


def test_the_django_admin_works_under_the_policy(world, watched):
    from playwright.sync_api import expect

    page = watched.new_page(locale="en-GB")
    page.goto("/ops/admin/login/")
    page.fill("#id_username", "operator")
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.locator("input[type=submit]").click()
    page.goto("/ops/admin/organisations/organisation/")
    expect(page.locator("#result_list")).to_be_visible()
    page.locator("#result_list tbody th a").first.click()
    expect(page.locator("form#organisation_form, form[id$=_form]").first).to_be_visible()
    assert not watched.phone.errors, watched.phone.errors
