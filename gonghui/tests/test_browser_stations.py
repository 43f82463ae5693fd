"""The 工会驿站 flows in a real browser (issue 6): a courier on a 360 px phone finds the nearest
open station with the browser's location, opens it (hours, facilities, the Leaflet map from
the static files, nothing fetched from elsewhere) and reports that there is no drinking water;
with the location denied the district picker finds stations, and without JavaScript the find
form is a plain GET; a keeper on a phone puts their station under maintenance with a note
(the public page says so) and acknowledges and resolves the ticket.

Same set-up as ``test_browser_rights.py``: Debian's Chromium through Playwright, skipped when
/usr/bin/chromium is missing (fails instead with GONGHUI_REQUIRE_BROWSER=1), against the
live server, no network (GONGHUI_MAP_TILE_URL stays empty: no tiles). The data is built with
``gonghui/stations/tests/helpers.py`` and the stations' services. Screenshots go to
/tmp/browser6_*.png for a look.
"""

import datetime
import re

import pytest
from django.core.cache import cache
from django.utils import timezone, translation

from gonghui.stations import geo
from gonghui.stations.choices import Crs, ProblemKind, TicketStatus
from gonghui.stations.choices import Status as StationStatus
from gonghui.stations.models import Ticket
from gonghui.stations.services import fields
from gonghui.stations.services import tickets as ticket_services
from gonghui.stations.tests.helpers import (
    BAOJI_CENTRE,
    BELL_TOWER,
    BIG_GOOSE_PAGODA,
    make_keeper,
    make_station,
)
from gonghui.stations.views.pages import distance_text
from gonghui.tests import browser
from gonghui.tests.test_browser import sign_in
from gonghui.tests.test_browser_achievements import SMALL_PHONE_VIEWPORT, Devices, assert_no_sideways_scroll
from gonghui.tests.test_browser_rights import zh

# The fixture, made visible to pytest in this module.
chromium = browser.chromium

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Where the courier stands: a few metres from a closed station, 120 m from 钟楼驿站.
HERE = {"latitude": 34.2600, "longitude": 108.9420}
YANTA = "610113"  # 雁塔区, where the 西安 test stations are
BAOJI_DISTRICT = "610302"


class StationPhones(Devices):
    """``Devices`` (360 px phones, console errors counted) whose contexts may carry a
    geolocation and its permission; every request that leaves the live server is noted."""

    def __init__(self, browser_, base_url):
        super().__init__(browser_, base_url)
        self.outside: list[str] = []

    def new_page(self, *, javascript: bool = True, geolocation=None, allow_location: bool = False):
        options = {}
        if geolocation is not None:
            options["geolocation"] = geolocation
        context = self.browser.new_context(
            java_script_enabled=javascript,
            viewport=SMALL_PHONE_VIEWPORT,
            device_scale_factor=2,
            is_mobile=True,
            has_touch=True,
            locale="zh-CN",
            base_url=self.base_url,
            permissions=["geolocation"] if allow_location else [],
            **options,
        )
        context.set_default_timeout(10_000)
        self.contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda exc: self.errors.append(f"JavaScript: {exc}"))
        page.on("console", self._check_console)
        page.on("response", self._check_response)
        page.on("request", self._check_request)
        return page

    def _check_request(self, request):
        url = request.url
        if url.startswith(("data:", "blob:", "about:")):
            return
        if not url.startswith(self.base_url + "/") and url != self.base_url:
            self.outside.append(url)


@pytest.fixture
def phones(chromium, live_server):
    cache.clear()  # the public report form is throttled per client
    helper = StationPhones(chromium, live_server.url)
    yield helper
    helper.close()
    cache.clear()


