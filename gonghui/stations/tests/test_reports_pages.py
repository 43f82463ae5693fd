"""Pages of problem reports, tickets, check-ins and suggested sites."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from gonghui.core.models import AuditEntry
from gonghui.stations.choices import SuggestionStatus, TicketStatus
from gonghui.stations.models import CheckIn, Station, Suggestion, Ticket
from gonghui.stations.services import checkins, suggestions
from gonghui.stations.tests.helpers import make_keeper, make_station
from gonghui.testing import client_for


@pytest.fixture(autouse=True)
def _fresh_throttles(db):
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def keeper(world):
    return make_keeper(world, "keeper_a")


@pytest.fixture
def station(world, keeper):
    return make_station(world, "xian", name="钟楼驿站", keeper=keeper)


def _report(client, station, **data):
    return client.post(reverse("stations:report", args=[station.code]), {"kind": "no_water", **data})


def test_report_page_works_for_anonymous_workers(client, world, station):
    page = client.get(reverse("stations:report", args=[station.code]))
    assert page.status_code == 200
    assert "钟楼驿站" in page.content.decode()
    response = _report(client, station, description="没水", contact="13912345678")
    ticket = Ticket.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "stations:ticket", args=[ticket.number]
    )
    status = client.get(response["Location"])
    html = status.content.decode()
    assert ticket.number in html
    # no personal data on the public page: neither the number nor the description
    assert "13912345678" not in html and "139****5678" not in html and "没水" not in html


def test_a_repeat_report_shows_the_existing_ticket(client, world, station):
    _report(client, station)
    response = _report(client, station)
    ticket = Ticket.objects.get()
    assert response["Location"] == reverse("stations:ticket", args=[ticket.number])
    page = client.get(response["Location"])
    assert 'id="reports-count">2<' in page.content.decode()


def test_bad_report_shows_errors_and_writes_nothing(client, world, station):
    response = _report(client, station, kind="on_fire", contact="123")
    assert response.status_code == 200
    assert Ticket.objects.count() == 0
    response = _report(client, station, contact="12345")
    assert response.status_code == 200 and "contact" in response.context["form"].errors
    assert Ticket.objects.count() == 0


def test_unknown_station_is_404(client, world):
    assert client.get(reverse("stations:report", args=["000000-99999"])).status_code == 404
    assert client.get(reverse("stations:ticket", args=["WX000"])).status_code == 404


def test_anonymous_reports_are_throttled(client, world, station, settings):
    settings.GONGHUI_PUBLIC_FORM_RATE = 2
    kinds = ["no_water", "dirty", "supplies"]
    for kind in kinds[:2]:
        assert _report(client, station, kind=kind).status_code == 302
    response = _report(client, station, kind=kinds[2])
    assert response.status_code == 200 and Ticket.objects.count() == 2


def test_keeper_page_lists_tickets_and_usage(client, world, station, keeper):
    _report(client, station, kind="locked")
    client.force_login(keeper)
    page = client.get(reverse("stations:keeper_tickets"))
    html = page.content.decode()
    assert page.status_code == 200
    assert Ticket.objects.get().number in html
    assert 'data-sla="' in html and f'data-station="{station.code}"' in html


def test_keeper_acknowledges_and_resolves_from_the_phone_page(client, world, station, keeper):
    _report(client, station)
    ticket = Ticket.objects.get()
    client.force_login(keeper)
    back = reverse("stations:keeper_tickets")
    r = client.post(reverse("stations:ticket_acknowledge", args=[ticket.number]), {"next": back})
    assert r.status_code == 302 and r["Location"] == back
    r = client.post(
        reverse("stations:ticket_resolve", args=[ticket.number]), {"resolution": "", "next": back}
    )
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.ACKNOWLEDGED
    client.post(
        reverse("stations:ticket_resolve", args=[ticket.number]), {"resolution": "加满了水", "next": back}
    )
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.RESOLVED and ticket.resolved_on_time
    public = client.get(reverse("stations:ticket", args=[ticket.number])).content.decode()
    assert "加满了水" in public


def test_an_off_site_next_is_ignored(client, world, station, keeper):
    _report(client, station)
    ticket = Ticket.objects.get()
    client.force_login(keeper)
    r = client.post(
        reverse("stations:ticket_acknowledge", args=[ticket.number]), {"next": "https://evil.example/"}
    )
    assert r["Location"] == reverse("stations:ticket_detail", args=[ticket.number])


def test_ticket_pages_permissions(
    client, world, city_viewer, city_officer, sibling_city_admin, sibling_admin, station
):
    _report(client, station)
    ticket = Ticket.objects.get()
    other_keeper = make_keeper(world, "keeper_b")
    make_station(world, "xian", keeper=other_keeper)
    detail = reverse("stations:ticket_detail", args=[ticket.number])
    ack = reverse("stations:ticket_acknowledge", args=[ticket.number])
    assert client.get(detail).status_code == 302  # anonymous → sign in
    for user, code in (
        (other_keeper, 404),
        (sibling_city_admin, 404),
        (sibling_admin, 404),
    ):
        client.force_login(user)
        assert client.get(detail).status_code == code
        assert client.post(ack).status_code == code
    client.force_login(city_viewer)
    viewer_page = client.get(detail)
    assert viewer_page.status_code == 200 and ack not in viewer_page.content.decode()
    assert client.post(ack).status_code == 403
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.OPEN
    client.force_login(city_officer)
    page = client.get(detail)
    assert page.status_code == 200 and ack in page.content.decode()
    client.post(ack)
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.ACKNOWLEDGED


def test_officer_queue_and_filters(client, world, city_admin, national_admin, member_user, station):
    _report(client, station, kind="locked")
    baoji_station = make_station(world, "baoji")
    _report(client, baoji_station, kind="locked")
    url = reverse("stations:tickets")
    client.force_login(city_admin)
    page = client.get(url)
    assert page.status_code == 200 and page.context["count"] == 1
    client.force_login(national_admin)
    assert client.get(url).context["count"] == 2
    assert client.get(url, {"union": "610300"}).context["count"] == 1
    assert client.get(url, {"status": "resolved"}).context["count"] == 0
    assert client.get(url, {"overdue": "1"}).context["count"] == 0
    client.force_login(city_admin)
    assert client.get(url, {"union": "610300"}).status_code == 404
    client.force_login(member_user)
    assert client.get(url).status_code == 403  # an officers' page, like /stations/manage/


def test_rates_page(client, province_admin, sibling_admin, station):
    client.force_login(province_admin)
    page = client.get(reverse("stations:ticket_rates"))
    assert page.status_code == 200
    assert [o.code for o, _r in page.context["rows"]] == ["610000", "610100", "610300"]
    assert client.get(reverse("stations:ticket_rates"), {"org": "610100"}).status_code == 200
    client.force_login(sibling_admin)
    assert client.get(reverse("stations:ticket_rates"), {"org": "610100"}).status_code == 404


def test_qr_page_for_keeper_and_officers_only(
    client, world, city_viewer, city_officer, sibling_city_admin, station, keeper
):
    url = reverse("stations:station_qr", args=[station.code])
    assert client.get(url).status_code == 302
    client.force_login(keeper)
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "<svg" in html and station.checkin_key in page.context["url"]
    assert page.context["url"].startswith("http://testserver/stations/s/")
    client.force_login(city_officer)
    assert client.get(url).status_code == 200
    client.force_login(city_viewer)
    assert client.get(url).status_code == 403
    assert client.post(url).status_code == 403
    client.force_login(sibling_city_admin)
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    old = station.checkin_key
    station.refresh_from_db()
    assert station.checkin_key == old
    client.force_login(keeper)
    assert client.post(url).status_code == 302
    station.refresh_from_db()
    assert station.checkin_key != old
    client.force_login(make_keeper(world, "keeper_b"))
    assert client.get(url).status_code == 404


def test_checkin_page_counts_once_a_day(client, world, station):
    url = reverse("stations:checkin", args=[station.code])
    page = client.get(url, {"k": station.checkin_key})
    assert page.status_code == 200 and checkins.VISITOR_COOKIE in page.cookies
    assert CheckIn.objects.count() == 0  # GET only shows the button
    r = client.post(url, {"k": station.checkin_key})
    assert r.context["done"] == "counted"
    r = client.post(url, {"k": station.checkin_key})
    assert r.context["done"] == "already"
    assert CheckIn.objects.count() == 1
    stored = CheckIn.objects.get()
    assert stored.visitor != client.cookies[checkins.VISITOR_COOKIE].value


def test_checkin_with_a_wrong_key_is_404_and_writes_nothing(client, world, station):
    url = reverse("stations:checkin", args=[station.code])
    assert client.get(url, {"k": "wrong"}).status_code == 404
    assert client.get(url).status_code == 404
    assert client.post(url, {"k": "wrong"}).status_code == 404
    assert CheckIn.objects.count() == 0


def test_checkins_are_throttled(client, world, station, settings):
    settings.GONGHUI_STATION_CHECKIN_RATE = 1
    url = reverse("stations:checkin", args=[station.code])
    client.post(url, {"k": station.checkin_key})
    client.cookies.clear()
    r = client.post(url, {"k": station.checkin_key})
    assert r.status_code == 200 and r.context["done"] is None and r.context["error"]
    assert CheckIn.objects.count() == 1


def test_suggest_page_routes_and_shows_the_outcome(client, world):
    page = client.get(reverse("stations:suggest"))
    assert page.status_code == 200
    data = {
        "name": "小寨地铁站C口",
        "address": "长安中路",
        "province": "610000",
        "city": "610100",
        "work_division": "610113",
        "reason": "骑手多",
        "lat": "",
        "lng": "",
        "crs": "wgs84",
    }
    r = client.post(reverse("stations:suggest"), data)
    s = Suggestion.objects.get()
    assert r["Location"] == reverse("stations:suggestion", args=[s.pk])
    assert s.organisation.path.startswith(world.orgs["yanta"].path)
    public = client.get(r["Location"])
    assert public.status_code == 200 and not public.context["can_review"]
    assert "骑手多" not in public.content.decode()  # the reason is for the reviewers


def test_suggest_page_bad_input_writes_nothing(client, world):
    r = client.post(
        reverse("stations:suggest"),
        {"name": "", "address": "x", "work_division": "999999", "reason": "", "lat": "abc", "lng": "1"},
    )
    assert r.status_code == 200 and Suggestion.objects.count() == 0
    r = client.post(
        reverse("stations:suggest"),
        {"name": "a", "address": "x", "work_division": "", "reason": "b", "lat": "abc", "lng": "1"},
    )
    assert r.status_code == 200 and Suggestion.objects.count() == 0
    assert "lat" in r.context["form"].errors


def test_suggestion_review_pages(client, city_viewer, sibling_city_admin, city_officer):
    s = suggestions.suggestion_submit(
        actor=None,
        data={"name": "小寨", "address": "长安中路", "division_code": "610113", "reason": "骑手多"},
    )
    queue = reverse("stations:suggestions")
    client.force_login(sibling_city_admin)
    assert client.get(queue).context["count"] == 0
    assert client.get(reverse("stations:suggestion_accept", args=[s.pk])).status_code == 404
    assert (
        client.post(reverse("stations:suggestion_decline", args=[s.pk]), {"reason": "no"}).status_code == 404
    )
    client.force_login(city_viewer)
    assert client.get(reverse("stations:suggestion_accept", args=[s.pk])).status_code == 403
    client.force_login(city_officer)
    assert client.get(queue).context["count"] == 1
    form = client.get(reverse("stations:suggestion_accept", args=[s.pk]))
    assert form.status_code == 200 and form.context["form"].initial["name"] == "小寨"
    bad = client.post(
        reverse("stations:suggestion_accept", args=[s.pk]),
        {"name": "小寨驿站", "address": "长安中路", "division_code": "610113", "lat": "34.22", "lng": "108.94",
         "crs": "wgs84", "hours": "whenever"},
    )  # fmt: skip
    assert bad.status_code == 200 and "hours" in bad.context["form"].errors
    assert Station.objects.count() == 0
    ok = client.post(
        reverse("stations:suggestion_accept", args=[s.pk]),
        {"name": "小寨驿站", "address": "长安中路", "division_code": "610113", "lat": "34.22", "lng": "108.94",
         "crs": "wgs84", "hours": "24小时"},
    )  # fmt: skip
    assert ok.status_code == 302
    s.refresh_from_db()
    assert s.status == SuggestionStatus.ACCEPTED and s.station.name == "小寨驿站"
    client.logout()
    public = client.get(reverse("stations:suggestion", args=[s.pk])).content.decode()
    assert "小寨驿站" in public


def test_decline_from_the_page(client, city_admin):
    s = suggestions.suggestion_submit(
        actor=None, data={"name": "小寨", "address": "长安中路", "division_code": "610113", "reason": "r"}
    )
    client.force_login(city_admin)
    client.post(reverse("stations:suggestion_decline", args=[s.pk]), {"reason": ""})
    s.refresh_from_db()
    assert s.status == SuggestionStatus.PENDING
    client.post(reverse("stations:suggestion_decline", args=[s.pk]), {"reason": "附近已有"})
    s.refresh_from_db()
    assert s.status == SuggestionStatus.DECLINED
    assert AuditEntry.objects.filter(action="stations.suggestion.declined").count() == 1


def test_station_actions_fragment(world, station):
    from django.template.loader import render_to_string

    html = render_to_string("stations/_station_actions.html", {"station": station})
    assert reverse("stations:report", args=[station.code]) in html
    assert reverse("stations:suggest") in html


def _field_errors(response) -> dict[str, list[str]]:
    return {field: [str(m) for m in messages] for field, messages in response.context["form"].errors.items()}


def test_a_report_without_a_kind_and_with_a_bad_mobile_names_both_at_once(client, world, station):
    audits = AuditEntry.objects.count()
    response = _report(client, station, kind="", contact="12345")
    assert response.status_code == 200
    errors = _field_errors(response)
    assert errors["kind"] == ["请选择遇到了什么问题。"]
    assert errors["contact"] == ["请输入中国大陆手机号码：以 1 开头的 11 位数字。"]
    assert Ticket.objects.count() == 0 and AuditEntry.objects.count() == audits


def test_an_empty_suggestion_names_every_missing_field_at_once(client, world):
    audits = AuditEntry.objects.count()
    response = client.post(reverse("stations:suggest"), {"province": "", "city": "", "work_division": ""})
    assert response.status_code == 200
    assert _field_errors(response) == {
        "name": ["请填写地点。"],
        "address": ["请填写地址。"],
        "work_division": ["请选择这个地点所在的省、市、区（县）。"],
        "reason": ["请说明为什么要在这里建驿站。"],
    }
    html = response.content.decode()
    assert '<ul class="errorlist" id="id_work_division_error">' in html
    assert Suggestion.objects.count() == 0 and AuditEntry.objects.count() == audits


def test_a_suggestion_with_a_province_but_no_district_asks_for_the_district(client, world):
    response = client.post(
        reverse("stations:suggest"),
        {"name": "小寨", "address": "长安中路", "province": "610000", "city": "610100", "reason": "骑手多"},
    )
    assert _field_errors(response) == {"work_division": ["请选择这个地点所在的区（县）。"]}
    assert Suggestion.objects.count() == 0


def test_the_ticket_queue_is_filtered_by_a_union_typed_by_name_and_404_for_the_other_branchs(world):
    assert client_for("xian").get("/stations/tickets/", {"union": "雁塔区总工会"}).status_code == 200
    several = client_for("xian").get("/stations/tickets/", {"union": "yt"})
    assert several.status_code == 200 and several.context["union_form"].has_error("union", "org_ambiguous")
    assert client_for("gansu").get("/stations/tickets/", {"union": "雁塔区总工会"}).status_code == 404