@pytest.fixture
def stations(world):
    """Around 钟楼 in 西安 (雁塔区 in the test tree): a closed station right where the courier
    stands, 钟楼驿站 (open 24 h) 120 m away, 大雁塔驿站 (open 24 h) 4.6 km away; one in 宝鸡."""
    keeper = make_keeper(world)
    closed = make_station(
        world,
        name="已停用驿站",
        lat=HERE["latitude"] + 0.0001,
        lng=HERE["longitude"],
        status=StationStatus.CLOSED,
    )
    near = make_station(
        world,
        name="钟楼驿站",
        lat=BELL_TOWER[0],
        lng=BELL_TOWER[1],
        facilities=("seating", "water", "microwave", "charging"),
        keeper=keeper,
        host_unit="西安市某物业公司",
        phone="029-88886666",
    )
    far = make_station(world, name="大雁塔驿站", lat=BIG_GOOSE_PAGODA[0], lng=BIG_GOOSE_PAGODA[1])
    baoji = make_station(world, "baoji", name="宝鸡驿站", lat=BAOJI_CENTRE[0], lng=BAOJI_CENTRE[1])
    return {"keeper": keeper, "closed": closed, "near": near, "far": far, "baoji": baoji}


def _result_codes(page) -> list[str]:
    return page.locator("#station-results > li").evaluate_all("els => els.map(e => e.dataset.code)")


def _distance(station, lat, lng) -> str:
    with translation.override("zh-hans"):
        return distance_text(geo.haversine_m(lat, lng, station.lat, station.lng))


def _open_fallback(page):
    """Open "choose a place instead" (closed once a list is shown); no script needed."""
    if page.locator("#fallback[open]").count() == 0:
        page.locator("#fallback summary").click()


# ---- 1. a courier finds the nearest open station and reports a problem --------------------------


def test_a_courier_finds_the_nearest_open_station_and_reports_no_water(world, stations, phones):
    from playwright.sync_api import expect

    near, closed, far = stations["near"], stations["closed"], stations["far"]
    page = phones.new_page(geolocation=HERE, allow_location=True)
    page.goto("/stations/")
    expect(page.locator("input[name=open]")).to_be_checked()  # "open now only" is on by default
    assert_no_sideways_scroll(page)
    page.screenshot(path="/tmp/browser6_find.png", full_page=True)

    # "Use my location": the browser's position goes to the server, which lists the stations.
    locate = page.locator("#locate")
    expect(locate).to_be_visible()
    with page.expect_navigation():
        locate.tap()
    assert "use=point" in page.url and "lat=34.260000" in page.url
    codes = _result_codes(page)
    assert codes[:2] == [near.code, far.code], codes
    assert closed.code not in codes  # nearer, but closed: not listed with "open now only"
    first = page.locator("#station-results > li").first
    expect(first).to_have_class(re.compile(r"\bis-open\b"))
    expect(first.locator(".badge.ok")).to_have_text(zh("open now"))
    expect(first.locator(".distance")).to_have_text(_distance(near, HERE["latitude"], HERE["longitude"]))
    expect(first.locator(".facilities")).to_contain_text(zh("drinking water"))
    expect(page.locator("input[name=open]")).to_be_checked()
    assert_no_sideways_scroll(page)
    page.screenshot(path="/tmp/browser6_find_results.png", full_page=True)

    # Ticking "open now only" off shows the closed station too, first and marked closed.
    page.locator("input[name=open]").uncheck()
    with page.expect_navigation():
        page.locator(".find-toggles button[type=submit]").tap()
    assert _result_codes(page)[:2] == [closed.code, near.code]
    expect(page.locator("#station-results > li").first.locator(".badge.bad")).to_have_text(zh("closed now"))
    page.go_back()

    # The station page: hours, facilities, a Leaflet map from the static files.
    with page.expect_navigation():
        page.locator(f'#station-results > li[data-code="{near.code}"] a.station-name').tap()
    assert page.url.endswith(f"/stations/s/{near.code}/")
    expect(page.locator("h1")).to_have_text("钟楼驿站")
    expect(page.locator("#station-status .badge.ok")).to_have_text(zh("open now"))
    expect(page.locator("#hours-text")).to_have_text(fields.format_hours(near))
    expect(page.locator("table.week tr")).to_have_count(7)
    expect(page.locator("table.week tr.today")).to_have_count(1)
    facilities = page.locator("section.card ul.facilities")
    for label in ("seating", "drinking water", "microwave", "phone and e-bike charging"):
        expect(facilities).to_contain_text(zh(label))
    expect(page.locator("main")).to_contain_text("029-88886666")
    expect(page.locator("#station-map")).to_have_class(re.compile(r"\bleaflet-container\b"))
    expect(page.locator("#station-map .leaflet-interactive")).to_have_count(1)  # the station's dot
    assert page.evaluate("() => typeof window.L === 'object' && Boolean(window.L.map)")
    leaflet = page.evaluate("() => [...document.scripts].map(s => s.src).filter(s => s.includes('leaflet'))")
    assert leaflet and all(src.startswith(phones.base_url + "/static/") for src in leaflet), leaflet
    assert_no_sideways_scroll(page)
    page.screenshot(path="/tmp/browser6_station.png", full_page=True)

    # Report a problem: no drinking water.
    with page.expect_navigation():
        page.locator("#station-actions a.btn").tap()
    assert page.url.endswith(f"/stations/s/{near.code}/report/")
    page.locator(f'input[name=kind][value="{ProblemKind.NO_WATER}"]').check()
    assert_no_sideways_scroll(page)
    page.screenshot(path="/tmp/browser6_report.png", full_page=True)
    send = page.locator("main form button[type=submit]")
    send.scroll_into_view_if_needed()
    with page.expect_navigation():
        send.tap()

    # The ticket page: its number and state; the ticket belongs to the station's union.
    ticket = Ticket.objects.get()
    assert page.url.endswith(f"/stations/t/{ticket.number}/")
    assert re.fullmatch(r"WX\d{12}", ticket.number)
    expect(page.locator("#ticket-number")).to_have_text(ticket.number)
    expect(page.locator('[data-status="open"]')).to_have_text(zh(TicketStatus.OPEN.label))
    expect(page.locator("main dl.fields")).to_contain_text(zh(ProblemKind.NO_WATER.label))
    assert ticket.station_id == near.pk and ticket.kind == ProblemKind.NO_WATER
    assert ticket.organisation_id == near.organisation_id == world.orgs["xian"].pk
    assert ticket.status == TicketStatus.OPEN and ticket.reporter_id is None
    assert ticket.due_at - ticket.reported_at == datetime.timedelta(
        hours=ticket_services.sla_hours("no_water")
    )
    assert ticket_services.sla_hours("no_water") == 24
    expect(page.locator("#due-at")).to_have_text(f"{timezone.localtime(ticket.due_at):%Y-%m-%d %H:%M}")
    assert_no_sideways_scroll(page)
    page.screenshot(path="/tmp/browser6_ticket.png", full_page=True)

    assert not phones.outside, phones.outside
    assert not phones.errors, phones.errors


# ---- 2. without the location: the district picker; without JavaScript: a plain GET ----------


def test_with_the_location_denied_the_district_picker_finds_stations(world, stations, phones):
    from playwright.sync_api import expect

    page = phones.new_page(geolocation=HERE, allow_location=False)
    page.goto("/stations/")
    fallback = page.locator("#fallback")
    # Nothing searched yet: the fallback is open from the start; the denial keeps it open and says why.
    page.locator("#locate").tap()
    expect(page.locator("#locate-status")).to_have_text(
        zh("Your location is not available. Choose a district or enter a place below.")
    )
    expect(page.locator("#locate")).to_be_enabled()
    expect(fallback).to_have_attribute("open", "")
    assert "/stations/" in page.url and "use=" not in page.url  # no search was sent

    district = page.locator("#id_district")
    expect(district.locator("option")).to_have_count(3)  # "choose", 雁塔区 (3), 宝鸡's district (1)
    expect(district.locator(f'option[value="{YANTA}"]')).to_contain_text("(3)")
    district.select_option(YANTA)
    with page.expect_navigation():
        page.locator('button[name=use][value="district"]').tap()
    assert "use=district" in page.url and f"district={YANTA}" in page.url
    codes = _result_codes(page)
    # Near the district's centre (the mean of its stations), open now only (still on): the two
    # open 西安 stations first, then 宝鸡's far away; the closed one not at all.
    assert sorted(codes[:2]) == sorted([stations["near"].code, stations["far"].code]), codes
    assert codes[2:] == [stations["baoji"].code], codes
    expect(page.locator("main h2").first).to_contain_text("雁塔区")
    assert_no_sideways_scroll(page)
    page.screenshot(path="/tmp/browser6_find_district.png", full_page=True)

    assert not phones.outside, phones.outside
    assert not phones.errors, phones.errors


def test_without_javascript_the_find_form_is_a_plain_get(world, stations, phones):
    from playwright.sync_api import expect

    near, far = stations["near"], stations["far"]
    page = phones.new_page(javascript=False)
    page.goto("/stations/")
    expect(page.locator("#fallback")).to_have_attribute("open", "")
    assert_no_sideways_scroll(page)

    # The district picker, sent as a GET.
    page.select_option("#id_district", YANTA)
    with page.expect_request(lambda r: r.method == "GET" and "district=" in r.url):
        with page.expect_navigation():
            page.locator('button[name=use][value="district"]').click()
    assert re.search(rf"[?&]district={YANTA}(&|$)", page.url) and "use=district" in page.url
    codes = _result_codes(page)
    assert sorted(codes[:2]) == sorted([near.code, far.code]) and codes[2:] == [stations["baoji"].code]
    assert_no_sideways_scroll(page)
    page.screenshot(path="/tmp/browser6_find_nojs.png", full_page=True)

    # Coordinates typed in from 高德 (GCJ-02): the same place, so 钟楼驿站 comes first.
    g_lat, g_lng = geo.from_wgs84(HERE["latitude"], HERE["longitude"], Crs.GCJ02)
    _open_fallback(page)
    page.fill("#id_lat", f"{g_lat:.6f}")
    page.fill("#id_lng", f"{g_lng:.6f}")
    page.select_option("#id_crs", Crs.GCJ02)
    with page.expect_navigation():
        page.locator('button[name=use][value="point"]').click()
    assert "crs=gcj02" in page.url and "use=point" in page.url
    codes = _result_codes(page)
    assert codes[:2] == [near.code, far.code], codes
    expect(page.locator("#station-results > li").first.locator(".distance")).to_have_text(
        _distance(near, HERE["latitude"], HERE["longitude"])
    )

    # Nonsense coordinates: the error, with the fallback open again (400).
    _open_fallback(page)
    page.fill("#id_lat", "north")
    with page.expect_navigation() as nav:
        page.locator('button[name=use][value="point"]').click()
    assert nav.value.status == 400
    expect(page.locator("#find-errors")).to_be_visible()
    expect(page.locator("#fallback")).to_have_attribute("open", "")
    expect(page.locator("#station-results")).to_have_count(0)
    assert_no_sideways_scroll(page)

    # Chromium logs the 400 on the console: expected here, and nothing else.
    errors = [e for e in phones.errors if "400" not in e]
    assert not errors, errors
    assert not phones.outside, phones.outside


def test_without_javascript_use_my_location_is_not_offered(world, stations, phones):
    """The 'use my location' button needs the script (it is ``hidden`` until find.js shows it):
    without JavaScript it must not head the page doing nothing; the district picker is there."""
    from playwright.sync_api import expect

    page = phones.new_page(javascript=False)
    page.goto("/stations/")
    locate = page.locator("button.locate")
    expect(locate).to_have_count(1)
    expect(locate).to_have_attribute("hidden", "")
    expect(locate).to_be_hidden()
    expect(page.locator("#fallback")).to_be_visible()
    expect(page.locator("#fallback")).to_have_attribute("open", "")
    expect(page.locator("#id_district")).to_be_visible()
    expect(page.locator('button[name=use][value="district"]')).to_be_visible()
    assert_no_sideways_scroll(page)
    page.screenshot(path="/tmp/browser6_find_nojs_top.png", full_page=True)

    assert not phones.outside, phones.outside
    assert not phones.errors, phones.errors


# ---- 3. a keeper on a phone: maintenance with a note, a ticket acknowledged and resolved -----


def _keeper_signs_in(phones, keeper):
    page = phones.new_page()
    sign_in(page, keeper.username)
    assert "/accounts/login/" not in page.url, page.url
    return page


def _set_status(page, station, status, note):
    """From the keeper's page of ``station``: the status form, saved."""
    page.goto(f"/stations/keeper/{station.code}/")
    page.select_option("#id_status", status)
    page.fill("#id_note", note)
    save = page.locator("#status button[type=submit]")
    save.scroll_into_view_if_needed()
    with page.expect_navigation():
        save.tap()
    assert page.url.endswith(f"/stations/keeper/{station.code}/"), page.url


def _resolve_details(card):
    """The "Resolved" <details> of a ticket card (the one holding the resolution form)."""
    return card.locator("details").filter(has=card.page.locator("textarea[name=resolution]"))


def test_a_keeper_puts_their_station_under_maintenance_and_resolves_a_ticket(world, stations, phones):
    from playwright.sync_api import expect

    keeper, near, far = stations["keeper"], stations["near"], stations["far"]
    # Another keeper's station, and tickets at it and at 大雁塔驿站 (no keeper): never this keeper's.
    other_keeper = make_keeper(world, "other_keeper")
    others = make_station(world, name="别人的驿站", lat=34.3767, lng=108.9394, keeper=other_keeper)
    ticket, merged = ticket_services.report_problem(
        actor=None, station=near, kind=ProblemKind.NO_WATER, description="饮水机没有水了"
    )
    assert not merged
    not_mine = [
        ticket_services.report_problem(actor=None, station=far, kind=ProblemKind.DIRTY)[0],
        ticket_services.report_problem(actor=None, station=others, kind=ProblemKind.LOCKED)[0],
    ]

    page = _keeper_signs_in(phones, keeper)

    # "My stations": only the keeper's own.
    page.goto("/stations/keeper/")
    kept = page.locator("#kept-stations > li")
    expect(kept).to_have_count(1)
    expect(kept.first.locator("a.station-name")).to_have_text(near.name)
    assert_no_sideways_scroll(page)
    page.screenshot(path="/tmp/browser6_keeper_home.png", full_page=True)
    with page.expect_navigation():
        kept.first.locator("a.station-name").tap()
    assert page.url.endswith(f"/stations/keeper/{near.code}/")
    expect(page.locator("h1")).to_have_text(near.name)
    assert_no_sideways_scroll(page)
    page.screenshot(path="/tmp/browser6_keeper_station.png", full_page=True)

    # Under maintenance, with a note for the workers.
    note = "更换饮水机，周三恢复"
    _set_status(page, near, StationStatus.MAINTENANCE, note)
    expect(page.locator("#id_status")).to_have_value(StationStatus.MAINTENANCE)
    expect(page.locator(".status-line .badge.bad")).to_have_text(zh("closed now"))
    assert_no_sideways_scroll(page)
    near.refresh_from_db()
    assert near.status == StationStatus.MAINTENANCE and near.note == note

    # The public page says so: closed now, under maintenance, and the note.
    page.goto(f"/stations/s/{near.code}/")
    expect(page.locator("#station-status .badge.bad")).to_have_text(zh("closed now"))
    expect(page.locator("#station-status .badge.warn")).to_have_text(zh(StationStatus.MAINTENANCE.label))
    expect(page.locator("#keeper-note")).to_have_text(note)
    assert_no_sideways_scroll(page)
    page.screenshot(path="/tmp/browser6_station_maintenance.png", full_page=True)

    # The keeper's tickets: only the ticket of their station.
    page.goto("/stations/keeper/tickets/")
    cards = page.locator(".ticket-card")
    expect(cards).to_have_count(1)
    card = page.locator(f'.ticket-card[data-number="{ticket.number}"]')
    expect(card).to_contain_text(zh(ProblemKind.NO_WATER.label))
    expect(card).to_contain_text("饮水机没有水了")
    for other in not_mine:
        expect(page.locator(f'[data-number="{other.number}"]')).to_have_count(0)
        expect(page.locator("main")).not_to_contain_text(other.number)
    assert_no_sideways_scroll(page)
    page.screenshot(path="/tmp/browser6_keeper_tickets.png", full_page=True)

    # Acknowledge: back on the same page, the ticket now acknowledged.
    with page.expect_navigation():
        card.locator("form[action$='/acknowledge/'] button[type=submit]").tap()
    assert page.url.endswith("/stations/keeper/tickets/"), page.url
    expect(card).to_contain_text(zh(TicketStatus.ACKNOWLEDGED.label))
    expect(card.locator("form[action$='/acknowledge/']")).to_have_count(0)
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.ACKNOWLEDGED and ticket.acknowledged_at is not None
    assert_no_sideways_scroll(page)

    # Resolve, saying what was done: the card goes away.
    resolve = _resolve_details(card)
    resolve.locator("summary").tap()
    resolution = "换了新的饮水桶"
    resolve.locator("textarea[name=resolution]").fill(resolution)
    with page.expect_navigation():
        resolve.locator("button[type=submit]").tap()
    assert page.url.endswith("/stations/keeper/tickets/"), page.url
    expect(card).to_have_count(0)
    expect(page.locator(".ticket-card")).to_have_count(0)
    expect(page.locator("#no-tickets")).to_be_visible()
    assert_no_sideways_scroll(page)
    page.screenshot(path="/tmp/browser6_keeper_tickets_done.png", full_page=True)
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.RESOLVED and ticket.resolution == resolution
    assert ticket.resolved_at is not None and ticket.resolved_on_time is True
    for other in not_mine:
        other.refresh_from_db()
        assert other.status == TicketStatus.OPEN

    # The worker's ticket page (no sign-in needed) shows it resolved, and what was done.
    worker = phones.new_page()
    worker.goto(f"/stations/t/{ticket.number}/")
    expect(worker.locator("#ticket-number")).to_have_text(ticket.number)
    expect(worker.locator('[data-status="resolved"]')).to_have_text(zh(TicketStatus.RESOLVED.label))
    expect(worker.locator("#resolution")).to_have_text(resolution)
    assert_no_sideways_scroll(worker)
    worker.screenshot(path="/tmp/browser6_ticket_resolved.png", full_page=True)

    assert not phones.outside, phones.outside
    assert not phones.errors, phones.errors


def test_the_keepers_note_and_resolution_keep_chinese_punctuation(world, stations, phones):
    """Free text a keeper writes is prose: the full-width ，：（）！。 stay as written."""
    from playwright.sync_api import expect

    keeper, near = stations["keeper"], stations["near"]
    ticket, _merged = ticket_services.report_problem(actor=None, station=near, kind=ProblemKind.LOCKED)
    page = _keeper_signs_in(phones, keeper)

    note = "饮水机维修中，预计明天（周三）恢复！"
    _set_status(page, near, StationStatus.MAINTENANCE, note)
    near.refresh_from_db()
    assert near.note == note

    page.goto("/stations/keeper/tickets/")
    card = page.locator(f'.ticket-card[data-number="{ticket.number}"]')
    resolve = _resolve_details(card)
    resolve.locator("summary").tap()
    resolution = "已开门：钥匙交给了隔壁超市，电话见门口。"
    resolve.locator("textarea[name=resolution]").fill(resolution)
    with page.expect_navigation():
        resolve.locator("button[type=submit]").tap()
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.RESOLVED and ticket.resolution == resolution
    page.goto(f"/stations/s/{near.code}/")
    expect(page.locator("#keeper-note")).to_have_text(note, timeout=2_000)
    page.goto(f"/stations/t/{ticket.number}/")
    expect(page.locator("#resolution")).to_have_text(resolution, timeout=2_000)

    assert not phones.outside, phones.outside
    assert not phones.errors, phones.errors
